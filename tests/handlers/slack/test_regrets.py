"""Regrets through Slack, as signed HTTP requests to the running app and its outbox worker."""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from bot.domain import AttendanceStatus
from bot.messaging.outbox import SLACK, Sender
from handlers.bootstrap import Container
from handlers.clock import tick
from handlers.documents.source import document_source
from handlers.slack.sender import SlackSender, make_client
from tests.conftest import FakeClock, mark_called
from tests.slack_http import (  # noqa: F401 (fixtures)
    BOT_TOKEN,
    SlackAppServer,
    bot_fixture,
    link,
    sign,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

SOFIE_DM = "DU_SOFIE"
CAMILLA_DM = "DU_CAMILLA"
IDA = ("U_IDA", "ida.norgaard@fjordby.dk", "Ida Nørgaard")


def _senders(slack: SlackStandIn, c: Container) -> dict[str, Sender]:
    """As the clock builds them: the agenda reminder's dagsorden PDF is rendered when sent."""
    return {SLACK: SlackSender(make_client(BOT_TOKEN, slack.base_url), document_source(c))}


def _attendance(c: Container, email: str) -> tuple[AttendanceStatus, str] | None:
    with c.uow() as uow:
        person = uow.people.by_email(email)
        assert person is not None and person.id is not None
        row = uow.attendance.get(1, person.id)
        return (row.status, row.reason) if row else None


def _wait_messages(
    slack: SlackStandIn, channel: str, count: int, timeout: float = 5.0
) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = slack.messages(channel)
        if len(found) >= count:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{channel}: expected {count} messages, got {slack.messages(channel)}")


def _wait_for(
    slack: SlackStandIn, channel: str, wanted: Callable[[str], bool], timeout: float = 5.0
) -> None:
    """Wait for a message whatever else arrives meanwhile (the order of other rows is free)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(wanted(str(m.get("text", ""))) for m in slack.messages(channel)):
            return
        time.sleep(0.05)
    raise AssertionError(f"{channel}: no such message in {slack.messages(channel)}")


def _wait_recorded(bot: SlackAppServer, channel: str, ts: str, timeout: float = 5.0) -> None:
    """Wait until the worker has stored the sent DM's channel|ts (a reply can only come after)."""
    from bot.attendance.answers import meeting_of_message

    deadline = time.monotonic() + timeout
    while meeting_of_message(bot.container.uow(), channel, ts) is None:
        if time.monotonic() > deadline:
            raise AssertionError(f"{channel}|{ts} was never recorded as sent")
        time.sleep(0.02)


def _settle(slack: SlackStandIn, seconds: float = 0.8) -> int:
    """Give the worker time to send anything it would; how many messages exist then."""
    time.sleep(seconds)
    return len(slack.messages())


def _event_body(event_id: str, event: dict[str, Any], slack: SlackStandIn) -> bytes:
    body = {
        "token": "legacy",
        "team_id": slack.team_id,
        "api_app_id": slack.app_id,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event": event,
    }
    return json.dumps(body).encode()


def _deliver(bot: SlackAppServer, body: bytes, retry: int | None = None) -> int:
    """POST an event as Slack does, with X-Slack-Retry-Num on a retry."""
    ts = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(body, ts),
    }
    if retry is not None:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    request = urllib.request.Request(bot.url + "/slack/events", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=10) as reply:
        return int(reply.status)


def _dm(text: str, user: str = "U_SOFIE", channel: str = SOFIE_DM, **extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": channel,
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": f"{time.time():.6f}",
        **extra,
    }


@pytest.fixture
def reminded(bot: SlackAppServer, clock: FakeClock, standin: SlackStandIn) -> str:
    """The meeting was called; the agenda reminders went out on 4 June at 09:00 (two weeks
    before); Sofie's DM ts."""
    mark_called(bot.container)
    clock.set_local("2026-06-04T09:00")
    tick(bot.container, _senders(standin, bot.container))
    reminder = _wait_messages(standin, SOFIE_DM, 1)[0]  # the dagsorden file follows it
    assert "Dagsorden" in reminder["text"]
    _wait_recorded(bot, SOFIE_DM, str(reminder["ts"]))
    return str(reminder["ts"])


