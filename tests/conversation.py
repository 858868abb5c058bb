"""Slack conversations as tables: who says what, and what the bot answers.

Each row is a `Turn`: a person (a Slack user id), what they type — a `/klu …` command, or a
direct message to the bot when it starts with "dm:" — and the words the bot's answer must
contain (every one of them, in the visible text and block texts, as Slack shows them). The
rows run in order over the signed-HTTP harness of tests/slack_http.py: commands are answered
in the HTTP response, direct messages by the bot's next message in that DM channel, through
the outbox worker and the Slack stand-in.

    converse(bot, [
        Turn(SOFIE, "/klu emne Samarbejde om hjemmebesøg", "Samarbejde om hjemmebesøg", "#1"),
        Turn(SOFIE, "/klu hjælp", "/klu emne", "bruttoliste"),
    ])
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from tests.slack_http import SlackAppServer

DM_PREFIX = "dm:"


@dataclass(frozen=True)
class Turn:
    """One row: `who` says `says`; the answer contains every one of `answer`."""

    who: str
    says: str
    answer: tuple[str, ...] = field(default=())
    absent: tuple[str, ...] = field(default=())

    def __init__(self, who: str, says: str, *answer: str, absent: tuple[str, ...] = ()) -> None:
        object.__setattr__(self, "who", who)
        object.__setattr__(self, "says", says)
        object.__setattr__(self, "answer", answer)
        object.__setattr__(self, "absent", absent)


def shown(message: dict[str, Any]) -> str:
    """Everything Slack would show of a message: its text and the texts in its blocks."""
    parts = [str(message.get("text") or "")]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("text"), str):
                parts.append(node["text"])
            for value in node.values():
                if isinstance(value, dict | list):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("blocks") or [])
    return "\n".join(parts)


def _dm_channel(who: str) -> str:
    return "D" + who


def _say(bot: SlackAppServer, turn: Turn, timeout: float) -> str:
    if not turn.says.startswith(DM_PREFIX):
        text = turn.says.removeprefix("/klu").strip()
        reply = bot.command(text, turn.who)
        assert reply.status == 200, (turn, reply)
        return shown(reply.json())
    channel = _dm_channel(turn.who)
    before = len(bot.slack.messages(channel))
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": channel,
        "user": turn.who,
        "text": turn.says.removeprefix(DM_PREFIX).strip(),
        "ts": f"{time.time():.6f}",
    }
    reply = bot.event(event)
    assert reply.status == 200, (turn, reply)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [m for m in bot.slack.messages(channel) if m.get("user") != turn.who]
        if len(found) > before:
            return shown(found[-1])
        time.sleep(0.05)
    raise AssertionError(f"{turn}: no answer in {channel}")


def converse(bot: SlackAppServer, turns: list[Turn], timeout: float = 5.0) -> list[str]:
    """Play the rows in order; fail at the first answer that lacks a word. The answers."""
    answers = []
    for n, turn in enumerate(turns, 1):
        answer = _say(bot, turn, timeout)
        missing = [word for word in turn.answer if word not in answer]
        present = [word for word in turn.absent if word in answer]
        assert not missing and not present, (
            f"row {n}: {turn.who} said {turn.says!r}; the answer lacks {missing} "
            f"or shows {present}:\n{json.dumps(answer, ensure_ascii=False)}"
        )
        answers.append(answer)
    return answers
