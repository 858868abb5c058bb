"""Invitations for the sample meeting: Slack DM + .ics, iMIP e-mail over real SMTP, checked by
libical; updates reach only those affected, after a quiet minute; cancellations; no repeats."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.config import Settings
from bot.domain import Attendance, AttendanceStatus, MeetingStatus
from bot.invitations import sync as invitations
from bot.invitations.copies import guest_uid
from bot.meetings import agenda
from handlers.bootstrap import Container
from handlers.delivery import run_dispatch
from tests.conftest import FakeClock
from tests.invitation_helpers import (
    Inbox,
    assert_no_property_twice,
    calendar_part,
    libical,
    params,
    props,
    start_smtp,
    times,
)
from tests.slack_standin import SlackStandIn

IDA, OLE = "ida.norgaard@fjordby.dk", "ole.thomsen@fjordby.dk"
KAREN, HENRIK = "karen.ostergaard@fjordby.dk", "henrik.lund@plo-fjordby.dk"
CAMILLA = "camilla.juul@fjordby.dk"
SLACK_IDS = {KAREN: "U0KAREN", HENRIK: "U0HENRIK", IDA: "U0IDA"}
PLACE = "Rådhusgade 4, 2. sal, mødelokale 1"


@dataclass
class World:
    """The sample committee wired to a Slack stand-in and a real SMTP server."""

    c: Container
    clock: FakeClock
    slack: SlackStandIn
    inbox: Inbox
    meeting_id: int

    def send(self) -> invitations.SendReport:
        """The secretary sends the invitations; the outbox is dispatched."""
        report = invitations.send_invitations(
            self.c.uow(), self.meeting_id, now=self.clock(), email_enabled=True
        )
        run_dispatch(self.c)
        return report

    def tick(self, seconds: float) -> None:
        """Time passes; the worker runs a round."""
        self.clock.advance(seconds=seconds)
        run_dispatch(self.c)

    def calendar(self, address: str, index: int = -1) -> tuple[bytes, list[list[str]]]:
        """One recipient's calendar (by e-mail) and libical's reading of it."""
        message = self.inbox.to(address)[index].message
        data, method = calendar_part(message)
        records = libical(data)
        assert props(records)["METHOD"] == method
        assert_no_property_twice(data)
        return data, records


@pytest.fixture
def world(sample: Container, clock: FakeClock) -> Iterator[World]:
    slack = SlackStandIn()
    slack.start()
    controller, inbox = start_smtp()
    with sample.uow() as uow:
        for address, user in SLACK_IDS.items():
            person = uow.people.by_email(address)
            assert person is not None
            person.slack_user_id = user
            slack.add_user(user, address, person.name)
        uow.commit()
    sample.settings = Settings(
        database_url=sample.settings.database_url,
        slack_bot_token="xoxb-test",
        slack_api_url=slack.base_url,
        smtp_url=f"smtp://127.0.0.1:{controller.port}",
        mail_from="klu-bot@fjordby.dk",
    )
    try:
        yield World(sample, clock, slack, inbox, 1)
    finally:
        controller.stop()
        slack.stop()


def _meeting_uid(w: World) -> str:
    with w.c.uow() as uow:
        meeting = uow.meetings.get(w.meeting_id)
        assert meeting is not None
        return meeting.calendar_uid


def _dm_blocks(w: World, user: str) -> list[list[dict[str, Any]]]:
    channel = next(c.response["channel"]["id"] for c in w.slack.calls_to("conversations.open")
                   if c.args.get("users") == user and c.response)  # fmt: skip
    return [c.args["blocks"] for c in w.slack.calls_to("chat.postMessage")
            if c.args.get("channel") == channel]  # fmt: skip


def test_members_and_guests_get_invitations_by_slack_and_email(world: World) -> None:
    report = world.send()
    assert report.requests == 15  # 13 members and 2 guests; the secretary (organiser, no Slack)
    # gets nothing queued, so holds no copy and is not counted
    with world.c.uow() as uow:
        meeting = uow.meetings.get(1)
        assert meeting is not None and meeting.status == MeetingStatus.CALLED
    # E-mail: everyone with an address but the secretariat (the organizer).
    addresses = sorted(a for r in world.inbox.received for a in r.rcpt_tos)
    assert len(addresses) == 15 and CAMILLA not in addresses
    assert {IDA, OLE, KAREN, HENRIK} <= set(addresses)
    uid = _meeting_uid(world)

    _, records = world.calendar(KAREN)
    p = props(records)
    assert (p["METHOD"], p["UID"], p["SEQUENCE"], p["STATUS"]) == ("REQUEST", uid, "0", "CONFIRMED")
    assert p["LOCATION"] == PLACE
    assert p["SUMMARY"] == "Møde i Kommunalt Lægeligt Udvalg"
    assert p["ORGANIZER"] == f"mailto:{CAMILLA}"
    assert "CN=Camilla Juul" in params(records, "ORGANIZER")
    assert p["ATTENDEE"] == f"mailto:{KAREN}"
    assert {"CN=Karen Munk Østergaard", "ROLE=CHAIR", "PARTSTAT=NEEDS-ACTION", "RSVP=TRUE"} <= (
        params(records, "ATTENDEE")
    )
    assert "DTSTAMP" in p
    t = times(records)
    assert t["DTSTART"] == ["20260618T150000", "Europe/Copenhagen", "7200", "1", "20260618T130000Z"]
    assert t["DTEND"][0] == "20260618T170000" and t["DTEND"][4] == "20260618T150000Z"
    description = p["DESCRIPTION"]
    assert "Dagsorden og tidsplan" in description
    assert "2.c Procedure for lægeerklæringer ved elever i reduceret skema (kl. 15:50–16:10)" in (
        description
    )
    message = world.inbox.to(KAREN)[0].message
    assert message["Subject"].startswith("Invitation: Møde i Kommunalt Lægeligt Udvalg")
    assert "Karen Munk Østergaard" in message["To"]

    # The guest: her item's slot only, her own UID, she is the only attendee.
    _, records = world.calendar(IDA)
    p = props(records)
    assert p["UID"] == guest_uid(uid, _person_id(world, IDA)) != uid
    assert p["ATTENDEE"] == f"mailto:{IDA}"
    assert "ROLE=REQ-PARTICIPANT" in params(records, "ATTENDEE")
    assert times(records)["DTSTART"][0] == "20260618T155000"
    assert times(records)["DTEND"][0] == "20260618T161000"
    text = p["DESCRIPTION"]
    assert "Punkt 2.c: Procedure for lægeerklæringer" in text and "Ida Nørgaard" in text
    assert "kl. 15:50–16:10" in text and "Henvisninger" not in text
    _, records = world.calendar(OLE)
    assert times(records)["DTSTART"][0] == "20260618T161000"
    assert times(records)["DTEND"][0] == "20260618T162500"

    # Slack: a DM with the facts and the regrets button, and the .ics file, for each Slack user;
    # the two members also get the dagsorden PDF, the guest does not (test_agenda_with_calling).
    assert sorted(u.filename for u in world.slack.uploads) == [
        "Dagsorden KLU 2026-06-18.pdf",
        "Dagsorden KLU 2026-06-18.pdf",
        *["invitation.ics"] * 3,
    ]
    blocks = _dm_blocks(world, "U0KAREN")[0]
    button = blocks[-1]["elements"][0]
    assert (button["action_id"], button["value"]) == ("regrets_button", "1")
    assert "18. juni 2026" in str(blocks[1]) and "15:00–17:00" in str(blocks[1])
    assert PLACE in str(blocks[1]) and "Godkendelse af dagsorden" in str(blocks[2])
    karen_file = next(u for u in world.slack.uploads if b"mailto:" + KAREN.encode() in u.content)
    records = libical(karen_file.content)
    assert props(records)["ATTENDEE"] == f"mailto:{KAREN}"
    assert_no_property_twice(karen_file.content)


def _person_id(w: World, address: str) -> int:
    with w.c.uow() as uow:
        person = uow.people.by_email(address)
        assert person is not None and person.id is not None
        return person.id


def test_sending_twice_sends_nothing_more(world: World) -> None:
    world.send()
    mails, posts = len(world.inbox.received), len(world.slack.calls_to("chat.postMessage"))
    report = world.send()
    assert report.total == 0
    assert "intet nyt sendt" in invitations.report_text(report)
    world.tick(120)
    assert len(world.inbox.received) == mails
    assert len(world.slack.calls_to("chat.postMessage")) == posts


def _members(w: World) -> set[str]:
    """The 13 members' addresses (the secretary, the organiser, gets no e-mail)."""
    return {a for r in w.inbox.received[:15] for a in r.rcpt_tos} - {IDA, OLE}


