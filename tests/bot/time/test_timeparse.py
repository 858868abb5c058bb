"""Tests for bot.time.parse: Danish date/time parsing, DST validation and formatting."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.errors import InputError
from bot.time.parse import (
    DanishParserInfo,
    format_date,
    format_datetime,
    format_span,
    format_time,
    parse_date,
    parse_local_datetime,
    parse_meeting_time,
)

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 3, 1, 9, 0, tzinfo=CPH)
SUMMER = timedelta(hours=2)
WINTER = timedelta(hours=1)

_DANISH_MARKERS = ("skriv", "vælg", "ret ", "skal", "dato", "klokkeslæt", "tidspunkt", "angiv")


def assert_danish_message(error: InputError) -> None:
    message = error.message
    assert message.strip()
    assert message == str(error)
    assert re.search(r"\bfx\b", message), message  # every message shows a valid example
    assert any(marker in message.lower() for marker in _DANISH_MARKERS), message


# --- accepted inputs ---------------------------------------------------------------------------

ACCEPTED = [
    ("18. juni 2026 kl. 15-17", datetime(2026, 6, 18, 15), datetime(2026, 6, 18, 17)),
    ("18 juni 2026 kl 15–17", datetime(2026, 6, 18, 15), datetime(2026, 6, 18, 17)),
    ("18. jun. 2026 15:00-17:00", datetime(2026, 6, 18, 15), datetime(2026, 6, 18, 17)),
    ("17/9 15:00-17:00", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("17/9-2026 kl. 15", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("17.9.2026 kl. 15.00-17.00", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("2026-09-17 15:00", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("2026-09-17T15:00", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("2026-09-17 15:00-17:30", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17, 30)),
    (
        "torsdag d. 17. september 2026 kl. 15.00 - 17.00",
        datetime(2026, 9, 17, 15),
        datetime(2026, 9, 17, 17),
    ),
    ("17. september", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("kl. 15-17 17/9", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    # month names: Danish full/abbreviated, any case, English
    ("3. JANUAR 2027 kl. 10", datetime(2027, 1, 3, 10), datetime(2027, 1, 3, 12)),
    ("3 feb. 2027", datetime(2027, 2, 3, 15), datetime(2027, 2, 3, 17)),
    ("3. marts 2026 kl. 9-11", datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 11)),
    ("3. Mar 2026 kl. 9-11", datetime(2026, 3, 3, 9), datetime(2026, 3, 3, 11)),
    ("3. april kl. 8:30-9:15", datetime(2026, 4, 3, 8, 30), datetime(2026, 4, 3, 9, 15)),
    ("3. apr. kl. 8", datetime(2026, 4, 3, 8), datetime(2026, 4, 3, 10)),
    ("7. maj 2026 kl. 15", datetime(2026, 5, 7, 15), datetime(2026, 5, 7, 17)),
    ("7. may 2026 kl. 15", datetime(2026, 5, 7, 15), datetime(2026, 5, 7, 17)),
    ("7. juli 2026", datetime(2026, 7, 7, 15), datetime(2026, 7, 7, 17)),
    ("7. jul 2026", datetime(2026, 7, 7, 15), datetime(2026, 7, 7, 17)),
    ("7. August 2026", datetime(2026, 8, 7, 15), datetime(2026, 8, 7, 17)),
    ("7. aug. 2026", datetime(2026, 8, 7, 15), datetime(2026, 8, 7, 17)),
    ("7. sep 2026", datetime(2026, 9, 7, 15), datetime(2026, 9, 7, 17)),
    ("7. sept. 2026", datetime(2026, 9, 7, 15), datetime(2026, 9, 7, 17)),
    ("7. oktober 2026", datetime(2026, 10, 7, 15), datetime(2026, 10, 7, 17)),
    ("7. okt. 2026", datetime(2026, 10, 7, 15), datetime(2026, 10, 7, 17)),
    ("7. October 2026", datetime(2026, 10, 7, 15), datetime(2026, 10, 7, 17)),
    ("7. november 2026", datetime(2026, 11, 7, 15), datetime(2026, 11, 7, 17)),
    ("7. nov 2026", datetime(2026, 11, 7, 15), datetime(2026, 11, 7, 17)),
    ("7. december 2026", datetime(2026, 12, 7, 15), datetime(2026, 12, 7, 17)),
    ("7. dec 2026", datetime(2026, 12, 7, 15), datetime(2026, 12, 7, 17)),
    ("7. februar 2027", datetime(2027, 2, 7, 15), datetime(2027, 2, 7, 17)),
    ("7. jan 2027", datetime(2027, 1, 7, 15), datetime(2027, 1, 7, 17)),
    ("7. June 2026", datetime(2026, 6, 7, 15), datetime(2026, 6, 7, 17)),
    # more variants
    ("tors. 17/9 kl. 15-17", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("17/9 fra kl. 15 til 17", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("17/9 kl. 15 - kl. 17", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("17.9. kl. 15", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("17.09 15.00", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("17-9-2026 kl. 15", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("17/9/2026, kl. 15", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("17/9 2026 kl. 15", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("17.sep 2026 kl.15", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("September 17, 2026", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("  17/9   kl.   15:00—17:00  ", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    ("2026-09-17T15:00-17:30", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17, 30)),
    ("2026/9/17 kl. 15", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
    # no year: next occurrence on or after today (NOW is 1 March 2026)
    ("1/3 kl. 10", datetime(2026, 3, 1, 10), datetime(2026, 3, 1, 12)),
    ("28/2 kl. 10", datetime(2027, 2, 28, 10), datetime(2027, 2, 28, 12)),
    ("29/2", datetime(2028, 2, 29, 15), datetime(2028, 2, 29, 17)),
    # a start near midnight: the default length runs into the next day
    ("17/9 kl. 23", datetime(2026, 9, 17, 23), datetime(2026, 9, 18, 1)),
]


@pytest.mark.parametrize(("text", "start", "end"), ACCEPTED)
def test_accepted_inputs(text: str, start: datetime, end: datetime) -> None:
    got_start, got_end = parse_meeting_time(text, tz=CPH, now=NOW)
    for got, expected in ((got_start, start), (got_end, end)):
        assert isinstance(got.tzinfo, ZoneInfo)
        assert got.tzinfo.key == "Europe/Copenhagen"
        assert got.replace(tzinfo=None) == expected
        assert got.utcoffset() == expected.replace(tzinfo=CPH).utcoffset()
    assert got_start.utcoffset() in (SUMMER, WINTER)


def test_summer_and_winter_offsets() -> None:
    start, end = parse_meeting_time("18. juni 2026 kl. 15-17", tz=CPH, now=NOW)
    assert start.utcoffset() == end.utcoffset() == SUMMER
    start, end = parse_meeting_time("3. december 2026 kl. 15-17", tz=CPH, now=NOW)
    assert start.utcoffset() == end.utcoffset() == WINTER
    assert start.astimezone(UTC) == datetime(2026, 12, 3, 14, tzinfo=UTC)


def test_custom_defaults() -> None:
    start, end = parse_meeting_time(
        "17/9", tz=CPH, now=NOW, default_start=time(9, 30), default_end=time(12, 0)
    )
    assert (start.hour, start.minute, end.hour, end.minute) == (9, 30, 12, 0)
    start, end = parse_meeting_time(
        "17/9 kl. 10", tz=CPH, now=NOW, default_start=time(9, 30), default_end=time(12, 0)
    )
    assert end - start == timedelta(hours=2, minutes=30)


def test_year_defaults_roll_over() -> None:
    autumn = datetime(2026, 10, 1, 12, 0, tzinfo=CPH)
    start, _ = parse_meeting_time("17/9 kl. 15", tz=CPH, now=autumn)
    assert start.date() == date(2027, 9, 17)
    same_day = datetime(2026, 9, 17, 9, 0, tzinfo=CPH)
    start, _ = parse_meeting_time("17/9 kl. 15", tz=CPH, now=same_day)
    assert start.date() == date(2026, 9, 17)


def test_now_in_other_zone_is_converted() -> None:
    # 23:30 UTC on 16 September is already 17 September in Copenhagen.
    now = datetime(2026, 9, 16, 23, 30, tzinfo=UTC)
    start, _ = parse_meeting_time("16/9 kl. 15", tz=CPH, now=now)
    assert start.date() == date(2027, 9, 16)


def test_other_timezone() -> None:
    tz = ZoneInfo("America/New_York")
    start, end = parse_meeting_time("17/9 kl. 15-17", tz=tz, now=NOW)
    assert start.tzinfo is tz
    assert start.utcoffset() == timedelta(hours=-4)
    assert end - start == timedelta(hours=2)


# --- rejected inputs ---------------------------------------------------------------------------

REJECTED = [
    # empty / garbage
    ("", "noget tidspunkt"),
    ("   \t ", "noget tidspunkt"),
    ("i morgen måske", "»i«"),
    ("abc", "»abc«"),
    ("17/9 kl. 15 abc", "»abc«"),
    ("x" * 500, "for lang"),
    ("kl. 15-17", "mangler en dato"),
    ("kl.", "mangler et klokkeslæt"),
    ("17/9 kl.", "mangler et klokkeslæt"),
    ("17/9 kl. 15 kl. 16", "mere end ét klokkeslæt"),
    ("17/9 18/9", "mere end én dato"),
    ("mandag tirsdag 17/9", "mere end én ugedag"),
    ("september", "ikke en gyldig dato"),
    # impossible dates
    ("32/13", "ikke en gyldig dato"),
    ("30. februar 2026", "ikke en gyldig dato"),
    ("2026-02-30", "ikke en gyldig dato"),
    ("0/5", "ikke en gyldig dato"),
    ("30/2", "ikke en gyldig dato"),
    ("29/2-2027", "ikke en gyldig dato"),
    # impossible times
    ("25:00", "klokkeslæt"),
    ("17/9 25:00", "klokkeslæt"),
    ("15:75", "klokkeslæt"),
    ("17/9 kl. 15:75", "klokkeslæt"),
    ("17/9 kl. 24", "klokkeslæt"),
    ("17/9 kl. 15-17:60", "klokkeslæt"),
    # end not after start
    ("17-15", "efter starttidspunktet"),
    ("17/9 kl. 17-15", "efter starttidspunktet"),
    ("17/9 kl. 15-15", "efter starttidspunktet"),
    # in the past
    ("1/1 2026 kl. 10", "allerede passeret"),
    ("1. marts 2026 kl. 8", "allerede passeret"),
    ("2025-12-24", "allerede passeret"),
    # ambiguous: never guessed
    ("3/4/5", "flere måder"),
    ("17/9/26", "flere måder"),
    ("17.9.26", "flere måder"),
    ("17", "flere ting"),
    ("17/9 15", "flere ting"),
    ("2026", "flere ting"),
    ("09/17/2026", "ikke en gyldig dato"),  # US order is not guessed; month 17 is invalid
    # weekday contradicting the date
    ("fredag 17. september 2026", "torsdag, ikke en fredag"),
    # DST: skipped and repeated local times
    ("29. marts 2026 kl. 02:30", "findes ikke"),
    ("29. marts 2026 kl. 1-2:30", "findes ikke"),
    ("25. oktober 2026 kl. 02:30", "to gange"),
    ("25. oktober 2026 kl. 2", "to gange"),
    ("25. oktober 2026 kl. 1-2:15", "to gange"),
]


@pytest.mark.parametrize(("text", "fragment"), REJECTED)
def test_rejected_inputs(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        parse_meeting_time(text, tz=CPH, now=NOW)
    assert_danish_message(info.value)
    assert fragment in info.value.message


def test_past_uses_now_with_minute_precision() -> None:
    now = datetime(2026, 9, 17, 15, 1, tzinfo=CPH)
    with pytest.raises(InputError, match="allerede passeret"):
        parse_meeting_time("17/9 kl. 15", tz=CPH, now=now)
    start, _ = parse_meeting_time("17/9 kl. 15:01", tz=CPH, now=now)
    assert start == now


def test_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        parse_meeting_time("17/9", tz=CPH, now=datetime(2026, 3, 1))


# --- DST ---------------------------------------------------------------------------------------


def test_meeting_on_spring_forward_day() -> None:
    start, end = parse_meeting_time("29. marts 2026 kl. 15-17", tz=CPH, now=NOW)
    assert start.utcoffset() == end.utcoffset() == SUMMER
    assert start.astimezone(UTC) == datetime(2026, 3, 29, 13, tzinfo=UTC)


def test_meeting_on_fall_back_day() -> None:
    start, end = parse_meeting_time("25. oktober 2026 kl. 15-17", tz=CPH, now=NOW)
    assert start.utcoffset() == end.utcoffset() == WINTER
    assert start.astimezone(UTC) == datetime(2026, 10, 25, 14, tzinfo=UTC)


def test_meeting_across_fall_back_lasts_one_hour_longer() -> None:
    start, end = parse_meeting_time("25. oktober 2026 kl. 1-4", tz=CPH, now=NOW)
    assert start.utcoffset() == SUMMER
    assert end.utcoffset() == WINTER
    # Same-tzinfo subtraction is wall-clock in Python; compare real elapsed time in UTC.
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=4)
    assert end - start == timedelta(hours=3)


def test_just_around_the_gap() -> None:
    start, _ = parse_meeting_time("29. marts 2026 kl. 01:59", tz=CPH, now=NOW)
    assert start.utcoffset() == WINTER
    start, _ = parse_meeting_time("29. marts 2026 kl. 03:00", tz=CPH, now=NOW)
    assert start.utcoffset() == SUMMER


# --- parse_date --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17. september", date(2026, 9, 17)),
        ("17/9", date(2026, 9, 17)),
        ("2026-09-17", date(2026, 9, 17)),
        ("torsdag d. 17. sept. 2026", date(2026, 9, 17)),
        ("17.09", date(2026, 9, 17)),
        ("1/3", date(2026, 3, 1)),  # today is fine
        ("28/2", date(2027, 2, 28)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text, tz=CPH, now=NOW) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "noget tidspunkt"),
        ("17/9 kl. 15", "uden klokkeslæt"),
        ("2026-09-17T15:00", "uden klokkeslæt"),
        ("30. februar 2026", "ikke en gyldig dato"),
        ("3/4/5", "flere måder"),
        ("28/2-2026", "allerede passeret"),
        ("onsdag 17/9", "torsdag, ikke en onsdag"),
    ],
)
def test_parse_date_rejects(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        parse_date(text, tz=CPH, now=NOW)
    assert_danish_message(info.value)
    assert fragment in info.value.message


def test_parse_date_allow_past() -> None:
    assert parse_date("28/2-2026", tz=CPH, now=NOW, allow_past=True) == date(2026, 2, 28)


# --- parse_local_datetime ----------------------------------------------------------------------


def test_parse_local_datetime_naive_is_local() -> None:
    parsed = parse_local_datetime("2026-06-17T09:00", CPH)
    assert parsed.tzinfo is CPH
    assert parsed.replace(tzinfo=None) == datetime(2026, 6, 17, 9)
    assert parsed.utcoffset() == SUMMER


def test_parse_local_datetime_aware_is_converted() -> None:
    parsed = parse_local_datetime("2026-06-17T07:00+00:00", CPH)
    assert parsed.tzinfo is CPH
    assert parsed.replace(tzinfo=None) == datetime(2026, 6, 17, 9)
    parsed = parse_local_datetime("2026-10-25T02:30+01:00", CPH)
    assert parsed.utcoffset() == WINTER


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("i går", "ikke et gyldigt tidspunkt"),
        ("", "ikke et gyldigt tidspunkt"),
        ("2026-02-30T09:00", "ikke et gyldigt tidspunkt"),
        ("2026-03-29T02:30", "findes ikke"),
        ("2026-10-25T02:30", "to gange"),
    ],
)
def test_parse_local_datetime_rejects(text: str, fragment: str) -> None:
    with pytest.raises(InputError) as info:
        parse_local_datetime(text, CPH)
    assert_danish_message(info.value)
    assert fragment in info.value.message


# --- formatting --------------------------------------------------------------------------------


def test_format_date() -> None:
    assert format_date(date(2026, 9, 17)) == "17. september 2026"
    assert format_date(date(2027, 1, 1)) == "1. januar 2027"
    assert format_date(date(2026, 5, 31)) == "31. maj 2026"


def test_format_datetime_and_time() -> None:
    dt = datetime(2026, 9, 17, 13, 0, tzinfo=UTC)
    assert format_datetime(dt, CPH) == "torsdag 17. september 2026 kl. 15:00"
    assert format_time(dt, CPH) == "15:00"
    assert format_time(datetime(2026, 12, 3, 8, 5, tzinfo=UTC), CPH) == "09:05"
    assert format_datetime(datetime(2026, 3, 29, 12, tzinfo=CPH), CPH) == (
        "søndag 29. marts 2026 kl. 12:00"
    )


def test_format_span() -> None:
    start, end = parse_meeting_time("17/9 kl. 15-17", tz=CPH, now=NOW)
    assert format_span(start, end, CPH) == "torsdag 17. september 2026 kl. 15:00–17:00"
    start, end = parse_meeting_time("17/9 kl. 23", tz=CPH, now=NOW)
    assert format_span(start, end, CPH) == (
        "torsdag 17. september 2026 kl. 23:00 – fredag 18. september 2026 kl. 01:00"
    )


def test_format_round_trips_through_parser() -> None:
    start, end = parse_meeting_time("lørdag 3. oktober 2026 kl. 9.15-11.45", tz=CPH, now=NOW)
    text = format_span(start, end, CPH)
    assert text == "lørdag 3. oktober 2026 kl. 09:15–11:45"
    assert parse_meeting_time(text, tz=CPH, now=NOW) == (start, end)


def test_format_rejects_naive() -> None:
    with pytest.raises(ValueError, match="aware"):
        format_time(datetime(2026, 9, 17, 15), CPH)


def test_parserinfo_names() -> None:
    info = DanishParserInfo()
    assert info.month("Marts") == 3
    assert info.month("okt") == 10
    assert info.month("October") == 10
    assert info.month("foo") is None
    assert info.weekday("lørdag") == 5
    assert info.weekday("tors") == 3
    assert info.weekday("Thursday") == 3
    assert info.weekday("xyz") is None


# --- property: arbitrary text never raises anything but InputError ------------------------------

_TOKENS = [
    "17",
    "17.",
    "9",
    "2026",
    "/",
    ".",
    ":",
    "-",
    "–",
    "kl.",
    "kl",
    "d.",
    "den",
    "til",
    "fra",
    "september",
    "sept.",
    "okt",
    "torsdag",
    "tors",
    "15:00",
    "15.00",
    "15-17",
    "2026-09-17",
    "T",
    "17/9",
    "17.9.2026",
    "29/2",
    "0",
    "99",
    "9999",
    "0001",
    ",",
    " ",
    "02:30",
    "marts",
    "oktober",
]


@settings(max_examples=400, deadline=None)
@given(
    st.one_of(
        st.text(max_size=80),
        st.lists(st.sampled_from(_TOKENS), max_size=8).map(" ".join),
        st.lists(st.sampled_from(_TOKENS), max_size=8).map("".join),
    )
)
def test_parse_meeting_time_only_raises_input_error(text: str) -> None:
    try:
        start, end = parse_meeting_time(text, tz=CPH, now=NOW)
    except InputError as error:
        message = error.message
    else:
        assert start.tzinfo is CPH
        assert end.astimezone(UTC) > start.astimezone(UTC) >= NOW.astimezone(UTC)
        return
    assert message.strip()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_parse_date_and_local_datetime_only_raise_input_error(text: str) -> None:
    parsers: list[Callable[[], object]] = [
        lambda: parse_date(text, tz=CPH, now=NOW),
        lambda: parse_local_datetime(text, CPH),
    ]
    for parse in parsers:
        message = "ok"
        try:
            parse()
        except InputError as error:
            message = error.message
        assert message.strip()
