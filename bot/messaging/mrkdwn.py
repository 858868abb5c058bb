"""Slack mrkdwn escaping: the one place that turns user text into text that cannot ping or link.

Only &, < and > are special in Slack's mrkdwn (https://api.slack.com/reference/surfaces/formatting);
escaping them makes `<!channel>`, `<@U123>` and `<http://x|y>` inert. It is plain text work,
so the core uses it when it composes messages for the outbox.
"""

from __future__ import annotations


def escape(text: str | None) -> str:
    """Escape &, < and > so user text never becomes a mention, a broadcast or a link."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
