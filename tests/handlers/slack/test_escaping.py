"""Issue 13 point 4: text is escaped exactly once, in blocks and fallback text alike, and what
Slack encodes on the way in is decoded.

Hostile text goes in at every way in — the meeting's title and place, an item, a topic typed in
Slack (as Slack encodes it), a regret reason — then the meeting is called, reminded, regretted
and its minutes sent. Every payload that reached the Slack stand-in is searched for a raw
broadcast or link; and a topic with &, < and > reads back as typed, escaped once.
"""

from __future__ import annotations

import json
import time
from typing import Any

from bot.meetings.create import create_meeting
from bot.meetings.planning import NewMeeting
from bot.people.committees import find_committee
from handlers.clock import tick
from handlers.delivery import make_senders
from tests.conftest import FakeClock
from tests.slack_http import (  # noqa: F401
    CHANNEL,
    MEMBER,
    SECRETARY,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

CAMILLA, SOFIE = SECRETARY[0], MEMBER[0]
EVIL = "<!channel> <http://evil.example|klik her> <@U0BOSS>"
RAW = ("<!channel>", "<http://evil", "<@U0BOSS>")


def slack_encoded(text: str) -> str:
    """How Slack sends typed text in a command or message: &, < and > as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mrkdwn(value: Any) -> list[str]:
    """Every text Slack reads as mrkdwn: mrkdwn objects (plain_text shows < > as typed)."""
    if isinstance(value, dict):
        found = [value["text"]] if value.get("type") == "mrkdwn" else []
        return found + [s for k, v in value.items() if k != "text" for s in _mrkdwn(v)]
    if isinstance(value, list):
        return [s for v in value for s in _mrkdwn(v)]
    return []


def _raw_in(payload: dict[str, Any], where: str) -> list[tuple[str, str]]:
    """Raw mentions and links in a payload's fallback text, comment and mrkdwn blocks."""
    texts_ = [payload.get("text"), payload.get("initial_comment"), *_mrkdwn(payload)]
    return [(where, str(t)[:200]) for t in texts_ if isinstance(t, str) for raw in RAW if raw in t]


def _raw_in_calls(standin: SlackStandIn) -> list[tuple[str, str]]:
    return [hit for call in standin.calls for hit in _raw_in(call.args, call.method)]


def test_hostile_text_never_reaches_slack_raw_in_blocks_or_fallback_text(
    bot: SlackAppServer, standin: SlackStandIn, clock: FakeClock
) -> None:
    with bot.container.uow() as uow:
        committee = find_committee(uow, None)
    meeting = create_meeting(
        bot.container.uow(),
        committee,
        NewMeeting("17/9-2026 kl. 15-17", place=f"Lokale {EVIL}", title=f"Møde {EVIL}"),
        now=clock(),
    )
    assert meeting.id is not None
    reply = bot.command(f"emne {slack_encoded('Forslag ' + EVIL)}", SOFIE)
    assert reply.status == 200
    acks = [reply.text]
    acks.append(bot.command(f"indkald {meeting.id}", CAMILLA).text)
    standin.wait_for("chat.postMessage", 1, timeout=10)
    event = {
        "type": "message", "channel": "DU_SOFIE", "channel_type": "im", "user": SOFIE,
        "text": slack_encoded(f"afbud {EVIL}"), "ts": f"{time.time():.6f}",
    }  # fmt: skip
    assert bot.event(event).status == 200
    clock.set_local("2026-09-03T09:00")  # the agenda reminder
    tick(bot.container, make_senders(bot.container.settings))
    time.sleep(1.5)  # let the worker send what is queued
    acks.append(bot.command("bruttoliste", SOFIE).text)
    acks.append(bot.command(f"dagsorden {meeting.id}", SOFIE).text)
    for ack in acks:
        assert _raw_in(json.loads(ack or "{}"), "ack") == []
    assert _raw_in_calls(standin) == []
    dms = [c for c in standin.calls_to("chat.postMessage") if c.args.get("channel") != CHANNEL]
    assert dms, "no DM was sent"
    invitation = next(c for c in dms if "Lokale" in str(c.args.get("text")))
    assert "&lt;!channel&gt;" in invitation.args["text"]  # escaped once, not dropped


def test_what_slack_encodes_is_stored_as_typed_and_escaped_once_on_the_way_out(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    reply = bot.command(slack_encoded("emne Kaffe & kage <b>"), SOFIE)
    assert reply.status == 200
    with bot.container.uow() as uow:
        texts_ = [t.text for t in uow.topics.for_committee(1)]
    assert "Kaffe & kage <b>" in texts_  # what the person typed
    board = bot.command("bruttoliste", SOFIE).text
    assert "Kaffe &amp; kage &lt;b&gt;" in board
    assert "&amp;amp;" not in board and "&amp;lt;" not in board