def test_moving_the_guests_item_updates_that_guest_and_the_members_after_a_quiet_minute(
    world: World,
) -> None:
    world.send()
    before = len(world.inbox.received)
    members = _members(world)
    agenda.move_item(world.c.uow(), 1, "2.c", section=None, position=1, now=world.clock())
    world.tick(30)
    # A second edit inside the minute: the two become one update.
    agenda.move_item(world.c.uow(), 1, "2.b", section=None, position=1, now=world.clock())
    world.tick(45)
    assert len(world.inbox.received) == before  # not quiet for a minute yet
    world.tick(20)
    new = world.inbox.received[before:]
    # Ida's slot moved; the members' copies carry the agenda, so they get it too; Ole's slot
    # and item number stayed, so he gets nothing.
    assert sorted(a for r in new for a in r.rcpt_tos) == sorted({IDA} | members)
    _, records = world.calendar(IDA)
    p = props(records)
    assert (p["METHOD"], p["SEQUENCE"]) == ("REQUEST", "1")
    assert times(records)["DTSTART"][0] == "20260618T153000"  # now 2.b, after 25 min of 2.a
    assert world.inbox.to(IDA)[-1].message["Subject"].startswith("Ændret:")
    assert len(_dm_blocks(world, "U0IDA")) == 2 and len(_dm_blocks(world, "U0KAREN")) == 2
    world.tick(120)
    assert len(world.inbox.received) == before + 14


