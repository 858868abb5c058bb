"""Slack: the minutes and attendance forms, approval and the summary."""
