"""Block Kit as terminal text, for `klu-bot demo`: what a person would see in Slack."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

from bot import texts

_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_USER = re.compile(r"<@([A-Z0-9_]+)>")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_([^_\n]+)_(?![\w_])")
_CODE = re.compile(r"`([^`\n]+)`")
_QUOTE = re.compile(r"^>", re.MULTILINE)
WIDTH = 96


def mrkdwn_to_text(text: str, names: Mapping[str, str] | None = None) -> str:
    """Strip Slack's mrkdwn markers and undo its escaping (&amp; &lt; &gt;)."""
    names = names or {}
    text = _LINK.sub(r"\2 (\1)", text)
    text = _USER.sub(lambda m: "@" + names.get(m.group(1), m.group(1)), text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _QUOTE.sub("  ", text)
    text = text.replace(":warning:", "(!)").replace(":white_check_mark:", "✓")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(obj: Mapping[str, Any] | None, names: Mapping[str, str]) -> str:
    if not obj:
        return ""
    value = str(obj.get("text") or "")
    return mrkdwn_to_text(value, names) if obj.get("type") == "mrkdwn" else value


def _element(element: Mapping[str, Any], names: Mapping[str, str]) -> str:
    kind = element.get("type")
    if kind == "button":
        return f"[{_text(element.get('text'), names)}]"
    if kind == "overflow":
        options = [_text(o.get("text"), names) for o in element.get("options") or []]
        return "[⋯ " + " | ".join(options) + "]"
    if kind in ("static_select", "multi_static_select"):
        chosen = element.get("initial_option") or {}
        return f"[▾ {_text(chosen.get('text'), names) or '…'}]"
    if kind in ("users_select", "multi_users_select"):
        return texts.DEMO_USERS_SELECT
    if kind == "plain_text_input":
        initial = str(element.get("initial_value") or "")
        hint = _text(element.get("placeholder"), names)
        return f"[{initial or (hint and '… ' + hint) or '________'}]"
    return f"[{kind}]"


def _block(block: Mapping[str, Any], names: Mapping[str, str]) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        title = _text(block.get("text"), names)
        return [title.upper(), "═" * min(len(title), WIDTH)]
    if kind == "divider":
        return ["─" * 40]
    if kind == "section":
        lines = _text(block.get("text"), names).split("\n")
        for field in block.get("fields") or []:
            lines += _text(field, names).split("\n")
        accessory = block.get("accessory")
        if accessory:
            lines[0] = f"{lines[0]}   {_element(accessory, names)}"
        return lines
    if kind == "context":
        parts = [_text(e, names) for e in block.get("elements") or [] if "text" in e]
        return ["  " + " · ".join(parts)]
    if kind == "actions":
        return [" ".join(_element(e, names) for e in block.get("elements") or [])]
    if kind == "input":
        label = _text(block.get("label"), names)
        optional = " (valgfri)" if block.get("optional") else ""
        return [f"{label}{optional}: {_element(block.get('element') or {}, names)}"]
    return []


def blocks_to_text(
    blocks: Sequence[Mapping[str, Any]], names: Mapping[str, str] | None = None
) -> str:
    """Each block as one or more lines, long lines wrapped."""
    names = names or {}
    lines: list[str] = []
    for block in blocks:
        for line in _block(block, names):
            lines += textwrap.wrap(line, WIDTH, subsequent_indent="    ") or [""]
    return "\n".join(lines)


def message_to_text(message: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    """A message or ack body: its blocks when it has them, else its text."""
    blocks = message.get("blocks")
    if blocks:
        return blocks_to_text(blocks, names)
    return mrkdwn_to_text(str(message.get("text") or ""), names or {})


def view_to_text(view: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    """A modal: title, fields and buttons."""
    names = names or {}
    title = _text(view.get("title"), names)
    body = blocks_to_text(view.get("blocks") or [], names)
    buttons = [_text(view.get(k), names) for k in ("close", "submit") if view.get(k)]
    return f"┌ {title} ┐\n{body}\n" + " ".join(f"[{b}]" for b in buttons)


def indent(text: str, prefix: str = "  │ ") -> str:
    """Prefix every line (the demo's speech bubbles)."""
    return "\n".join(prefix + line for line in text.split("\n"))
