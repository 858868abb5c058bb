"""A committee's whole record exported to JSON and restored from it."""
