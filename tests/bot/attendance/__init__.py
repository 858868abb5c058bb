"""Tests of bot/attendance."""
