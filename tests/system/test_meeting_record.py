"""Issue 12's "done when": a committee's meeting played through Slack only — the committee's
details in /klu opsæt, a topic, an item with sagsbeskrivelse and bilag and a guest, the calling,
a regret by reply to the invitation, attendance with a no-show, minutes and approval — and the
published record lists exactly who came, who sent regrets and who did not show.

The expected lists are worked out here from the roster file in examples/ (an independent
reading, not the bot's own rule), so a record that drops or adds anyone fails.
"""

from __future__ import annotations

import csv
import io
import re
import time
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from bot.domain import AttendanceStatus, MeetingStatus
from bot.meetings.planning import get_meeting
from handlers.slack.listeners.meetings import views
from handlers.slack.listeners.minutes import views as minutes_views
from tests.conftest import FakeClock
from tests.handlers.slack.test_secretary import opened_view, prefilled, submit
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
ROSTER = Path(__file__).resolve().parents[2] / "examples" / "roster.csv"
NO_SHOW = "Lars Mikkelsen"
GUEST = "Jens Hjemmepleje"
GUEST_EMAIL = "jens.hjemmepleje@fjordby.dk"


def _roster() -> list[dict[str, str]]:
    with ROSTER.open(encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter=";"))


def _sections(summary: str) -> dict[str, list[str]]:
    """The people under each heading of the summary (*Deltagere*, _Gæster_, *Afbud*, …)."""
    found: dict[str, list[str]] = {}
    current = ""
    for line in summary.splitlines():
        heading = re.fullmatch(r"[*_]([^*_]+)[*_]", line.strip())
        if heading:
            current = heading.group(1)
            found.setdefault(current, [])
        elif line.startswith("• ") and current:
            found[current].append(line[2:].split(",")[0].strip())
        elif not line.strip():
            current = ""
    return found


def _dm_text(standin: SlackStandIn, user_dm: str, contains: str) -> dict[str, Any]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for message in standin.messages(user_dm):
            if contains in str(message.get("text")):
                return message
        time.sleep(0.05)
    raise AssertionError(f"no DM in {user_dm} with {contains!r}: {standin.messages(user_dm)}")


def _channel_summary(standin: SlackStandIn) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for call in standin.calls_to("chat.postMessage"):
            text = str(call.args.get("text"))
            if call.args.get("channel") == CHANNEL and "Beslutningsreferat" in text:
                return text
        time.sleep(0.05)
    raise AssertionError("no decision summary in the channel")


def _wait_stored(bot: SlackAppServer, channel: str, ts: str) -> None:
    from bot.attendance.answers import meeting_of_message

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if meeting_of_message(bot.container.uow(), channel, ts) is not None:
            return
        time.sleep(0.05)
    raise AssertionError("the invitation's ts was never recorded")


