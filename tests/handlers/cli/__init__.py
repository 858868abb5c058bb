"""Tests of handlers/cli."""
