"""Invitations at the edges: a DST change day, a guest added later, Slack failures retried and
reported to the secretary, two workers at once, and the CLI end to end over real SMTP."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from bot.errors import KluError
from bot.invitations import sync as invitations
from bot.meetings import agenda
from bot.meetings import planning as meetings
from bot.meetings.create import create_meeting
from bot.people.committees import find_committee
from handlers.cli.main import main
from handlers.delivery import run_dispatch
from tests.bot.invitations.test_invitations import IDA, KAREN, OLE, World
from tests.bot.invitations.test_invitations import world as world
from tests.conftest import FakeClock
from tests.invitation_helpers import (
    assert_no_property_twice,
    calendar_part,
    libical,
    props,
    start_smtp,
    times,
)


def test_a_meeting_on_the_day_summer_time_ends(world: World) -> None:
    with world.c.uow() as uow:
        committee = find_committee(uow, None)
    spec = meetings.NewMeeting(when="25. oktober 2026 kl. 15-17", default_items=True)
    meeting = create_meeting(world.c.uow(), committee, spec, now=world.clock())
    assert meeting.id is not None
    agenda.add_item(
        world.c.uow(),
        meeting.id,
        agenda.NewItem(title="Gæstepunkt", minutes=30, guests=(OLE,), position=1),
        now=world.clock(),
    )
    invitations.send_invitations(world.c.uow(), meeting.id, now=world.clock(), email_enabled=True)
    run_dispatch(world.c)
    data, method = calendar_part(world.inbox.to(KAREN)[-1].message)
    records = libical(data)
    assert method == "REQUEST" and props(records)["UID"] == meeting.calendar_uid
    start = times(records)["DTSTART"]
    assert start == ["20261025T150000", "Europe/Copenhagen", "3600", "0", "20261025T140000Z"]
    assert times(records)["DTEND"][4] == "20261025T160000Z"
    assert b"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10" in data.replace(b"\r\n ", b"")
    data, _ = calendar_part(world.inbox.to(OLE)[-1].message)
    guest = times(libical(data))
    assert guest["DTSTART"][0] == "20261025T150500" and guest["DTEND"][0] == "20261025T153500"
    assert guest["DTSTART"][4] == "20261025T140500Z"


def test_a_guest_added_after_the_call_gets_an_invitation_and_the_members_the_new_agenda(
    world: World,
) -> None:
    world.send()
    before = len(world.inbox.received)
    members = {a for r in world.inbox.received for a in r.rcpt_tos} - {IDA, OLE}
    spec = agenda.NewItem(title="Nyt orienteringspunkt", section=3, minutes=0, guests=(KAREN, IDA))
    agenda.add_item(world.c.uow(), 1, spec, now=world.clock())
    spec = agenda.NewItem(title="Punkt med ny gæst", section=4, minutes=0, guests=("Ny Gæst",))
    with pytest.raises(KluError):
        agenda.add_item(world.c.uow(), 1, spec, now=world.clock())
    world.tick(61)
    # A zero-minute item at the end of section 3 moves nobody's slot, so Ole gets nothing; Ida's
    # slots changed (she now has two items); Karen is a member already and, like every member,
    # gets the agenda with the new item.
    new = sorted(a for r in world.inbox.received[before:] for a in r.rcpt_tos)
    assert new == sorted({IDA} | members) and KAREN in members
    data, _ = calendar_part(world.inbox.to(IDA)[-1].message)
    p = props(libical(data))
    assert p["SEQUENCE"] == "1" and "punkt 2.c og 3.c" in p["SUMMARY"]
    assert_no_property_twice(data)


def test_slack_failures_are_retried_once_and_reported_to_the_secretary(world: World) -> None:
    with world.c.uow() as uow:
        camilla = uow.people.by_email("camilla.juul@fjordby.dk")
        assert camilla is not None
        camilla.slack_user_id = "U0CAMILLA"
        uow.commit()
    world.slack.add_user("U0CAMILLA", "camilla.juul@fjordby.dk", "Camilla Juul")
    world.slack.fail_next("chat.postMessage", status=500)  # temporary: retried
    world.slack.fail_next("files.getUploadURLExternal", error="invalid_auth")  # permanent
    report = world.send()
    assert report.slack == 4
    world.tick(31)  # after the back-off
    world.tick(1)  # the failure notice that the first failure enqueued
    ok_posts = [c for c in world.slack.calls_to("chat.postMessage") if c.ok]
    invites = [c for c in ok_posts if "regrets_button" in str(c.args)]
    assert len(invites) == 4  # every DM exactly once, the failed one included
    notices = [c for c in ok_posts if "kunne ikke levere" in str(c.args.get("text"))]
    assert len(notices) == 1 and "invalid_auth" in notices[0].args["text"]
    world.tick(3600)
    assert len([c for c in world.slack.calls_to("chat.postMessage") if c.ok]) == len(ok_posts)


def test_two_workers_syncing_at_once_send_each_update_once(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    world.send()
    before = len(world.inbox.received)
    invitations.reschedule_meeting(world.c.uow(), 1, "", place="Byrådssalen", now=world.clock())
    world.clock.advance(seconds=61)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            invitations.sync_due(world.c.uow, now=world.clock(), email_enabled=True)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run_dispatch(world.c)
    assert errors == []
    assert "failed" not in caplog.text  # no worker hit a lock error either
    updated = sorted(a for r in world.inbox.received[before:] for a in r.rcpt_tos)
    assert len(updated) == 15 and len(set(updated)) == 15


@pytest.fixture
def cli_env(
    sample: object, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[object, list[str]]]:
    controller, inbox = start_smtp()
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
    monkeypatch.setenv("MAIL_FROM", "klu-bot@fjordby.dk")
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    try:
        yield inbox, []
    finally:
        controller.stop()


def test_cli_send_move_sync_cancel(
    cli_env: tuple[object, list[str]], capsys: pytest.CaptureFixture[str], clock: FakeClock
) -> None:
    inbox = cli_env[0]
    assert main(["--now", "2026-05-01T12:00", "invitations", "send", "--meeting", "1"]) == 0
    out = capsys.readouterr().out
    assert "Møde 1: 15 invitationer" in out and "15 på e-mail" in out  # not the organiser
    assert len(inbox.received) == 15  # type: ignore[attr-defined]
    move = ["meeting", "move", "1", "19. juni 2026 kl. 14-16", "--place", "Byrådssalen"]
    assert main(["--now", "2026-05-01T12:01", *move]) == 0
    assert "ro i et minut" in capsys.readouterr().out
    assert main(["--now", "2026-05-01T12:01:30", "invitations", "sync"]) == 0
    assert len(inbox.received) == 15  # type: ignore[attr-defined]
    assert main(["--now", "2026-05-01T12:03", "invitations", "sync"]) == 0
    assert "15 opdateringer" in capsys.readouterr().out
    assert len(inbox.received) == 30  # type: ignore[attr-defined]
    assert main(["--now", "2026-05-01T12:05", "meeting", "cancel", "1"]) == 0
    assert "15 aflysninger" in capsys.readouterr().out
    assert len(inbox.received) == 45  # type: ignore[attr-defined]
    assert main(["--now", "2026-05-01T12:06", "invitations", "send", "--meeting", "1"]) == 1
    assert "aflyst" in capsys.readouterr().err
    assert main(["meeting", "cancel", "abc"]) == 1
    assert "abc" in capsys.readouterr().err
    calendar, _ = calendar_part(inbox.received[-1].message)  # type: ignore[attr-defined]
    assert props(libical(calendar))["LOCATION"] == "Byrådssalen"


def test_sending_from_four_threads_at_once_sends_once(world: World) -> None:
    errors: list[BaseException] = []

    def send() -> None:
        try:
            invitations.send_invitations(world.c.uow(), 1, now=world.clock(), email_enabled=True)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    run_dispatch(world.c)
    addresses = [a for r in world.inbox.received for a in r.rcpt_tos]
    assert len(addresses) == 15 and len(set(addresses)) == 15
    with world.c.uow() as uow:
        assert len(uow.calendar.copies(1)) == 15  # the organiser, without Slack, holds none
