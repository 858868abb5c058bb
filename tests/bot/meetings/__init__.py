"""Tests of bot/meetings."""
