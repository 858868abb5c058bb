"""Tests of bot/reminders."""
