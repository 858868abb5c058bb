"""Parse and format Danish meeting dates and times; every datetime here is timezone-aware.

The grammar is deliberately strict: a date is day-first (``17/9``, ``17.9.2026``,
``17. september``) or ISO (``2026-09-17``), a clock is ``15``, ``15:00`` or ``15.00`` and a
range joins two clocks with a dash. Anything that could be read in more than one way is
rejected with a Danish :class:`~bot.errors.InputError` instead of being guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil.parser import parserinfo

from bot import texts
from bot.errors import InputError

__all__ = [
    "DanishParserInfo",
    "format_date",
    "format_datetime",
    "format_span",
    "format_time",
    "parse_date",
    "parse_local_datetime",
    "parse_meeting_time",
]

MAX_INPUT_LENGTH = 200
"""Longer inputs are rejected outright; no sensible date needs this many characters."""

_YEARS_TO_SEARCH = 8
"""How far ahead a year-less date (e.g. ``29/2``) is looked for."""


class DanishParserInfo(parserinfo):
    """dateutil parserinfo with Danish month and weekday names; English names also work."""

    MONTHS = [  # noqa: RUF012 - the dateutil API defines these as plain class lists
        ("jan", "januar"),
        ("feb", "februar"),
        ("mar", "marts"),
        ("apr", "april"),
        ("maj", "maj"),
        ("jun", "juni"),
        ("jul", "juli"),
        ("aug", "august"),
        ("sep", "sept", "september"),
        ("okt", "oktober"),
        ("nov", "november"),
        ("dec", "december"),
    ]
    WEEKDAYS = [  # noqa: RUF012
        ("man", "mandag"),
        ("tir", "tirsdag"),
        ("ons", "onsdag"),
        ("tor", "torsdag"),
        ("fre", "fredag"),
        ("lør", "lørdag"),
        ("søn", "søndag"),
    ]

    def month(self, name: str) -> int | None:
        """Return the month number 1-12 for a Danish or English month name, else None."""
        found = super().month(name)
        return found if found is not None else _ENGLISH.month(name)

    def weekday(self, name: str) -> int | None:
        """Return 0-6 (Monday first) for a Danish or English weekday name or abbreviation."""
        found = super().weekday(name)
        if found is None:
            found = _ENGLISH.weekday(name)
        if found is None and len(name) >= 3:
            # Any abbreviation of at least three letters, e.g. "tirs", "tors", "thurs".
            lowered = name.lower()
            for table in (self.WEEKDAYS, _ENGLISH.WEEKDAYS):
                for index, (_, full) in enumerate(table):
                    if full.lower().startswith(lowered):
                        return index
        return found


_ENGLISH = parserinfo()
_DANISH = DanishParserInfo()

# --- tokens ------------------------------------------------------------------------------------
# ASCII digits only: str.isdigit and \d would also accept e.g. Arabic-Indic digits.
_CLOCK = r"[0-9]{1,2}(?::[0-9]{2}(?::[0-9]{2})?|\.[0-9]{2})?"
_CLOCK_RE = re.compile(r"([0-9]{1,2})(?:[:.]([0-9]{2})(?::([0-9]{2}))?)?")
_CLOCK_EXPR_RE = re.compile(rf"({_CLOCK})(?:-({_CLOCK}))?")
_RANGE_RE = re.compile(rf"({_CLOCK})-({_CLOCK})")
_COLON_CLOCK_RE = re.compile(r"[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?")
_ISO_DATE_RE = re.compile(r"([0-9]{4})([-/])([0-9]{1,2})\2([0-9]{1,2})(?:t(.+))?")
_SLASH_DATE_RE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})(?:[/-]([0-9]{1,4}))?\.?")
_DOT_DATE_RE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})(?:\.|[.-]([0-9]{1,4})\.?)")
_DOT_SHORT_DATE_RE = re.compile(r"([0-9]{1,2})\.([0-9])")
_DASH_DATE_RE = re.compile(r"([0-9]{1,2})-([0-9]{1,2})-([0-9]{1,4})\.?")
_DOT_PAIR_RE = re.compile(r"([0-9]{1,2})\.([0-9]{2})")  # "17.09" or "15.00": decided later
_DAY_RE = re.compile(r"([0-9]{1,2})\.?")
_YEAR_RE = re.compile(r"([0-9]{4})\.?")
_NUMBER_RE = re.compile(r"[0-9]+\.?")
_WORD_RE = re.compile(r"[^\W\d_]+\.?")

_CLOCK_MARKERS = frozenset({"kl", "kl.", "klokken"})
_FILLERS = frozenset({"d", "d.", "den", "fra", "ca", "ca."})
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"))


@dataclass(frozen=True)
class _DateSpec:
    day: int
    month: int
    year: int | None
    source: str


@dataclass(frozen=True)
class _ClockSpec:
    start: time
    end: time | None
    source: str


@dataclass(frozen=True)
class _Parts:
    date: _DateSpec
    clock: _ClockSpec | None
    weekday: int | None


def _normalise(text: str) -> str:
    """Lower-case, unify dashes and glue ranges so that whitespace separates the tokens."""
    s = text.translate(_DASHES).lower().replace(",", " ")
    s = re.sub(r"\s+til\s+", "-", s)
    s = re.sub(r"\s*-\s*(?:(?:kl\.?|klokken)\s*(?=[0-9]))?", "-", s)
    s = re.sub(r"(?<![^\s])(kl|klokken|d)\.?(?=[0-9])", r"\1 ", s)
    s = re.sub(r"(?<![^\s])([0-9]{1,2})\.(?=[^\W\d_])", r"\1. ", s)
    return s


def _clock(source: str) -> time:
    match = _CLOCK_RE.fullmatch(source)
    if match is None:
        raise InputError(texts.TIME_INVALID_CLOCK.format(part=source))
    hour, minute, second = (int(group) if group else 0 for group in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        raise InputError(texts.TIME_INVALID_CLOCK.format(part=source))
    return time(hour, minute, second)


def _clock_expr(source: str) -> _ClockSpec:
    match = _CLOCK_EXPR_RE.fullmatch(source)
    if match is None:
        raise InputError(texts.TIME_INVALID_CLOCK.format(part=source))
    start = _clock(match.group(1))
    end = _clock(match.group(2)) if match.group(2) else None
    if end is not None and end <= start:
        raise InputError(
            texts.TIME_END_NOT_AFTER_START.format(start=f"{start:%H:%M}", end=f"{end:%H:%M}")
        )
    return _ClockSpec(start, end, source)


def _numeric_date(day: str, month: str, year: str | None, source: str) -> _DateSpec:
    if year is not None and len(year) != 4:
        raise InputError(texts.TIME_AMBIGUOUS_YEAR.format(part=source))
    return _DateSpec(int(day), int(month), int(year) if year else None, source)


class _Tokens:
    """A cursor over whitespace-separated tokens."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def take_year(self) -> str | None:
        """Consume a following four-digit year token, if there is one."""
        token = self.peek()
        if token is not None and (match := _YEAR_RE.fullmatch(token)):
            self.pos += 1
            return match.group(1)
        return None

    def take_month(self) -> int | None:
        """Consume a following month name, if there is one."""
        token = self.peek()
        if token is not None and _WORD_RE.fullmatch(token):
            month = _DANISH.month(token.rstrip("."))
            if month is not None:
                self.pos += 1
                return month
        return None


