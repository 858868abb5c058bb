"""Tests of bot/invitations."""
