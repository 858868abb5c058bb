"""Tests for bot.invitations.calendar.ics / bot.invitations.calendar.vtimezone (RFC 5545, RFC 5546).

Three kinds of checks:

* golden files (tests/golden/<scenario>.ics), exact with a fixed DTSTAMP and again
  with DTSTAMP normalised; regenerate with ``KLU_UPDATE_GOLDEN=1 pytest ...``;
* the raw text, read by the small unfolding reader below (not by ``icalendar``);
* libical, an independent C implementation: tests/ical_validate.c is compiled
  against it, parses the output, runs the iTIP restriction check and resolves
  DTSTART/DTEND through our VTIMEZONE. Skipped only when libical-dev is absent
  (Debian/Ubuntu: ``apt-get install -y gcc pkg-config libical-dev``).
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.invitations.calendar import Attendee, CalendarEvent, build_ics, build_vtimezone
from bot.invitations.calendar.vtimezone import transitions_in_year

GOLDEN = Path(__file__).resolve().parents[2] / "golden"
VALIDATOR_SOURCE = Path(__file__).resolve().parents[2] / "ical_validate.c"
CPH = ZoneInfo("Europe/Copenhagen")
FIXED_DTSTAMP = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


# --- scenarios (also used by tests/test_imip.py) ------------------------------------------------


def member_request(dtstamp: datetime = FIXED_DTSTAMP) -> CalendarEvent:
    """The committee meeting on the day summer time starts (UTC+2 in the afternoon)."""
    return CalendarEvent(
        uid="meeting-2026-03-29@klu-bot.local",
        sequence=0,
        method="REQUEST",
        summary="Møde i Kommunalt Lægeligt Udvalg",
        start=datetime(2026, 3, 29, 15, 0, tzinfo=CPH),
        end=datetime(2026, 3, 29, 17, 0, tzinfo=CPH),
        tzid="Europe/Copenhagen",
        location="Rådhuset, mødelokale 2; indgang fra Søndergade",
        description=(
            "Dagsorden:\n"
            "1. Godkendelse af referat fra sidste møde\n"
            "2. Orientering fra formanden om økonomi og nye retningslinjer for "
            "lægeerklæringer i jobcentret\n"
            "3. Eventuelt"
        ),
        organizer_name="KLU Sekretariatet",
        organizer_email="sekretariat@klu.example",
        attendees=(
            Attendee("Birgitte Østergård", "bo@klu.example", role="CHAIR", partstat="ACCEPTED"),
            Attendee("Hansen, Jens Ærøe", "jeh@klu.example"),
            Attendee('Søren "Lille" Åberg', "sa@klu.example"),
            Attendee("Mette Kjær", "mk@klu.example", role="OPT-PARTICIPANT"),
            Attendee("Referent", "ref@klu.example", role="NON-PARTICIPANT", rsvp=False),
        ),
        dtstamp=dtstamp,
    )


def guest_request(dtstamp: datetime = FIXED_DTSTAMP) -> CalendarEvent:
    """A guest invited only for the 20-minute slot of their agenda item."""
    return CalendarEvent(
        uid="meeting-2026-03-29-guest-3@klu-bot.local",
        sequence=0,
        method="REQUEST",
        summary="KLU: Oplæg om sygefravær (punkt 2)",
        start=datetime(2026, 3, 29, 15, 40, tzinfo=CPH),
        end=datetime(2026, 3, 29, 16, 0, tzinfo=CPH),
        tzid="Europe/Copenhagen",
        location="Rådhuset, mødelokale 2; indgang fra Søndergade",
        description="Du deltager i punkt 2. Mød gerne op 5 minutter før.",
        organizer_name="KLU Sekretariatet",
        organizer_email="sekretariat@klu.example",
        attendees=(Attendee("Dr. Ægidius Lund", "guest@hospital.example"),),
        dtstamp=dtstamp,
    )


def cancel(dtstamp: datetime = FIXED_DTSTAMP) -> CalendarEvent:
    """Cancellation of the member meeting: same UID, higher SEQUENCE (RFC 5546 §3.2.5)."""
    return dataclasses.replace(
        member_request(dtstamp),
        method="CANCEL",
        status="CANCELLED",
        sequence=1,
        dtstamp=dtstamp + timedelta(days=10),
    )


SCENARIOS: dict[str, Callable[..., CalendarEvent]] = {
    "member_request": member_request,
    "guest_request": guest_request,
    "cancel": cancel,
}


def october_meeting() -> CalendarEvent:
    """Same meeting on the day summer time ends (UTC+1 in the afternoon)."""
    return dataclasses.replace(
        member_request(),
        uid="meeting-2026-10-25@klu-bot.local",
        start=datetime(2026, 10, 25, 15, 0, tzinfo=CPH),
        end=datetime(2026, 10, 25, 17, 0, tzinfo=CPH),
    )


# --- a deliberately tiny raw reader (RFC 5545 §3.1), independent of icalendar --------------------


def unfold(data: bytes) -> list[str]:
    """Content lines after RFC 5545 §3.1 unfolding."""
    text = data.decode("utf-8")
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")[:-1]


def components(data: bytes) -> list[tuple[str, list[str]]]:
    """(path, content lines) for every component, e.g. ``VCALENDAR/VTIMEZONE/STANDARD``."""
    stack: list[tuple[str, list[str]]] = []
    done: list[tuple[str, list[str]]] = []
    for line in unfold(data):
        if line.startswith("BEGIN:"):
            parent = stack[-1][0] + "/" if stack else ""
            stack.append((parent + line[6:], []))
        elif line.startswith("END:"):
            path, lines = stack.pop()
            assert path.rsplit("/", 1)[-1] == line[4:]
            done.append((path, lines))
        else:
            stack[-1][1].append(line)
    assert not stack
    return done


def name_of(line: str) -> str:
    return re.split(r"[;:]", line, maxsplit=1)[0].upper()


def lines_named(data: bytes, path: str, name: str) -> list[str]:
    return [
        line
        for comp_path, lines in components(data)
        if comp_path == path
        for line in lines
        if name_of(line) == name
    ]


def single(data: bytes, path: str, name: str) -> str:
    found = lines_named(data, path, name)
    assert len(found) == 1, (path, name, found)
    return found[0]


# --- golden files -----------------------------------------------------------------------------


def _normalise_dtstamp(data: bytes) -> bytes:
    return re.sub(rb"DTSTAMP:\d{8}T\d{6}Z", b"DTSTAMP:19700101T000000Z", data)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_golden_exact(scenario: str) -> None:
    produced = build_ics(SCENARIOS[scenario]())
    path = GOLDEN / f"{scenario}.ics"
    if os.environ.get("KLU_UPDATE_GOLDEN"):
        path.write_bytes(produced)
    assert produced == path.read_bytes()


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_golden_with_current_dtstamp(scenario: str) -> None:
    produced = build_ics(SCENARIOS[scenario](datetime.now(UTC)))
    expected = (GOLDEN / f"{scenario}.ics").read_bytes()
    assert _normalise_dtstamp(produced) == _normalise_dtstamp(expected)


# --- raw structure ------------------------------------------------------------------------------


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_crlf_and_folding(scenario: str) -> None:
    data = build_ics(SCENARIOS[scenario]())
    assert data.endswith(b"\r\n")
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"\r" not in data.replace(b"\r\n", b"")
    physical = data.split(b"\r\n")[:-1]
    assert any(line.startswith(b" ") for line in physical), "scenario should exercise folding"
    for line in physical:
        assert len(line) <= 75, line
        line.decode("utf-8")  # folding never splits a UTF-8 sequence


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_no_property_twice(scenario: str) -> None:
    event = SCENARIOS[scenario]()
    data = build_ics(event)
    paths = [path for path, _ in components(data)]
    assert sorted(paths) == sorted(
        [
            "VCALENDAR",
            "VCALENDAR/VTIMEZONE",
            "VCALENDAR/VTIMEZONE/STANDARD",
            "VCALENDAR/VTIMEZONE/DAYLIGHT",
            "VCALENDAR/VEVENT",
        ]
    )
    for path, lines in components(data):
        counts = Counter(name_of(line) for line in lines)
        attendees = counts.pop("ATTENDEE", 0)
        assert all(n == 1 for n in counts.values()), (path, counts)
        expected_attendees = len(event.attendees) if path == "VCALENDAR/VEVENT" else 0
        assert attendees == expected_attendees


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_required_properties(scenario: str) -> None:
    event = SCENARIOS[scenario]()
    data = build_ics(event)
    cal = "VCALENDAR"
    assert single(data, cal, "PRODID") == "PRODID:-//KLU-bot//KLU-bot//DA"
    assert single(data, cal, "VERSION") == "VERSION:2.0"
    assert single(data, cal, "CALSCALE") == "CALSCALE:GREGORIAN"
    assert single(data, cal, "METHOD") == f"METHOD:{event.method}"
    ev = "VCALENDAR/VEVENT"
    assert single(data, ev, "UID") == f"UID:{event.uid}"
    assert single(data, ev, "SEQUENCE") == f"SEQUENCE:{event.sequence}"
    assert re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", single(data, ev, "DTSTAMP"))
    assert single(data, ev, "STATUS") == f"STATUS:{event.status}"
    assert single(data, ev, "TRANSP") == "TRANSP:OPAQUE"
    for name in ("SUMMARY", "LOCATION", "DESCRIPTION"):
        single(data, ev, name)
    assert re.fullmatch(
        f'ORGANIZER;CN="?{event.organizer_name}"?:mailto:{event.organizer_email}',
        single(data, ev, "ORGANIZER"),
    )
    for line in (single(data, ev, "DTSTART"), single(data, ev, "DTEND")):
        assert re.fullmatch(r"DT(START|END);TZID=Europe/Copenhagen:\d{8}T\d{6}", line), line
    attendees = lines_named(data, ev, "ATTENDEE")
    for attendee, line in zip(event.attendees, attendees, strict=True):
        assert line.endswith(f":mailto:{attendee.email}")
        params = line.split(":mailto:")[0]
        assert ";CUTYPE=INDIVIDUAL" in params
        assert f";ROLE={attendee.role}" in params
        assert f";PARTSTAT={attendee.partstat}" in params
        assert f";RSVP={'TRUE' if attendee.rsvp else 'FALSE'}" in params


def test_member_request_values() -> None:
    data = build_ics(member_request())
    ev = "VCALENDAR/VEVENT"
    assert single(data, ev, "DTSTART") == "DTSTART;TZID=Europe/Copenhagen:20260329T150000"
    assert single(data, ev, "DTEND") == "DTEND;TZID=Europe/Copenhagen:20260329T170000"
    assert single(data, ev, "DTSTAMP") == "DTSTAMP:20260301T093000Z"
    assert single(data, ev, "LOCATION") == (
        "LOCATION:Rådhuset\\, mødelokale 2\\; indgang fra Søndergade"
    )
    assert single(data, ev, "DESCRIPTION").startswith("DESCRIPTION:Dagsorden:\\n1. Godkendelse")
    attendees = lines_named(data, ev, "ATTENDEE")
    assert attendees[0].startswith(
        'ATTENDEE;CN="Birgitte Østergård";CUTYPE=INDIVIDUAL;ROLE=CHAIR;PARTSTAT=ACCEPTED;'
    )
    assert attendees[1].startswith('ATTENDEE;CN="Hansen, Jens Ærøe";')  # quoted: has a comma
    assert attendees[2].startswith("ATTENDEE;CN=\"Søren 'Lille' Åberg\";")  # no inner DQUOTE/^'
    assert ";RSVP=FALSE:mailto:ref@klu.example" in attendees[4]


def test_cancel_keeps_uid_and_raises_sequence() -> None:
    request, cancellation = build_ics(member_request()), build_ics(cancel())
    ev = "VCALENDAR/VEVENT"
    assert single(request, ev, "UID") == single(cancellation, ev, "UID")
    assert single(cancellation, ev, "SEQUENCE") == "SEQUENCE:1"
    assert single(cancellation, ev, "STATUS") == "STATUS:CANCELLED"
    assert single(cancellation, "VCALENDAR", "METHOD") == "METHOD:CANCEL"


def test_start_is_converted_into_the_event_zone() -> None:
    event = dataclasses.replace(
        member_request(),
        start=datetime(2026, 3, 29, 13, 0, tzinfo=UTC),
        end=datetime(2026, 3, 29, 15, 0, tzinfo=UTC),
    )
    assert build_ics(event) == build_ics(member_request())


def test_utc_zone_still_uses_tzid() -> None:
    """TZID=UTC would be turned into a bare ``Z`` time by icalendar and libical alike."""
    event = dataclasses.replace(member_request(), tzid="UTC")
    data = build_ics(event)
    assert single(data, "VCALENDAR/VEVENT", "DTSTART") == "DTSTART;TZID=Etc/UTC:20260329T130000"
    assert single(data, "VCALENDAR/VTIMEZONE", "TZID") == "TZID:Etc/UTC"
    paths = [path for path, _ in components(data)]
    assert "VCALENDAR/VTIMEZONE/STANDARD" in paths
    assert "VCALENDAR/VTIMEZONE/DAYLIGHT" not in paths


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"start": datetime(2026, 3, 29, 15)}, "timezone-aware"),
        ({"dtstamp": datetime(2026, 3, 1)}, "timezone-aware"),
        ({"end": datetime(2026, 3, 29, 14, tzinfo=CPH)}, "after start"),
        ({"method": "PUBLISH"}, "REQUEST or CANCEL"),
        ({"method": "CANCEL"}, "does not fit"),
        ({"status": "CANCELLED"}, "does not fit"),
        ({"sequence": -1}, "negative"),
        ({"attendees": ()}, "attendee"),
        ({"tzid": "Europe/Atlantis"}, "time zone"),
        ({"organizer_email": "no address"}, "e-mail"),
        ({"uid": "a\r\nb"}, "uid"),
        ({"attendees": (Attendee("X", "x@example.org", role="BOSS"),)}, "ROLE"),
    ],
)
def test_invalid_events_are_rejected(change: dict[str, object], message: str) -> None:
    event = dataclasses.replace(member_request(), **change)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=message):
        build_ics(event)


# --- VTIMEZONE ----------------------------------------------------------------------------------


def _vtimezone_components(tzid: str, year: int = 2026) -> dict[str, list[str]]:
    data = build_vtimezone(tzid, datetime(year, 6, 1, tzinfo=UTC)).to_ical()
    wrapped = b"BEGIN:VCALENDAR\r\n" + data + b"END:VCALENDAR\r\n"
    return {path.split("/", 1)[1]: sorted(lines) for path, lines in components(wrapped)[:-1]}


def test_vtimezone_copenhagen() -> None:
    comps = _vtimezone_components("Europe/Copenhagen")
    assert comps == {
        "VTIMEZONE": ["TZID:Europe/Copenhagen"],
        "VTIMEZONE/STANDARD": sorted(
            [
                "DTSTART:19701025T030000",
                "TZOFFSETFROM:+0200",
                "TZOFFSETTO:+0100",
                "TZNAME:CET",
                "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
            ]
        ),
        "VTIMEZONE/DAYLIGHT": sorted(
            [
                "DTSTART:19700329T020000",
                "TZOFFSETFROM:+0100",
                "TZOFFSETTO:+0200",
                "TZNAME:CEST",
                "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3",
            ]
        ),
    }


def test_vtimezone_new_york_uses_ordinal_weekdays() -> None:
    comps = _vtimezone_components("America/New_York")
    assert "RRULE:FREQ=YEARLY;BYDAY=2SU;BYMONTH=3" in comps["VTIMEZONE/DAYLIGHT"]
    assert "DTSTART:19700308T020000" in comps["VTIMEZONE/DAYLIGHT"]
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=11" in comps["VTIMEZONE/STANDARD"]
    assert "DTSTART:19701101T020000" in comps["VTIMEZONE/STANDARD"]


def test_vtimezone_southern_hemisphere() -> None:
    comps = _vtimezone_components("Australia/Sydney")
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=10" in comps["VTIMEZONE/DAYLIGHT"]
    assert "TZOFFSETTO:+1100" in comps["VTIMEZONE/DAYLIGHT"]
    assert "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=4" in comps["VTIMEZONE/STANDARD"]


@pytest.mark.parametrize(
    ("tzid", "offset", "name"), [("UTC", "+0000", "UTC"), ("Asia/Tokyo", "+0900", "JST")]
)
def test_vtimezone_without_dst(tzid: str, offset: str, name: str) -> None:
    comps = _vtimezone_components(tzid)
    assert comps == {
        "VTIMEZONE": [f"TZID:{tzid}"],
        "VTIMEZONE/STANDARD": sorted(
            [
                "DTSTART:19700101T000000",
                f"TZOFFSETFROM:{offset}",
                f"TZOFFSETTO:{offset}",
                f"TZNAME:{name}",
            ]
        ),
    }


def test_transitions_copenhagen_2026() -> None:
    found = transitions_in_year(CPH, 2026)
    assert [(t.at, t.local_onset, t.name) for t in found] == [
        (datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 3, 29, 2), "CEST"),
        (datetime(2026, 10, 25, 1, tzinfo=UTC), datetime(2026, 10, 25, 3), "CET"),
    ]


# --- libical (independent C parser) -------------------------------------------------------------


@pytest.fixture(scope="session")
def validator(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/ical_validate.c compiled against libical (Debian package libical-dev)."""
    if shutil.which("gcc") is None or shutil.which("pkg-config") is None:
        pytest.skip("gcc or pkg-config missing (apt-get install -y gcc pkg-config libical-dev)")
    flags = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "libical"], capture_output=True, text=True
    )
    if flags.returncode != 0:
        pytest.skip("libical not found by pkg-config (apt-get install -y libical-dev)")
    binary = tmp_path_factory.mktemp("libical") / "ical_validate"
    subprocess.run(
        [
            "gcc",
            "-Wall",
            "-Werror",
            "-o",
            str(binary),
            str(VALIDATOR_SOURCE),
            *flags.stdout.split(),
        ],
        check=True,
    )
    return binary


