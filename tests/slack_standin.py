"""The Slack Web API stand-in lives in the package (handlers/slack_standin.py), so the demo
and the benchmark run from an installed wheel; tests import it from here as before."""

from handlers.slack.standin import JSON_FIELDS, UPLOAD_METHOD, Call, SlackStandIn, Upload

__all__ = ["JSON_FIELDS", "UPLOAD_METHOD", "Call", "SlackStandIn", "Upload"]
