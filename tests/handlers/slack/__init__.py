"""Tests of handlers/slack."""
