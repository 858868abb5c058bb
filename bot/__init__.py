"""The core: the committee's rules and use cases, speaking no chat service and no database."""
