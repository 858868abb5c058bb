"""Slack: meetings, their agenda items and guests (commands, forms, submissions)."""
