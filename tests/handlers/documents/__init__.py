"""Tests of handlers/documents."""