def run_libical(validator: Path, data: bytes, tmp_path: Path, *extra: str) -> list[list[str]]:
    path = tmp_path / "input.ics"
    path.write_bytes(data)
    result = subprocess.run(
        [str(validator), str(path), *extra], capture_output=True, text=True, encoding="utf-8"
    )
    records = [line.split("\t") for line in result.stdout.splitlines()]
    errors = [record for record in records if record[0] == "ERROR"]
    assert errors == [], errors
    assert result.returncode == 0, result.stderr
    return records


def test_libical_validator_is_not_vacuous(validator: Path, tmp_path: Path) -> None:
    """Missing ORGANIZER, a doubled UID and a floating DTSTART must all be reported."""
    data = build_ics(member_request())
    broken = re.sub(rb"ORGANIZER[^\r]*\r\n", b"", data)
    broken = broken.replace(b"UID:", b"UID:x\r\nUID:", 1)
    broken = broken.replace(b"DTSTART;TZID=Europe/Copenhagen:", b"DTSTART:")
    path = tmp_path / "broken.ics"
    path.write_bytes(broken)
    result = subprocess.run([str(validator), str(path)], capture_output=True, text=True)
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR")]
    assert result.returncode == 1
    assert any("ORGANIZER" in line for line in errors), errors
    assert any("UID" in line for line in errors), errors
    assert any("DTSTART has no TZID" in line for line in errors), errors


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_libical_accepts_and_itip_restrictions_pass(
    validator: Path, tmp_path: Path, scenario: str
) -> None:
    event = SCENARIOS[scenario]()
    records = run_libical(validator, build_ics(event), tmp_path)
    props = Counter((r[1], r[2]) for r in records if r[0] == "PROP")
    attendees = props.pop(("VCALENDAR/VEVENT", "ATTENDEE"))
    assert attendees == len(event.attendees)
    assert all(count == 1 for count in props.values()), props
    assert props[("VCALENDAR", "METHOD")] == 1
    assert props[("VCALENDAR/VTIMEZONE/STANDARD", "RRULE")] == 1
    assert props[("VCALENDAR/VTIMEZONE/DAYLIGHT", "RRULE")] == 1
    assert not any(name == "RDATE" for _, name in props)
    values = {(r[1], r[2]): r[3] for r in records if r[0] == "PROP"}
    assert values[("VCALENDAR", "METHOD")] == event.method
    assert values[("VCALENDAR/VEVENT", "UID")] == event.uid
    assert values[("VCALENDAR/VEVENT", "SEQUENCE")] == str(event.sequence)
    assert values[("VCALENDAR/VEVENT", "SUMMARY")] == event.summary


