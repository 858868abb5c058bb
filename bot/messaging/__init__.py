"""Outbox and inbox (exactly once), recipients and their routes."""
