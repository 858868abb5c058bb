"""The ways in and out (Slack, e-mail, CLI, clock) and the one composition root."""
