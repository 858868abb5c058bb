"""Tests of bot/minutes."""