def test_a_meeting_played_through_slack_gives_an_exact_record(
    bot: SlackAppServer, standin: SlackStandIn, clock: FakeClock
) -> None:
    # the secretary completes the committee's details in Slack
    bot.command("opsæt", CAMILLA)
    setup = opened_view(standin, views.SETUP_VIEW)
    answer = submit(bot, CAMILLA, setup, {**prefilled(setup), "secretariat_phone": "72 10 10 10"})
    assert answer["response_action"] == "update", answer

    # a member proposes a topic
    proposed = bot.command("emne Fælles plan for vaccination af hjemmeboende", SOFIE).json()
    assert "bruttoliste" in proposed["text"].lower(), proposed

    # the secretary adds an item with substance and a guest from outside the roster
    bot.command("punkt", CAMILLA)
    form = opened_view(standin, views.AGENDA_ITEM_VIEW)
    typed = {
        **prefilled(form),
        "title": "Hjemmeplejens nye vagtplan",
        "minutes": "15",
        "sagsbeskrivelse": "Hjemmeplejen ændrer vagtplanen fra 1. august.",
        "attachments": "Vagtplan | https://fjordby.dk/vagtplan.pdf",
        "guests_email": f"{GUEST} <{GUEST_EMAIL}>",
    }
    answer = submit(bot, CAMILLA, form, typed, {"meeting": "1", "section": "3"})
    assert answer["response_action"] == "update", answer

    # the calling, from Slack
    called = bot.command("indkald 1", CAMILLA).json()
    assert "klu-bot" not in called["text"], called
    invitation = _dm_text(standin, "DU_SOFIE", "")
    _wait_stored(bot, "DU_SOFIE", str(invitation["ts"]))

    # Sofie sends regrets by replying to the invitation
    bot.event(
        {
            "type": "message",
            "channel": "DU_SOFIE",
            "channel_type": "im",
            "user": SOFIE,
            "text": "Jeg må desværre melde afbud, er på kursus",
            "ts": f"{time.time():.6f}",
            "thread_ts": invitation["ts"],
        }
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with bot.container.uow() as uow:
            sofie = uow.people.by_email(MEMBER[1])
            assert sofie is not None and sofie.id is not None
            row = uow.attendance.get(1, sofie.id)
        if row is not None and row.status == AttendanceStatus.REGRETS:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("Sofie's regret was not stored")

    # after the meeting: attendance with a no-show, minutes, approval
    clock.set_local("2026-06-18T17:15")
    listing = bot.command("referat 1", CAMILLA).json()
    assert "klu-bot" not in str(listing)
    attendance_value = next(
        e["value"]
        for blk in listing["blocks"]
        if blk["type"] == "actions"
        for e in blk["elements"]
        if e["action_id"] == minutes_views.ATTENDANCE_ACTION
    )
    bot.block_action(CAMILLA, minutes_views.ATTENDANCE_ACTION, value=attendance_value)
    view = standin.calls_to("views.open")[-1].args["view"]
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    names = {o["text"]["text"]: o["value"] for o in inputs["no_show"]["options"]}
    regrets_initial = [o["value"] for o in inputs["regrets"].get("initial_options", [])]

    def chosen(values: list[str]) -> dict[str, Any]:
        options = [{"value": v, "text": {"type": "plain_text", "text": v}} for v in values]
        return {"value": {"type": "multi_static_select", "selected_options": options}}

    state = {
        "came": chosen([]),
        "regrets": chosen(regrets_initial),
        "no_show": chosen([names[NO_SHOW]]),
    }
    reply = bot.interaction(
        {
            "type": "view_submission",
            "user": {"id": CAMILLA},
            "view": {**view, "id": "V_ATT", "state": {"values": state}},
        }
    )
    assert reply.status == 200 and reply.json() == {}, reply.text

    sent = bot.command("referat send 1", CAMILLA).json()
    assert "godkendt" in sent["text"], sent
    assert "klu-bot" not in sent["text"]
    with bot.container.uow() as uow:
        assert get_meeting(uow, 1).status == MeetingStatus.MINUTES_APPROVED

    summary = _channel_summary(standin)
    sections = _sections(summary)

    roster = _roster()
    secretariat = {r["navn"] for r in roster if r["rolle"] == "sekretær"}
    members = {r["navn"] for r in roster if r["rolle"] not in ("sekretær", "gæst")}
    expected_came = members - {MEMBER[2], NO_SHOW}
    assert set(sections["Fjordby Kommune"]) | set(sections["PLO-K"]) == expected_came
    assert sections["Afbud"] == [MEMBER[2]]
    assert NO_SHOW in sections["Ej mødt"] and MEMBER[2] not in sections["Ej mødt"]
    assert GUEST in sections["Gæster"]
    assert not secretariat & expected_came
    assert all(name in summary for name in secretariat)  # shown as the secretariat

    # the PDF of the minutes says the same
    deadline = time.monotonic() + 30
    while not any(u.channel_id == CHANNEL for u in standin.uploads):
        assert time.monotonic() < deadline, "the minutes' PDF never reached the channel"
        time.sleep(0.1)
    upload = next(u for u in standin.uploads if u.channel_id == CHANNEL)
    pdf = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(upload.content)).pages).split()
    )
    for name in expected_came | {GUEST, MEMBER[2], NO_SHOW}:
        assert name in pdf, name
