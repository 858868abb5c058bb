"""Whole-system tests: faults, scale-out, operations, the done-when stories."""
