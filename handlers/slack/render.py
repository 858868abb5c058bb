"""A neutral Message (bot/messaging/message.py) as a Slack Web API operation.

The one place where the core's plain text becomes mrkdwn: every text is escaped exactly once
here (so `<!channel>` in a title never pings), emphasis becomes *bold* and _italic_, facts
become section fields, and actions become buttons with the action_id and value the listeners
(handlers/slack/listeners) answer. The result is the operation format the sender has always
sent, so rows queued before messages were neutral go out unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.messaging.message import (
    Action,
    ActionIntent,
    Line,
    Message,
    Paragraph,
    Style,
    To,
    Tone,
    from_payload,
    is_message,
)
from handlers.slack.blocks import MESSAGE_BLOCKS
from handlers.slack.mrkdwn import escape

SECTION_LIMIT = 2900  # Slack allows 3000 characters per section text
HEADER_LIMIT = 150
TEXT_LIMIT = 39000  # Slack truncates message text after 40 000

REGRETS_ACTION = "regrets_button"  # value: meeting id (handlers/slack/listeners/attendance.py)
ATTEND_ACTION = "attend_button"
MINUTES_ACTION = "referat_open"  # opens the item list (handlers/slack/listeners/minutes/)
SEND_ACTION = "send_invitations_button"  # handlers/slack/listeners/invitations.py
ACTION_IDS = {
    ActionIntent.REGRETS: REGRETS_ACTION,
    ActionIntent.ATTEND: ATTEND_ACTION,
    ActionIntent.OPEN_MINUTES: MINUTES_ACTION,
    ActionIntent.SEND_INVITATIONS: SEND_ACTION,
}
"""The action_id each intent's button carries; the listeners register these."""

BLOCK_IDS = {ActionIntent.ATTEND: "attendance", ActionIntent.OPEN_MINUTES: "minutes"}
STYLES = {Tone.PRIMARY: "primary", Tone.CAUTION: "danger"}
STYLE_MARKS = {Style.PLAIN: "", Style.STRONG: "*", Style.EMPHASIS: "_"}


def operation(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The Slack operation for an outbox payload: a Message rendered, or (rows queued before
    the neutral Message) the stored operation as it is."""
    if not is_message(payload):
        return dict(payload)
    return render(from_payload(payload))


def line_text(ln: Line) -> str:
    """One line as mrkdwn: spans escaped, strong as *…*, emphasis as _…_."""
    out = []
    for span in ln:
        mark = STYLE_MARKS[span.style] if span.text.strip() else ""
        out.append(f"{mark}{escape(span.text)}{mark}")
    return "".join(out)


def paragraph_text(p: Paragraph) -> str:
    """A paragraph as mrkdwn."""
    return "\n".join(line_text(ln) for ln in p.lines)


def chunks(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Split at line ends so each part fits a section block (never inside an escape)."""
    parts, current = [], ""
    for ln in text.split("\n"):
        candidate = f"{current}\n{ln}" if current else ln
        if len(candidate) > limit and current:
            parts.append(current)
            candidate = _cut(ln, limit)
        current = _cut(candidate, limit)
    if current:
        parts.append(current)
    return parts or [" "]


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit]
    amp = cut.rfind("&")
    return cut[:amp] if amp != -1 and ";" not in cut[amp:] else cut


def fallback_text(message: Message) -> str:
    """The notification text (also the whole message when there are no blocks)."""
    if message.preview:
        return escape(message.preview)
    parts = [paragraph_text(p) for p in message.paragraphs]
    if message.heading:
        parts.insert(0, f"*{escape(message.heading)}*")
    return _cut("\n\n".join(parts), TEXT_LIMIT)


def blocks(message: Message) -> list[dict[str, Any]]:
    """Block Kit for a message that has more than text: header, fields, sections, small
    print, buttons (at most 50 blocks: the body is cut first)."""
    head: list[dict[str, Any]] = []
    if message.heading:
        head.append(
            {"type": "header", "text": {"type": "plain_text", "text": message.heading[:150]}}
        )
    if message.facts:
        fields = [
            {"type": "mrkdwn", "text": f"*{escape(label)}*\n{escape(value)}"}
            for label, value in message.facts
        ]
        head.append({"type": "section", "fields": fields[:10]})
    tail: list[dict[str, Any]] = []
    if message.note:
        note = {"type": "mrkdwn", "text": escape(message.note)}
        tail.append({"type": "context", "elements": [note]})
    if message.actions:
        tail.append(_actions(message.actions))
    body = [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
        for p in message.paragraphs
        for chunk in chunks(paragraph_text(p))
    ]
    return [*head, *body[: MESSAGE_BLOCKS - len(head) - len(tail)], *tail]


def _actions(actions: tuple[Action, ...]) -> dict[str, Any]:
    elements = []
    for action in actions:
        button: dict[str, Any] = {
            "type": "button",
            "action_id": ACTION_IDS[action.intent],
            "text": {"type": "plain_text", "text": action.label[:75]},
            "value": action.ref[:2000],
        }
        if action.tone in STYLES:
            button["style"] = STYLES[action.tone]
        elements.append(button)
    block: dict[str, Any] = {"type": "actions", "elements": elements[:25]}
    if actions[0].intent in BLOCK_IDS:
        block["block_id"] = BLOCK_IDS[actions[0].intent]
    return block


def _rich(message: Message) -> bool:
    return bool(message.heading or message.facts or message.note or message.actions)


def render(message: Message) -> dict[str, Any]:
    """The operation (post, dm, update or upload) that sends the message."""
    address = message.address
    if address is None:
        raise ValueError("a Slack message needs an address")
    common = dict(message.extra)
    if len(message.files) > 1:
        raise ValueError("Slack sends one file per delivery: queue one row per file")
    if message.files:
        f = message.files[0]
        op: dict[str, Any] = {"op": "upload", "filename": f.filename, "title": f.title}
        if f.document is not None:
            op["document"] = dict(f.document)
        else:
            op["content"] = f.content
        if message.paragraphs:
            op["initial_comment"] = fallback_text(message)
        target = "channel" if address.to == To.CHANNEL else "user"
        return {**common, **op, target: address.id}
    body: dict[str, Any] = {"text": fallback_text(message)}
    if _rich(message):
        body["blocks"] = blocks(message)
    if address.to == To.PERSON:
        return {**common, "op": "dm", "user": address.id, **body}
    if address.to == To.CHANNEL:
        if address.thread:
            body["thread_ts"] = address.thread
        return {**common, "op": "post", "channel": address.id, **body}
    channel, _, ts = address.id.partition("|")
    return {**common, "op": "update", "channel": channel, "ts": ts, **body}
