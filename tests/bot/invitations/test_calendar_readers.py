"""Three independent readers agree on every instant we write: icalendar (Python), Mozilla
ical.js (Thunderbird, web calendars) and libical (Evolution, many servers).

Each scenario is a calendar file KLU-bot would send; each reader resolves DTSTART/DTEND to
UTC through the file's own VTIMEZONE, and all must give the instants we meant, including the
hour that occurs twice when the clocks go back (25 October 2026, 02:00–03:00).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.invitations.calendar import CalendarEvent, build_ics
from tests import icaljs
from tests.bot.invitations.test_calendar_ics import member_request

CPH = ZoneInfo("Europe/Copenhagen")


def _event(start: datetime, minutes: int, uid: str) -> CalendarEvent:
    return dataclasses.replace(
        member_request(), uid=uid, start=start, end=start + timedelta(minutes=minutes)
    )


SCENARIOS = {
    "summer afternoon": _event(datetime(2026, 6, 18, 15, 0, tzinfo=CPH), 120, "s@x"),
    "winter afternoon": _event(datetime(2026, 12, 10, 15, 0, tzinfo=CPH), 120, "w@x"),
    "day summer time starts": _event(datetime(2026, 3, 29, 15, 0, tzinfo=CPH), 120, "m@x"),
    "first 02:10 of the night the clocks go back": _event(
        datetime(2026, 10, 25, 2, 10, tzinfo=CPH, fold=0), 15, "f0@x"
    ),
    "second 02:10 of that night": _event(
        datetime(2026, 10, 25, 2, 10, tzinfo=CPH, fold=1), 15, "f1@x"
    ),
    "slot across the repeated hour": _event(datetime(2026, 10, 25, 1, 50, tzinfo=CPH), 80, "x@x"),
}


def _icalendar(data: bytes) -> list[tuple[str, datetime, datetime]]:
    calendar = icalendar.Calendar.from_ical(data)
    found = []
    for event in calendar.walk("VEVENT"):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        found.append((str(event["UID"]), start.astimezone(UTC), end.astimezone(UTC)))
    return found


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_readers_agree_on_the_instants(name: str) -> None:
    event = SCENARIOS[name]
    meant = [(event.uid, event.start.astimezone(UTC), event.end.astimezone(UTC))]
    data = build_ics(event)
    assert _icalendar(data) == meant
    assert icaljs.instants(data) == meant


def test_the_repeated_hour_is_two_different_instants() -> None:
    first = SCENARIOS["first 02:10 of the night the clocks go back"]
    second = SCENARIOS["second 02:10 of that night"]
    a, b = icaljs.instants(build_ics(first))[0], icaljs.instants(build_ics(second))[0]
    assert b[1] - a[1] == timedelta(hours=1)
