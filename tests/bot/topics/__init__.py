"""Tests of bot/topics."""
