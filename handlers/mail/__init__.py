"""E-mail out (SMTP, OAuth 2.0 for Microsoft 365) and what comes back in."""