def _parse_parts(text: str, example: str) -> _Parts:
    """Split free text into one date, at most one clock (range) and at most one weekday."""
    stripped = text.strip()
    if not stripped:
        raise InputError(texts.TIME_EMPTY.format(example=example))
    if len(stripped) > MAX_INPUT_LENGTH:
        raise InputError(texts.TIME_TOO_LONG.format(example=example))

    dates: list[_DateSpec] = []
    clocks: list[_ClockSpec] = []
    weekdays: list[int] = []
    dot_pairs: list[str] = []
    tokens = _Tokens(_normalise(stripped).split())

    def unrecognised(part: str) -> InputError:
        if part == stripped.lower():
            return InputError(texts.TIME_UNRECOGNISED.format(part=stripped, example=example))
        return InputError(
            texts.TIME_UNRECOGNISED_PART.format(text=stripped, part=part, example=example)
        )

    while tokens.peek() is not None:
        token = tokens.take()
        if token in _CLOCK_MARKERS:
            following = tokens.peek()
            if following is None or not following[0].isascii() or not following[0].isdigit():
                raise InputError(texts.TIME_MISSING_CLOCK)
            clocks.append(_clock_expr(tokens.take()))
        elif token in _FILLERS:
            continue
        elif _WORD_RE.fullmatch(token):
            word = token.rstrip(".")
            weekday = _DANISH.weekday(word)
            month = _DANISH.month(word)
            if weekday is not None:
                weekdays.append(weekday)
            elif month is not None:
                # Month first, as in "september 17 2026".
                day_token = tokens.peek()
                day_match = _DAY_RE.fullmatch(day_token) if day_token is not None else None
                if day_token is None or day_match is None:
                    raise InputError(texts.TIME_INVALID_DATE.format(part=token, example=example))
                tokens.take()
                year = tokens.take_year()
                source = " ".join(filter(None, (token, day_token, year)))
                dates.append(_numeric_date(day_match.group(1), str(month), year, source))
            else:
                raise unrecognised(token)
        elif match := _ISO_DATE_RE.fullmatch(token):
            year, _, month_text, day_text, clock_text = match.groups()
            dates.append(_numeric_date(day_text, month_text, year, token))
            if clock_text is not None:
                clocks.append(_clock_expr(clock_text))
        elif _RANGE_RE.fullmatch(token) or _COLON_CLOCK_RE.fullmatch(token):
            clocks.append(_clock_expr(token))
        elif match := (
            _SLASH_DATE_RE.fullmatch(token)
            or _DOT_DATE_RE.fullmatch(token)
            or _DOT_SHORT_DATE_RE.fullmatch(token)
            or _DASH_DATE_RE.fullmatch(token)
        ):
            day_text, month_text, *rest = match.groups()
            year = rest[0] if rest else None
            if year is None and (year := tokens.take_year()) is not None:
                token = f"{token} {year}"
            dates.append(_numeric_date(day_text, month_text, year, token))
        elif _DOT_PAIR_RE.fullmatch(token):
            dot_pairs.append(token)
        elif (match := _DAY_RE.fullmatch(token)) and (month := tokens.take_month()) is not None:
            month_token = tokens.tokens[tokens.pos - 1]
            year = tokens.take_year()
            source = " ".join(filter(None, (token, month_token, year)))
            dates.append(_numeric_date(match.group(1), str(month), year, source))
        elif _NUMBER_RE.fullmatch(token):
            raise InputError(texts.TIME_AMBIGUOUS_NUMBER.format(part=token, example=example))
        else:
            raise unrecognised(token)

    # "17.09" is a date unless a date was given elsewhere, then it is a clock ("15.00").
    for pair in dot_pairs:
        if not dates:
            day_text, month_text = pair.split(".")
            dates.append(_numeric_date(day_text, month_text, None, pair))
        else:
            clocks.append(_clock_expr(pair))

    if len(dates) > 1:
        raise InputError(texts.TIME_MULTIPLE_DATES.format(text=stripped, example=example))
    if len(clocks) > 1:
        raise InputError(texts.TIME_MULTIPLE_CLOCKS.format(text=stripped))
    if len(weekdays) > 1:
        raise InputError(texts.TIME_MULTIPLE_WEEKDAYS.format(text=stripped, example=example))
    if not dates:
        raise InputError(texts.TIME_MISSING_DATE.format(text=stripped, example=example))
    return _Parts(dates[0], clocks[0] if clocks else None, weekdays[0] if weekdays else None)


