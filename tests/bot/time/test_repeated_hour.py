"""The hour that occurs twice (25 October 2026, 02:00–03:00 in Copenhagen) in calendar files.

A local wall time in that hour names two instants, and RFC 5545 §3.3.5 lets a TZID time mean
only the first, so KLU-bot writes such an event's DTSTART/DTEND in UTC. Three independent
readers (libical, Mozilla ical.js, icalendar) must resolve every file to the instants meant:
the calendar builder on its own, and guest slots of a real meeting that runs through the
night, sent as iMIP e-mail over a real SMTP server.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.config import Settings
from bot.invitations import sync as invitations
from bot.invitations.calendar import CalendarEvent, build_ics
from bot.invitations.calendar.ics import wall_time_is_ambiguous
from bot.meetings.meeting_file import load_meeting
from bot.people import committees
from bot.people import roster as people
from handlers.bootstrap import Container
from handlers.delivery import run_dispatch
from tests import icaljs
from tests.bot.invitations.test_calendar_ics import member_request
from tests.conftest import EXAMPLES, SAMPLE_COMMITTEE, FakeClock
from tests.invitation_helpers import Inbox, calendar_part, libical, start_smtp, times

CPH = ZoneInfo("Europe/Copenhagen")
FIRST_0210 = datetime(2026, 10, 25, 0, 10, tzinfo=UTC)  # 02:10 summer time
SECOND_0210 = datetime(2026, 10, 25, 1, 10, tzinfo=UTC)  # 02:10 winter time


def _event(start: datetime, end: datetime) -> CalendarEvent:
    return dataclasses.replace(member_request(), uid="night@x", start=start, end=end)


def _lines(data: bytes, name: str) -> list[str]:
    """The VEVENT's raw lines of one property (not the VTIMEZONE's DTSTART)."""
    unfolded = data.decode("utf-8").replace("\r\n ", "")
    vevent = unfolded.split("BEGIN:VEVENT\r\n", 1)[1].split("END:VEVENT", 1)[0]
    return [line for line in vevent.split("\r\n") if line.split(":")[0].split(";")[0] == name]


def _readers(data: bytes) -> dict[str, tuple[datetime, datetime]]:
    """(start, end) in UTC as libical, ical.js and icalendar each read the one VEVENT."""
    lib = times(libical(data))
    parse = lambda v: datetime.strptime(v, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)  # noqa: E731
    event = next(iter(icalendar.Calendar.from_ical(data).walk("VEVENT")))
    [(_, js_start, js_end)] = icaljs.instants(data)
    return {
        "libical": (parse(lib["DTSTART"][4]), parse(lib["DTEND"][4])),
        "ical.js": (js_start, js_end),
        "icalendar": (
            event.decoded("DTSTART").astimezone(UTC),
            event.decoded("DTEND").astimezone(UTC),
        ),
    }


NIGHT = {
    "inside the first 02:00–03:00": (FIRST_0210, FIRST_0210 + timedelta(minutes=20)),
    "inside the second 02:00–03:00": (SECOND_0210, SECOND_0210 + timedelta(minutes=20)),
    "from the first into the second": (FIRST_0210, SECOND_0210),
    "ending in the repeated hour": (
        datetime(2026, 10, 24, 23, 30, tzinfo=UTC),
        FIRST_0210 + timedelta(minutes=30),
    ),
    "starting in it, ending after": (SECOND_0210, datetime(2026, 10, 25, 3, 0, tzinfo=UTC)),
}


@pytest.mark.parametrize("name", list(NIGHT))
def test_every_reader_gets_the_instants_of_the_repeated_hour(name: str) -> None:
    start, end = NIGHT[name]
    data = build_ics(_event(start, end))
    assert _lines(data, "DTSTART") == [f"DTSTART:{start:%Y%m%dT%H%M%S}Z"]
    assert _lines(data, "DTEND") == [f"DTEND:{end:%Y%m%dT%H%M%S}Z"]
    for reader, found in _readers(data).items():
        assert found == (start, end), reader


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2026, 10, 25, 3, 0, tzinfo=CPH), datetime(2026, 10, 25, 4, 0, tzinfo=CPH)),
        (datetime(2026, 10, 25, 0, 30, tzinfo=CPH), datetime(2026, 10, 25, 1, 59, tzinfo=CPH)),
        # the skipped hour in March: an aware time is one instant, its wall time exists
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), datetime(2026, 3, 29, 2, 0, tzinfo=UTC)),
    ],
    ids=["after the repeated hour", "before it", "the night summer time starts"],
)
def test_unambiguous_times_keep_their_local_time_and_tzid(start: datetime, end: datetime) -> None:
    data = build_ics(_event(start, end))
    local = start.astimezone(CPH)
    assert _lines(data, "DTSTART") == [f"DTSTART;TZID=Europe/Copenhagen:{local:%Y%m%dT%H%M%S}"]
    for reader, found in _readers(data).items():
        assert found == (start, end), reader


def test_ambiguity_is_the_repeated_hour_only() -> None:
    hours = [datetime(2026, 10, 24, 22, tzinfo=UTC) + timedelta(minutes=10 * i) for i in range(36)]
    ambiguous = [h for h in hours if wall_time_is_ambiguous(h, CPH)]
    assert ambiguous[0] == datetime(2026, 10, 25, 0, 0, tzinfo=UTC)  # 02:00 summer time
    assert ambiguous[-1] == datetime(2026, 10, 25, 1, 50, tzinfo=UTC)  # 02:50 winter time
    assert len(ambiguous) == 12
    march = [datetime(2026, 3, 29, 0, tzinfo=UTC) + timedelta(minutes=10 * i) for i in range(18)]
    assert not any(wall_time_is_ambiguous(m, CPH) for m in march)


NIGHT_MEETING = """\
title: Nattemøde i Kommunalt Lægeligt Udvalg
when: 25. oktober 2026 kl. 1.30-4.30
place: Rådhusgade 4
guests:
  - name: Ida Nørgaard
    email: ida.norgaard@fjordby.dk
  - name: Ole Thomsen
    email: ole.thomsen@fjordby.dk
