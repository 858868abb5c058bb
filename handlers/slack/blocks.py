"""Block Kit building blocks that escape user text and never exceed Slack's limits.

Limits from Slack's Block Kit reference: section text 3000 characters, header 150, button
and option text 75, button value 2000, option value 150, 50 blocks per message, 100 per
modal or Home tab, 10 context elements; modal titles 24 characters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot import texts
from handlers.slack.mrkdwn import escape as escape  # re-exported: handlers call b.escape

Block = dict[str, Any]

SECTION_TEXT = 3000
HEADER_TEXT = 150
BUTTON_TEXT = 75
OPTION_TEXT = 75
BUTTON_VALUE = 2000
OPTION_VALUE = 150
MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
MODAL_TITLE = 24
FALLBACK_TEXT = 3000


def clip(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters, marking the cut; never splits an escape."""
    if len(text) <= limit:
        return text
    cut = text[: limit - len(texts.SLACK_TRUNCATED)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + texts.SLACK_TRUNCATED


def plain(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object (Slack shows it verbatim, so no escaping is needed)."""
    return {"type": "plain_text", "text": clip(text or " ", limit), "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_TEXT) -> dict[str, Any]:
    """A mrkdwn object; the caller has escaped user text already."""
    return {"type": "mrkdwn", "text": clip(text or " ", limit)}


def header(text: str) -> Block:
    """A header block (plain text, 150 characters at most)."""
    return {"type": "header", "text": plain(text, HEADER_TEXT)}


def section(text: str, accessory: dict[str, Any] | None = None) -> Block:
    """A section with mrkdwn text clipped to 3000 characters."""
    block: Block = {"type": "section", "text": mrkdwn(text)}
    if accessory is not None:
        block["accessory"] = accessory
    return block


def context(text: str) -> Block:
    """A small grey line."""
    return {"type": "context", "elements": [mrkdwn(text)]}


def divider() -> Block:
    """A horizontal rule."""
    return {"type": "divider"}


def button(text: str, action_id: str, value: str, *, style: str | None = None) -> dict[str, Any]:
    """A button element; text 75 and value 2000 characters at most."""
    element: dict[str, Any] = {
        "type": "button",
        "text": plain(text, BUTTON_TEXT),
        "action_id": action_id,
        "value": value[:BUTTON_VALUE],
    }
    if style:
        element["style"] = style
    return element


def option(text: str, value: str) -> dict[str, Any]:
    """An option for menus; text 75 and value 150 characters at most."""
    return {"text": plain(text, OPTION_TEXT), "value": value[:OPTION_VALUE]}


def overflow(action_id: str, options: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """An overflow menu (2-5 options)."""
    return {"type": "overflow", "action_id": action_id, "options": list(options)[:5]}


def actions(elements: Sequence[dict[str, Any]], block_id: str | None = None) -> Block:
    """An actions block (25 elements at most)."""
    block: Block = {"type": "actions", "elements": list(elements)[:25]}
    if block_id:
        block["block_id"] = block_id
    return block


def sections(lines: Iterable[str], limit: int = SECTION_TEXT) -> list[Block]:
    """Pack lines into as few sections as fit, each under the section limit."""
    blocks: list[Block] = []
    current: list[str] = []
    size = 0
    for line in lines:
        line = clip(line, limit)
        if current and size + 1 + len(line) > limit:
            blocks.append(section("\n".join(current)))
            current, size = [], 0
        current.append(line)
        size += len(line) + (1 if size else 0)
    if current:
        blocks.append(section("\n".join(current)))
    return blocks


def fit(blocks: Sequence[Block], limit: int) -> list[Block]:
    """Keep at most `limit` blocks; when cut, the last one says there was more."""
    if len(blocks) <= limit:
        return list(blocks)
    return [*blocks[: limit - 1], context(texts.SLACK_MORE_BLOCKS)]


def message(text: str, blocks: Sequence[Block] = (), *, public: bool = False) -> dict[str, Any]:
    """A message body (slash-command answer or response_url payload), within limits."""
    body: dict[str, Any] = {
        "response_type": "in_channel" if public else "ephemeral",
        "text": clip(text, FALLBACK_TEXT),
    }
    if blocks:
        body["blocks"] = fit(blocks, MESSAGE_BLOCKS)
    return body


def home_view(blocks: Sequence[Block]) -> dict[str, Any]:
    """An App Home view with at most 100 blocks."""
    return {"type": "home", "blocks": fit(blocks, VIEW_BLOCKS)}


def number(value: int) -> str:
    """A count the Danish way: 1.000, 12.500."""
    return f"{value:,}".replace(",", ".")
