"""`klu-bot demo`: a whole meeting played through signed Slack requests and real SMTP."""
