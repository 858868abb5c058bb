"""Invitations that never say what is not so (issue 12, points 4-6), through the CLI, the clock,
the Slack app over signed HTTP and a real SMTP server.

- 12.4 a copy counts as held only once a delivery for it was queued; who was not reached is
  told to the secretary and reached as soon as a route exists;
- 12.5 a regret changes nobody's calendar, an update says what changed, and regrets for a day
  the meeting has left are asked about again;
- 12.6 every change to what a member's copy says reaches that member, within 10 minutes even
  while the secretary keeps editing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from bot.attendance.answers import answer_reply
from bot.attendance.replies import Intent
from bot.domain import AttendanceStatus
from handlers.bootstrap import Container
from handlers.cli.main import main
from tests.bot.invitations.test_invitations import HENRIK, IDA, KAREN, OLE, PLACE, World
from tests.bot.invitations.test_invitations import world as world
from tests.conftest import FakeClock
from tests.invitation_helpers import Inbox, calendar_part, libical, params, props, start_smtp
from tests.slack_http import (  # noqa: F401
    MEMBER,
    SECRETARY,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

SOFIE_DM = "DU_SOFIE"


def _cli(now: str, *args: str) -> None:
    assert main(["--now", now, *args]) == 0


def _plain(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _description(message: EmailMessage) -> str:
    data, _ = calendar_part(message)
    return props(libical(data))["DESCRIPTION"]


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    controller, inbox = start_smtp()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


@pytest.fixture
def cli(sample: Container, db_url: str, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """The CLI on the sample database, with no e-mail and no Slack configured (yet)."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    for name in ("SMTP_URL", "MAIL_FROM", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# --- 12.4 No invitation is lost --------------------------------------------------------------


def test_people_without_a_route_hold_no_copy_and_get_it_once_email_is_set_up(
    cli: pytest.MonkeyPatch,
    smtp: tuple[int, Inbox],
    capsys: pytest.CaptureFixture[str],
    sample: Container,
) -> None:
    port, inbox = smtp
    _cli("2026-05-01T12:00", "invitations", "send", "--meeting", "1")
    out = capsys.readouterr().out
    assert "Møde 1: intet er lagt i kø" in out  # nothing was queued, so nothing is counted
    assert "alle har allerede" not in out
    assert "ikke fået invitationen endnu" in out
    assert "Karen Munk Østergaard" in out and "Ole Thomsen" in out
    with sample.uow() as uow:
        assert uow.calendar.copies(1) == []
        meeting = uow.meetings.get(1)
        assert meeting is not None and meeting.status.value == "indkaldt"

    cli.setenv("SMTP_URL", f"smtp://127.0.0.1:{port}")
    cli.setenv("MAIL_FROM", "klu-bot@fjordby.dk")
    _cli("2026-05-01T12:30", "invitations", "sync")
    out = capsys.readouterr().out
    assert "Møde 1: 15 invitationer" in out and "15 på e-mail" in out
    assert len(inbox.received) == 15
    assert "ikke fået invitationen" not in out
    _cli("2026-05-01T12:31", "invitations", "send", "--meeting", "1")
    assert "intet nyt sendt" in capsys.readouterr().out
    _cli("2026-05-01T12:32", "invitations", "sync")
    assert len(inbox.received) == 15


def test_a_later_call_reaches_who_had_no_route_and_counts_only_them(
    cli: pytest.MonkeyPatch,
    smtp: tuple[int, Inbox],
    capsys: pytest.CaptureFixture[str],
    sample: Container,
) -> None:
    port, inbox = smtp
    with sample.uow() as uow:  # Karen is in Slack; nobody else has a route without e-mail
        karen = uow.people.by_email(KAREN)
        assert karen is not None
        karen.slack_user_id = "U0KAREN"
        uow.commit()
    _cli("2026-05-01T12:00", "invitations", "send", "--meeting", "1")
    out = capsys.readouterr().out
    assert "Møde 1: 1 invitation, 0 opdateringer" in out and "1 i Slack, 0 på e-mail" in out
    cli.setenv("SMTP_URL", f"smtp://127.0.0.1:{port}")
    cli.setenv("MAIL_FROM", "klu-bot@fjordby.dk")
    _cli("2026-05-01T12:10", "invitations", "send", "--meeting", "1")
    out = capsys.readouterr().out
    assert "Møde 1: 14 invitationer" in out and "14 på e-mail" in out
    assert KAREN not in {a for r in inbox.received for a in r.rcpt_tos}  # she has hers


