"""Slack: the Bolt app, HTTP and Socket Mode, the worker, the sender, the Web API stand-in."""
