"""Slack: `/klu emne`, the bruttoliste and its forms."""
