"""Slack listeners, one module or folder per feature, each with register(app, deps)."""