def _resolve_date(spec: _DateSpec, today: date, example: str) -> date:
    """Build the date; without a year, take the next occurrence on or after `today`."""
    invalid = InputError(texts.TIME_INVALID_DATE.format(part=spec.source, example=example))
    if spec.year is not None:
        try:
            return date(spec.year, spec.month, spec.day)
        except ValueError:
            raise invalid from None
    for year in range(today.year, today.year + _YEARS_TO_SEARCH + 1):
        try:
            candidate = date(year, spec.month, spec.day)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise invalid


def _check_weekday(parts: _Parts, day: date, example: str) -> None:
    if parts.weekday is not None and parts.weekday != day.weekday():
        raise InputError(
            texts.TIME_WEEKDAY_MISMATCH.format(
                date=format_date(day),
                actual=texts.TIME_WEEKDAY_NAMES[day.weekday()],
                given=texts.TIME_WEEKDAY_NAMES[parts.weekday],
                example=example,
            )
        )


def _dst_problem(naive: datetime, tz: ZoneInfo) -> Literal["gap", "overlap"] | None:
    """Tell whether a naive local time is skipped (gap) or repeated (overlap) in `tz`.

    May raise OverflowError for datetimes at the very ends of the supported range.
    """
    earlier = naive.replace(tzinfo=tz, fold=0)
    later = naive.replace(tzinfo=tz, fold=1)
    if earlier.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        return "gap"
    if earlier.utcoffset() != later.utcoffset():
        return "overlap"
    return None


def _localize_meeting(naive: datetime, tz: ZoneInfo) -> datetime:
    problem = _dst_problem(naive, tz)
    values = {"clock": f"{naive:%H:%M}", "date": format_date(naive.date())}
    if problem == "gap":
        raise InputError(texts.TIME_NONEXISTENT.format(**values))
    if problem == "overlap":
        raise InputError(texts.TIME_AMBIGUOUS_DST.format(**values))
    return naive.replace(tzinfo=tz, fold=0)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime")


