"""Tests of the core, by feature."""
