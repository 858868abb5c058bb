"""Tests of bot/messaging."""
