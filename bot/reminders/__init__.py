"""Reminders around a meeting: settings, schedule, what is due for whom, their words."""
