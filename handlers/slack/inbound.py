"""Text as Slack sends it in, turned back into what the person typed.

Slack sends &, < and > in message and slash-command text as &amp;, &lt; and &gt;
(https://api.slack.com/reference/surfaces/formatting#escaping); the bot stores what the person
typed and escapes once on the way out, so nobody reads "&amp;". View submissions and button
values are not encoded and are only cleaned of control characters.
"""

from __future__ import annotations

from bot.validation import without_control


def typed(text: object) -> str:
    """Message or command text as typed: entities decoded, control characters dropped."""
    value = str(text or "")
    value = value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return without_control(value)


def submitted(text: object) -> str:
    """A form field's value: control characters dropped (Slack does not encode these)."""
    return without_control(str(text or ""))