def parse_meeting_time(
    text: str,
    *,
    tz: ZoneInfo,
    now: datetime,
    default_start: time = time(15, 0),
    default_end: time = time(17, 0),
) -> tuple[datetime, datetime]:
    """Parse a Danish meeting time into aware (start, end) in `tz`."""
    _require_aware(now, "now")
    default_length = datetime.combine(date.min, default_end) - datetime.combine(
        date.min, default_start
    )
    if default_length <= timedelta(0):
        raise ValueError("default_end must be after default_start")
    example = texts.TIME_EXAMPLE_MEETING

    parts = _parse_parts(text, example)
    day = _resolve_date(parts.date, now.astimezone(tz).date(), example)
    _check_weekday(parts, day, example)

    try:
        if parts.clock is None:
            naive_start = datetime.combine(day, default_start)
            naive_end = datetime.combine(day, default_end)
        else:
            naive_start = datetime.combine(day, parts.clock.start)
            if parts.clock.end is None:
                naive_end = naive_start + default_length
            else:
                naive_end = datetime.combine(day, parts.clock.end)
        if naive_end <= naive_start:
            raise InputError(
                texts.TIME_END_NOT_AFTER_START.format(
                    start=f"{naive_start:%H:%M}", end=f"{naive_end:%H:%M}"
                )
            )
        start = _localize_meeting(naive_start, tz)
        end = _localize_meeting(naive_end, tz)
        in_past = start.astimezone(UTC) < now.astimezone(UTC)
    except OverflowError:
        raise InputError(
            texts.TIME_INVALID_DATE.format(part=parts.date.source, example=example)
        ) from None

    if in_past:
        raise InputError(texts.TIME_IN_PAST.format(when=format_span(start, end, tz)))
    return start, end


def parse_date(text: str, *, tz: ZoneInfo, now: datetime, allow_past: bool = False) -> date:
    """Parse a Danish date such as '17. september', '17/9', '2026-09-17' (for deadlines)."""
    _require_aware(now, "now")
    example = texts.TIME_EXAMPLE_DATE
    parts = _parse_parts(text, example)
    if parts.clock is not None:
        raise InputError(texts.TIME_DATE_ONLY.format(part=parts.clock.source, example=example))
    today = now.astimezone(tz).date()
    day = _resolve_date(parts.date, today, example)
    _check_weekday(parts, day, example)
    if not allow_past and day < today:
        raise InputError(texts.TIME_DATE_IN_PAST.format(date=format_date(day)))
    return day


def parse_local_datetime(text: str, tz: ZoneInfo) -> datetime:
    """Parse an ISO local time like '2026-06-17T09:00' (operations' --now) as aware in tz; aware inputs are converted."""  # noqa: E501
    stripped = text.strip()
    invalid = InputError(texts.TIME_INVALID_LOCAL_DATETIME.format(text=stripped))
    try:
        parsed = datetime.fromisoformat(stripped)
    except ValueError:
        raise invalid from None
    try:
        if parsed.tzinfo is not None:
            return parsed.astimezone(tz)
        problem = _dst_problem(parsed, tz)
    except OverflowError:
        raise invalid from None
    if problem == "gap":
        raise InputError(texts.TIME_LOCAL_DATETIME_NONEXISTENT.format(text=stripped))
    if problem == "overlap":
        raise InputError(texts.TIME_LOCAL_DATETIME_AMBIGUOUS.format(text=stripped))
    return parsed.replace(tzinfo=tz, fold=0)


# --- formatting --------------------------------------------------------------------------------


def _local(dt: datetime, tz: ZoneInfo) -> datetime:
    _require_aware(dt, "dt")
    return dt.astimezone(tz)


def _clock_text(dt: datetime) -> str:
    return texts.TIME_FORMAT_CLOCK.format(hour=dt.hour, minute=dt.minute)


def format_date(d: date) -> str:
    """Format a date in Danish, e.g. '17. september 2026'."""
    return texts.TIME_FORMAT_DATE.format(
        day=d.day, month=texts.TIME_MONTH_NAMES[d.month - 1], year=d.year
    )


def format_time(dt: datetime, tz: ZoneInfo) -> str:
    """Format the clock time of an aware datetime in `tz`, e.g. '15:00'."""
    return _clock_text(_local(dt, tz))


def format_datetime(dt: datetime, tz: ZoneInfo) -> str:
    """Format an aware datetime in `tz`, e.g. 'torsdag 17. september 2026 kl. 15:00'."""
    local = _local(dt, tz)
    return texts.TIME_FORMAT_DATETIME.format(
        weekday=texts.TIME_WEEKDAY_NAMES[local.weekday()],
        date=format_date(local.date()),
        clock=_clock_text(local),
    )


def format_span(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    """Format a meeting span in `tz`, e.g. 'torsdag 17. september 2026 kl. 15:00–17:00'."""
    local_start, local_end = _local(start, tz), _local(end, tz)
    if local_start.date() == local_end.date():
        return texts.TIME_FORMAT_SPAN_SAME_DAY.format(
            weekday=texts.TIME_WEEKDAY_NAMES[local_start.weekday()],
            date=format_date(local_start.date()),
            start=_clock_text(local_start),
            end=_clock_text(local_end),
        )
    return texts.TIME_FORMAT_SPAN.format(
        start=format_datetime(start, tz), end=format_datetime(end, tz)
    )