def test_a_duration_change_updates_only_the_guests_whose_slot_moved(world: World) -> None:
    world.send()
    before = len(world.inbox.received)
    members = _members(world)
    agenda.set_item_minutes(world.c.uow(), 1, "2.d", 10, now=world.clock())  # Ole's own item
    world.tick(61)
    got = [a for r in world.inbox.received[before:] for a in r.rcpt_tos]
    assert IDA not in got and sorted(got) == sorted({OLE} | members)  # members: the time plan
    _, records = world.calendar(OLE)
    assert props(records)["SEQUENCE"] == "1"
    assert times(records)["DTEND"][0] == "20260618T162000"
    before = len(world.inbox.received)
    agenda.set_item_minutes(world.c.uow(), 1, "2.a", 30, now=world.clock())  # before both guests
    world.tick(61)
    got = sorted(a for r in world.inbox.received[before:] for a in r.rcpt_tos)
    assert got == sorted({IDA, OLE} | members)
    _, records = world.calendar(OLE)
    assert props(records)["SEQUENCE"] == "2"
    assert times(records)["DTSTART"][0] == "20260618T161500"


def test_request_update_cancel_for_one_attendee(world: World) -> None:
    world.send()
    with world.c.uow() as uow:
        henrik = uow.people.by_email(HENRIK)
        assert henrik is not None and henrik.id is not None
        uow.attendance.add(
            Attendance(1, henrik.id, AttendanceStatus.REGRETS, world.clock(), via="test")
        )
        uow.commit()
    invitations.reschedule_meeting(
        world.c.uow(), 1, "19. juni 2026 kl. 14-16", place="Byrådssalen", now=world.clock()
    )
    world.tick(61)
    assert len(world.inbox.to(KAREN)) == 2 and len(world.inbox.to(OLE)) == 2  # everyone
    world.clock.advance(seconds=5)
    invitations.cancel_meeting(world.c.uow(), 1, now=world.clock(), email_enabled=True)
    run_dispatch(world.c)
    uid = _meeting_uid(world)
    seen, stamps = [], []
    for index in range(3):
        _, records = world.calendar(HENRIK, index)
        p = props(records)
        seen.append((p["METHOD"], p["UID"], p["SEQUENCE"], p["STATUS"], p["LOCATION"]))
        stamps.append(p["DTSTAMP"])
    assert stamps == sorted(set(stamps))  # DTSTAMP renewed on every change
    assert seen == [
        ("REQUEST", uid, "0", "CONFIRMED", PLACE),
        ("REQUEST", uid, "1", "CONFIRMED", "Byrådssalen"),
        ("CANCEL", uid, "2", "CANCELLED", "Byrådssalen"),
    ]
    _, records = world.calendar(HENRIK, 1)
    # His regrets were for 18 June; the meeting moved to the 19th, so he is asked again.
    assert {"PARTSTAT=NEEDS-ACTION", "RSVP=TRUE"} <= params(records, "ATTENDEE")
    body = world.inbox.to(HENRIK)[1].message.get_body(("plain",))
    assert body is not None and "Du meldte afbud til mødet 18. juni 2026" in body.get_content()
    assert times(records)["DTSTART"][0] == "20260619T140000"
    assert world.inbox.to(HENRIK)[2].message["Subject"].startswith("Aflyst:")
    _, records = world.calendar(OLE, 2)
    assert (props(records)["METHOD"], props(records)["SEQUENCE"]) == ("CANCEL", "2")
    assert len(world.inbox.received) == 45
    henrik_dms = _dm_blocks(world, "U0HENRIK")
    assert len(henrik_dms) == 3 and "regrets_button" not in str(henrik_dms[-1])
    # Cancelling again, or another round, sends nothing more.
    again = invitations.cancel_meeting(world.c.uow(), 1, now=world.clock(), email_enabled=True)
    world.tick(120)
    assert again.total == 0 and len(world.inbox.received) == 45


def test_a_guest_no_longer_on_any_item_gets_a_cancellation(world: World) -> None:
    world.send()
    before = len(world.inbox.received)
    members = _members(world)
    agenda.remove_item(world.c.uow(), 1, "2.d", now=world.clock())
    world.tick(61)
    got = [a for r in world.inbox.received[before:] for a in r.rcpt_tos]
    assert IDA not in got and sorted(got) == sorted({OLE} | members)  # members: the agenda
    _, records = world.calendar(OLE)
    p = props(records)
    assert (p["METHOD"], p["SEQUENCE"], p["STATUS"]) == ("CANCEL", "1", "CANCELLED")
    assert p["UID"] == guest_uid(_meeting_uid(world), _person_id(world, OLE))
