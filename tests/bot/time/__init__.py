"""Tests of bot/time."""