items:
  - section: 1
    title: Godkendelse af dagsorden
    minutes: 5
  - section: 2
    title: Første punkt
    minutes: 35
  - section: 2
    title: Idas punkt
    minutes: 20
    guests: [ida.norgaard@fjordby.dk]
  - section: 2
    title: Andet punkt
    minutes: 40
  - section: 2
    title: Oles punkt
    minutes: 20
    guests: [ole.thomsen@fjordby.dk]
"""


@pytest.fixture
def night(container: Container, clock: FakeClock) -> Iterator[tuple[Container, Inbox, int]]:
    """The sample roster, a meeting through the night the clocks go back, a real SMTP server."""
    committee = committees.setup_committee(container.uow(), SAMPLE_COMMITTEE)
    people.import_roster(
        container.uow(), (EXAMPLES / "roster.csv").read_bytes(), today=clock().date()
    )
    meeting = load_meeting(container.uow(), committee, NIGHT_MEETING.encode(), now=clock())
    assert meeting.id is not None
    controller, inbox = start_smtp()
    container.settings = Settings(
        database_url=container.settings.database_url,
        smtp_url=f"smtp://127.0.0.1:{controller.port}",
        mail_from="klu-bot@fjordby.dk",
    )
    try:
        yield container, inbox, meeting.id
    finally:
        controller.stop()


def test_guest_slots_in_the_repeated_hour_reach_every_reader_alike(
    night: tuple[Container, Inbox, int], clock: FakeClock
) -> None:
    container, inbox, meeting_id = night
    invitations.send_invitations(container.uow(), meeting_id, now=clock(), email_enabled=True)
    run_dispatch(container)
    # 01:30 summer time = 23:30 UTC; 5 + 35 minutes on, Ida's slot is the first 02:10–02:30,
    # and 60 minutes after that Ole's is the second 02:10–02:30.
    meant = {
        "ida.norgaard@fjordby.dk": (FIRST_0210, FIRST_0210 + timedelta(minutes=20)),
        "ole.thomsen@fjordby.dk": (SECOND_0210, SECOND_0210 + timedelta(minutes=20)),
    }
    for address, instants in meant.items():
        [received] = inbox.to(address)
        data, method = calendar_part(received.message)
        assert method == "REQUEST"
        for reader, found in _readers(data).items():
            assert found == instants, (address, reader)
        assert "kl. 02:10–02:30" in str(received.message["Subject"])
    # A member's copy of the whole meeting (01:30–04:30) has no ambiguous end: local times.
    member = inbox.to("karen.ostergaard@fjordby.dk")
    data, _ = calendar_part(member[0].message)
    assert _lines(data, "DTSTART") == ["DTSTART;TZID=Europe/Copenhagen:20261025T013000"]
