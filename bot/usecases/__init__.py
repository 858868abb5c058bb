"""Use cases: verbs that take plain values and a unit of work, and return domain objects."""