def test_reply_in_the_reminder_thread_registers_regrets_once(
    bot: SlackAppServer, standin: SlackStandIn, clock: FakeClock, reminded: str
) -> None:
    body = _event_body("Ev_REGRET", _dm("afbud, er på kursus", thread_ts=reminded), standin)
    assert _deliver(bot, body) == 200
    _wait_for(standin, SOFIE_DM, lambda text: "dit afbud" in text)
    [confirm] = [m for m in standin.messages(SOFIE_DM) if "dit afbud" in str(m.get("text"))]
    assert confirm["thread_ts"] == reminded
    assert "dit afbud til mødet i Kommunalt Lægeligt Udvalg" in confirm["text"]
    assert "(grund: er på kursus)" in confirm["text"]
    notice = _wait_messages(standin, CAMILLA_DM, 2)[-1]
    assert (
        "Afbud til mødet i Kommunalt Lægeligt Udvalg 18. juni 2026: Sofie Brandt" in notice["text"]
    )
    assert "• Sofie Brandt, Lægehuset Havnegade – er på kursus" in notice["text"]
    assert _attendance(bot.container, "sofie.brandt@plo-fjordby.dk") == (
        AttendanceStatus.REGRETS,
        "er på kursus",
    )
    before = _settle(standin)
    assert _deliver(bot, body, retry=1) == 200  # Slack's retry of the same event
    assert _deliver(bot, body, retry=2) == 200
    assert _settle(standin) == before
    clock.set_local("2026-06-17T09:00")
    tick(bot.container, _senders(standin, bot.container))
    _wait_for(standin, CAMILLA_DM, lambda text: text.startswith("Påmindelse"))
    _settle(standin)
    to_sofie = [m["text"] for m in standin.messages(SOFIE_DM)]
    assert not [t for t in to_sofie if t.startswith("Påmindelse")]  # no day-before reminder


def test_dm_without_thread_is_for_the_next_meeting_and_can_be_undone(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    bot.event(_dm("Afbud – ferie"))
    [confirm] = _wait_messages(standin, SOFIE_DM, 1)
    assert "thread_ts" not in confirm and "(grund: ferie)" in confirm["text"]
    assert _attendance(bot.container, "sofie.brandt@plo-fjordby.dk") == (
        AttendanceStatus.REGRETS,
        "ferie",
    )
    bot.event(_dm("Jeg kommer alligevel"))
    undo = _wait_messages(standin, SOFIE_DM, 2)[-1]
    assert "Dit afbud er trukket tilbage" in undo["text"]
    assert _attendance(bot.container, "sofie.brandt@plo-fjordby.dk") == (
        AttendanceStatus.ATTENDING,
        "",
    )
    notices = _wait_messages(standin, CAMILLA_DM, 2)
    assert "Sofie Brandt, Lægehuset Havnegade kommer alligevel" in notices[-1]["text"]
    assert "Ingen afbud indtil nu." in notices[-1]["text"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Jeg kan ikke komme, desværre", ""),
        ("Hej Camilla\n\nJeg er forhindret pga. vagt.\n\nMvh\nSofie", "vagt"),
        ("Må melde afbud – er på kursus", "er på kursus"),
    ],
)
def test_a_danish_decline_by_dm_is_stored_without_filler(
    bot: SlackAppServer, standin: SlackStandIn, text: str, reason: str
) -> None:
    bot.event(_dm(text))
    [confirm] = _wait_messages(standin, SOFIE_DM, 1)
    assert "dit afbud til mødet" in confirm["text"]
    assert ("(grund:" in confirm["text"]) == bool(reason)
    assert _attendance(bot.container, "sofie.brandt@plo-fjordby.dk") == (
        AttendanceStatus.REGRETS,
        reason,
    )


def test_a_reply_it_does_not_understand_gets_a_hint(
    bot: SlackAppServer, standin: SlackStandIn, reminded: str
) -> None:
    bot.event(_dm("hvornår er mødet?", thread_ts=reminded))
    hint = _wait_messages(standin, SOFIE_DM, 2)[-1]
    assert hint["thread_ts"] == reminded and hint["text"].startswith("Det forstod jeg ikke.")
    assert _attendance(bot.container, "sofie.brandt@plo-fjordby.dk") is None


def test_bots_edits_and_own_messages_are_ignored(
    bot: SlackAppServer, standin: SlackStandIn, reminded: str
) -> None:
    before = _settle(standin, 0.3)
    bot.event(_dm("afbud", bot_id="B_OTHER", subtype="bot_message"))
    bot.event(_dm("afbud", user=standin.bot_user_id, bot_id=standin.bot_id))
    bot.event(_dm("afbud", subtype="message_changed"))
    bot.event(_dm("afbud", channel="C_KLU", channel_type="channel"))
    assert _settle(standin) == before
    assert _attendance(bot.container, "sofie.brandt@plo-fjordby.dk") is None


def _click(bot: SlackAppServer, action_id: str, ts: str, user: str = "U_SOFIE") -> None:
    bot.interaction(
        {
            "type": "block_actions",
            "user": {"id": user},
            "container": {"type": "message", "channel_id": SOFIE_DM, "message_ts": ts},
            "channel": {"id": SOFIE_DM},
            "message": {"ts": ts, "text": "Dagsorden"},
            "response_url": f"{bot.slack.base_url}respond/x",
            "actions": [
                {"action_id": action_id, "block_id": "attendance", "type": "button",
                 "value": "1", "action_ts": f"{time.time():.6f}"}
            ],
        }
    )  # fmt: skip


def test_buttons_register_regrets_and_attendance_in_the_thread(
    bot: SlackAppServer, standin: SlackStandIn, reminded: str
) -> None:
    _click(bot, "regrets_button", reminded)
    confirm = _wait_messages(standin, SOFIE_DM, 2)[-1]
    assert confirm["thread_ts"] == reminded and "er registreret" in confirm["text"]
    assert _attendance(bot.container, "sofie.brandt@plo-fjordby.dk") == (
        AttendanceStatus.REGRETS,
        "",
    )
    _click(bot, "attend_button", reminded)
    again = _wait_messages(standin, SOFIE_DM, 3)[-1]
    assert "Dit afbud er trukket tilbage" in again["text"]
    assert _attendance(bot.container, "sofie.brandt@plo-fjordby.dk") == (
        AttendanceStatus.ATTENDING,
        "",
    )


