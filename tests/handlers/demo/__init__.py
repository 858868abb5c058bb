"""Tests of handlers/demo."""
