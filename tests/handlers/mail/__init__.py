"""Tests of handlers/mail."""