def test_slash_command_afbud_with_reason(bot: SlackAppServer, standin: SlackStandIn) -> None:
    answer = bot.command("afbud skal til tandlæge", "U_SOFIE").json()
    assert answer["response_type"] == "ephemeral"
    assert "(grund: skal til tandlæge)" in answer["text"]
    assert _attendance(bot.container, "sofie.brandt@plo-fjordby.dk") == (
        AttendanceStatus.REGRETS,
        "skal til tandlæge",
    )
    assert "Sofie Brandt" in _wait_messages(standin, CAMILLA_DM, 1)[-1]["text"]
    assert "noteret som deltager" in bot.command("kommer", "U_SOFIE").json()["text"]


def test_a_guest_can_send_regrets(bot: SlackAppServer, standin: SlackStandIn) -> None:
    link(bot.container, standin, IDA)
    bot.event(_dm("kan ikke komme", user="U_IDA", channel="DU_IDA"))
    [confirm] = _wait_messages(standin, "DU_IDA", 1)
    assert "er registreret" in confirm["text"]
    assert _attendance(bot.container, "ida.norgaard@fjordby.dk") == (AttendanceStatus.REGRETS, "")


def test_a_member_not_linked_yet_is_linked_by_email_on_the_first_reply_or_command(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    standin.add_user("U_MADS", "mads.kjaer@plo-fjordby.dk", "Mads Kjær")
    bot.event(_dm("afbud, ferie", user="U_MADS", channel="DU_MADS"))
    [confirm] = _wait_messages(standin, "DU_MADS", 1)
    assert "(grund: ferie)" in confirm["text"]
    assert _attendance(bot.container, "mads.kjaer@plo-fjordby.dk") == (
        AttendanceStatus.REGRETS,
        "ferie",
    )
    standin.add_user("U_LINE", "line.dahl@plo-fjordby.dk", "Line Dahl")
    answer = bot.command("afbud syg", "U_LINE").json()
    assert "(grund: syg)" in answer["text"]


def test_someone_not_on_the_roster_is_told_how_to_get_on_it(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    bot.event(_dm("afbud", user="U_STRANGER", channel="DU_STRANGER"))
    [answer] = _wait_messages(standin, "DU_STRANGER", 1)
    assert "camilla.juul@fjordby.dk" in answer["text"]


def test_a_late_retry_never_undoes_a_later_change(
    bot: SlackAppServer, standin: SlackStandIn, reminded: str
) -> None:
    regrets = _event_body("Ev_A", _dm("afbud", thread_ts=reminded), standin)
    assert _deliver(bot, regrets) == 200
    _wait_messages(standin, SOFIE_DM, 2)
    undo = _event_body("Ev_B", _dm("fortryd afbud", thread_ts=reminded), standin)
    assert _deliver(bot, undo) == 200
    _wait_messages(standin, SOFIE_DM, 3)
    assert _deliver(bot, regrets, retry=3) == 200  # Slack's last retry of the first event
    assert _settle(standin) == len(standin.messages())
    assert len(standin.messages(SOFIE_DM)) == 3
    assert _attendance(bot.container, "sofie.brandt@plo-fjordby.dk") == (
        AttendanceStatus.ATTENDING,
        "",
    )


def test_a_reply_to_an_invitation_is_for_that_meeting_not_the_next(
    bot: SlackAppServer, standin: SlackStandIn, clock: FakeClock
) -> None:
    from bot.invitations.sync import send_invitations
    from bot.meetings import planning as meetings
    from bot.meetings.create import create_meeting
    from bot.people.committees import find_committee

    with bot.container.uow() as uow:
        committee = find_committee(uow, None)
    later = create_meeting(
        bot.container.uow(), committee, meetings.NewMeeting("17/9-2026 kl. 15-17"), now=clock()
    )
    assert later.id is not None and later.id != 1
    send_invitations(bot.container.uow(), later.id, now=clock(), email_enabled=False)
    invitation = _wait_messages(standin, SOFIE_DM, 1)[0]
    _wait_recorded(bot, SOFIE_DM, invitation["ts"])
    bot.event(_dm("afbud – ferie", thread_ts=invitation["ts"]))
    confirm = _wait_messages(standin, SOFIE_DM, 2)[-1]
    assert confirm["thread_ts"] == invitation["ts"] and "17. september 2026" in confirm["text"]
    with bot.container.uow() as uow:
        person = uow.people.by_email("sofie.brandt@plo-fjordby.dk")
        assert person is not None and person.id is not None
        row = uow.attendance.get(later.id, person.id)
        assert row is not None and (row.status, row.reason) == (AttendanceStatus.REGRETS, "ferie")
        assert uow.attendance.get(1, person.id) is None
