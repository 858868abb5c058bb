"""Slack mrkdwn escaping: the one place that turns user text into text that cannot ping or link.

Only &, < and > are special in Slack's mrkdwn (https://api.slack.com/reference/surfaces/formatting);
escaping them makes `<!channel>`, `<@U123>` and `<http://x|y>` inert. Only the Slack adapter
uses it: the core hands it plain text (bot/messaging/message.py) and never escapes.
"""

from __future__ import annotations


def escape(text: str | None) -> str:
    """Escape &, < and > so user text never becomes a mention, a broadcast or a link."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