def test_indkald_in_slack_counts_what_was_queued_and_names_who_was_not_reached(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    reply = bot.command("indkald 1", SECRETARY[0]).json()["text"]
    # Two linked Slack users (the secretary and Sofie); e-mail is not set up.
    assert "Møde 1: 2 invitationer" in reply and "2 i Slack, 0 på e-mail" in reply
    assert "ikke fået invitationen endnu" in reply and "Ole Thomsen" in reply
    assert "Sofie Brandt" not in reply.split("ikke fået")[1]
    with bot.container.uow() as uow:
        assert len(uow.calendar.copies(1)) == 2


# --- 12.5 A regret is not a change -----------------------------------------------------------


def test_a_regret_in_slack_sends_no_update_two_minutes_later(
    bot: SlackAppServer, standin: SlackStandIn, clock: FakeClock
) -> None:
    bot.command("indkald 1", SECRETARY[0])
    deadline = time.monotonic() + 5
    while len(standin.messages(SOFIE_DM)) < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(standin.messages(SOFIE_DM)) == 1
    answer = bot.command("afbud ferie", MEMBER[0]).json()["text"]
    assert "afbud" in answer.lower()
    clock.advance(seconds=120)
    time.sleep(1.0)  # the worker runs every 0.2 s, syncing what is due
    clock.advance(seconds=120)
    time.sleep(1.0)
    texts = [str(m.get("text")) + str(m.get("blocks")) for m in standin.messages(SOFIE_DM)]
    assert len(texts) == 1, texts
    assert not any("Ændret" in t for t in texts)
    with bot.container.uow() as uow:
        sofie = uow.people.by_email(MEMBER[1])
        assert sofie is not None and sofie.id is not None
        row = uow.attendance.get(1, sofie.id)
        assert row is not None and row.status == AttendanceStatus.REGRETS
        copy = next(c for c in uow.calendar.copies(1) if c.person_id == sofie.id)
        assert copy.sequence == 0


def _regrets(w: World, address: str, request_id: str) -> None:
    with w.c.uow() as uow:
        person = uow.people.by_email(address)
    assert person is not None
    answer = answer_reply(
        w.c.uow(),
        request_id=request_id,
        person=person,
        intent=Intent.REGRETS,
        reason="ferie",
        meeting_id=1,
        via="test",
        now=w.clock(),
        reply_to=None,
    )
    assert answer.changed


def test_regrets_by_reply_leave_every_calendar_as_it_is(world: World) -> None:
    world.send()
    mails, dms = len(world.inbox.received), len(world.slack.calls_to("chat.postMessage"))
    _regrets(world, HENRIK, "Ev-regrets-1")
    world.tick(61)
    world.tick(120)
    new = world.inbox.received[mails:]
    assert [r for r in new if HENRIK in r.rcpt_tos] == []  # no "Ændret: … <the same time>"
    assert all("text/calendar" not in str(r.message) for r in new)  # the secretary's notice only
    posts = world.slack.calls_to("chat.postMessage")[dms:]
    assert not any("Ændret" in str(c.args) for c in posts)


def test_an_update_says_what_changed_and_only_that(world: World) -> None:
    world.send()
    before = len(world.inbox.received)
    with world.c.uow() as uow:
        karen = uow.people.by_email(KAREN)
        assert karen is not None
    from bot.invitations import sync as invitations

    invitations.reschedule_meeting(world.c.uow(), 1, "", place="Byrådssalen", now=world.clock())
    world.tick(61)
    assert len(world.inbox.received) == before + 15
    text = _plain(world.inbox.to(KAREN)[-1].message)
    assert "Nyt mødested: Byrådssalen (før Rådhusgade 4, 2. sal, mødelokale 1)." in text
    assert "Nyt tidspunkt" not in text and "Dagsordenen" not in text.split("Tidspunkt:")[0]
    guest = _plain(world.inbox.to(OLE)[-1].message)
    assert "Nyt mødested: Byrådssalen" in guest and "Nyt tidspunkt" not in guest
    # The Slack DM says the same above the agenda.
    dms = [c for c in world.slack.calls_to("chat.postMessage") if "Ændret" in str(c.args)]
    assert any("Nyt mødested: Byrådssalen" in str(c.args) for c in dms)
    assert PLACE != "Byrådssalen"


def test_regrets_for_the_old_day_are_asked_about_again_after_a_move(world: World) -> None:
    world.send()
    _regrets(world, HENRIK, "Ev-regrets-henrik")
    world.tick(30)
    from bot.invitations import sync as invitations

    invitations.reschedule_meeting(world.c.uow(), 1, "19. juni 2026 kl. 14-16", now=world.clock())
    world.tick(10)
    _regrets(world, KAREN, "Ev-regrets-karen")  # after the move: for the 19th, and kept
    world.tick(61)
    henrik = world.inbox.to(HENRIK)[-1].message
    text = _plain(henrik)
    assert "Nyt tidspunkt: fredag 19. juni 2026 kl. 14:00–16:00" in text
    assert "(før torsdag 18. juni 2026 kl. 15:00–17:00)" in text
    assert "Du meldte afbud til mødet 18. juni 2026" in text and "meld afbud igen" in text
    data, _ = calendar_part(henrik)
    assert "PARTSTAT=NEEDS-ACTION" in params(libical(data), "ATTENDEE")  # asked to answer
    assert "Du meldte afbud" not in _plain(world.inbox.to(KAREN)[-1].message)
    karen_data, _ = calendar_part(world.inbox.to(KAREN)[-1].message)
    assert "PARTSTAT=DECLINED" in params(libical(karen_data), "ATTENDEE")
    henrik_dm = [c for c in world.slack.calls_to("chat.postMessage")
                 if "Du meldte afbud" in str(c.args)]  # fmt: skip
    assert len(henrik_dm) == 1 and "regrets_button" in str(henrik_dm[0].args)
    with world.c.uow() as uow:
        statuses = {}
        for address in (HENRIK, KAREN):
            person = uow.people.by_email(address)
            assert person is not None and person.id is not None
            row = uow.attendance.get(1, person.id)
            assert row is not None
            statuses[address] = row.status
    assert statuses == {HENRIK: AttendanceStatus.INVITED, KAREN: AttendanceStatus.REGRETS}


def test_a_move_within_the_day_keeps_the_regrets(world: World) -> None:
    world.send()
    _regrets(world, HENRIK, "Ev-regrets-henrik")
    world.tick(30)
    from bot.invitations import sync as invitations

    invitations.reschedule_meeting(world.c.uow(), 1, "18. juni 2026 kl. 14-16", now=world.clock())
    world.tick(61)
    text = _plain(world.inbox.to(HENRIK)[-1].message)
    assert "Nyt tidspunkt: torsdag 18. juni 2026 kl. 14:00–16:00 (før torsdag 18. juni" in text
    assert "Du meldte afbud" not in text
    with world.c.uow() as uow:
        person = uow.people.by_email(HENRIK)
        assert person is not None and person.id is not None
        row = uow.attendance.get(1, person.id)
        assert row is not None and row.status == AttendanceStatus.REGRETS


# --- 12.6 Members' calendars never show an agenda that is no longer true ---------------------


def test_reordering_the_agenda_updates_the_members_copies_by_cli(
    cli: pytest.MonkeyPatch, smtp: tuple[int, Inbox], capsys: pytest.CaptureFixture[str]
) -> None:
    port, inbox = smtp
    cli.setenv("SMTP_URL", f"smtp://127.0.0.1:{port}")
    cli.setenv("MAIL_FROM", "klu-bot@fjordby.dk")
    _cli("2026-05-01T12:00", "invitations", "send", "--meeting", "1")
    first = _description(inbox.to(KAREN)[0].message)
    assert first.index("2.a ") < first.index("2.b ")
    before = len(inbox.received)
    _cli("2026-05-01T12:05", "agenda", "move", "2.b", "--meeting", "1", "--position", "1")
    _cli("2026-05-01T12:06:30", "invitations", "sync")
    out = capsys.readouterr().out
    got = {a for r in inbox.received[before:] for a in r.rcpt_tos}
    assert KAREN in got and HENRIK in got  # members: their copy carries the agenda
    message = inbox.to(KAREN)[-1].message
    assert message["Subject"].startswith("Ændret:")
    assert "Dagsordenen eller tidsplanen er ændret" in _plain(message)
    assert "Nyt tidspunkt" not in _plain(message)
    now_says = _description(message)
    assert now_says != first and "opdateringer" in out
    data, _ = calendar_part(message)
    assert props(libical(data))["SEQUENCE"] == "1"
    # Nothing more when nothing else changes.
    count = len(inbox.received)
    _cli("2026-05-01T12:10", "invitations", "sync")
    assert len(inbox.received) == count


def test_guests_and_durations_change_the_members_copy_too(world: World) -> None:
    from bot.meetings import agenda

    world.send()
    before = len(world.inbox.received)
    agenda.set_item_minutes(world.c.uow(), 1, "2.a", 40, now=world.clock())
    world.tick(61)
    got = {a for r in world.inbox.received[before:] for a in r.rcpt_tos}
    assert KAREN in got and HENRIK in got
    assert "(kl. 15:" in _description(world.inbox.to(KAREN)[-1].message)
    before = len(world.inbox.received)
    spec = agenda.NewItem(title="Orientering om vagtplan", section=3, minutes=0, guests=(OLE,))
    agenda.add_item(world.c.uow(), 1, spec, now=world.clock())
    world.tick(61)
    got = {a for r in world.inbox.received[before:] for a in r.rcpt_tos}
    assert {KAREN, HENRIK, OLE} <= got and IDA not in got
    assert "Orientering om vagtplan" in _description(world.inbox.to(KAREN)[-1].message)


def test_continuous_editing_postpones_the_update_by_at_most_ten_minutes(
    cli: pytest.MonkeyPatch, smtp: tuple[int, Inbox], capsys: pytest.CaptureFixture[str]
) -> None:
    port, inbox = smtp
    cli.setenv("SMTP_URL", f"smtp://127.0.0.1:{port}")
    cli.setenv("MAIL_FROM", "klu-bot@fjordby.dk")
    _cli("2026-05-01T12:00", "invitations", "send", "--meeting", "1")
    before = len(inbox.received)
    sent_at = None
    for step in range(16):  # an edit every 45 seconds, never a quiet minute, for 12 minutes
        seconds = 12 * 3600 + 60 + step * 45
        stamp = f"2026-05-01T{seconds // 3600:02}:{seconds % 3600 // 60:02}:{seconds % 60:02}"
        minutes = str(10 + step % 2)
        _cli(stamp, "agenda", "minutes", "2.a", minutes, "--meeting", "1")
        _cli(stamp, "clock", "--once")
        if sent_at is None and any(KAREN in r.rcpt_tos for r in inbox.received[before:]):
            sent_at = seconds
    capsys.readouterr()
    assert sent_at is not None, "an update must go out while the secretary keeps editing"
    assert 12 * 3600 + 60 + 9 * 60 <= sent_at <= 12 * 3600 + 60 + 10 * 60 + 45
    assert KAREN in {a for r in inbox.received[before:] for a in r.rcpt_tos}