@pytest.mark.parametrize(
    ("event", "local_start", "local_end", "offset", "utc_start", "utc_end"),
    [
        (
            member_request(),
            "20260329T150000",
            "20260329T170000",
            "7200",
            "20260329T130000Z",
            "20260329T150000Z",
        ),
        (
            october_meeting(),
            "20261025T150000",
            "20261025T170000",
            "3600",
            "20261025T140000Z",
            "20261025T160000Z",
        ),
    ],
    ids=["2026-03-29 (CEST)", "2026-10-25 (CET)"],
)
def test_libical_resolves_local_times_through_our_vtimezone(
    validator: Path,
    tmp_path: Path,
    event: CalendarEvent,
    local_start: str,
    local_end: str,
    offset: str,
    utc_start: str,
    utc_end: str,
) -> None:
    records = run_libical(validator, build_ics(event), tmp_path)
    times = {r[1]: r[2:] for r in records if r[0] == "TIME"}
    tzid = "Europe/Copenhagen"
    assert times["DTSTART"][0:3] == [local_start, tzid, offset]
    assert times["DTSTART"][4] == utc_start
    assert times["DTEND"][0:3] == [local_end, tzid, offset]
    assert times["DTEND"][4] == utc_end


@pytest.mark.parametrize(
    "tzid",
    ["Europe/Copenhagen", "America/New_York", "Australia/Sydney", "Asia/Tokyo", "UTC"],
)
def test_libical_offsets_match_zoneinfo_all_year(
    validator: Path, tmp_path: Path, tzid: str
) -> None:
    """libical's expansion of our RRULEs gives zoneinfo's offset for every hour of 2026."""
    event = dataclasses.replace(member_request(), tzid=tzid)
    records = run_libical(validator, build_ics(event), tmp_path, "2026")
    zone = ZoneInfo(tzid)
    checked = 0
    for record in records:
        if record[0] != "OFFSET":
            continue
        local = datetime.strptime(record[1], "%Y%m%dT%H%M%S")  # noqa: DTZ007 (local wall time)
        first = local.replace(tzinfo=zone)
        second = local.replace(tzinfo=zone, fold=1)
        if first.utcoffset() != second.utcoffset():
            continue  # skipped or repeated hour at a transition: ambiguous by nature
        offset = first.utcoffset()
        assert offset is not None
        assert int(record[2]) == int(offset.total_seconds()), record
        checked += 1
    assert checked >= 365 * 24 - 2
