"""Hand-written VTIMEZONE components (RFC 5545 §3.6.5) derived from zoneinfo data.

Calendar clients disagree about long RDATE lists (what ``icalendar``'s
``Timezone.from_tzinfo`` produces), so the zone is written the way Outlook, Google
and Apple export it themselves: one STANDARD and one DAYLIGHT sub-component, each
with a yearly RRULE (RFC 5545 §3.3.10, §3.8.5.3) such as
``FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10``.

The rule is not looked up in a table: the real transitions of the year around the
meeting are found by scanning the zone's UTC offset hour by hour and bisecting to
the second, and month, weekday and "n-th / last weekday of the month" are read off
those transitions. The RRULEs therefore reproduce that year exactly; other years
are right whenever the zone follows an "n-th/last weekday of the month" rule (the
EU, North America, Australia). Rules of another shape, e.g. Chile's "first Sunday
on or after the 2nd", may be off by a week in some other years. A zone without
daylight saving time in that year (``UTC``, ``Asia/Tokyo``) gets a single STANDARD
sub-component without RRULE.
"""

from __future__ import annotations

import calendar
import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

__all__ = ["RULE_START_YEAR", "Transition", "build_vtimezone", "transitions_in_year"]

RULE_START_YEAR = 1970
"""Year of the sub-components' DTSTART; the RRULE makes them valid from then on."""

_WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_STEP = timedelta(hours=1)


@dataclass(frozen=True)
class Transition:
    """One change of UTC offset (an "onset" in RFC 5545 §3.6.5 terms)."""

    at: datetime
    """The first UTC instant at which ``offset_to`` applies."""
    offset_from: timedelta
    offset_to: timedelta
    name: str
    """Abbreviation in effect after the change (TZNAME, RFC 5545 §3.8.3.2)."""

    @property
    def local_onset(self) -> datetime:
        """Naive local time of the onset, expressed in ``offset_from`` (RFC 5545 §3.6.5)."""
        return (self.at + self.offset_from).replace(tzinfo=None)


@dataclass(frozen=True)
class _YearlyRule:
    month: int
    weekday: int  # 0 = Monday, as in datetime.weekday()
    ordinal: int  # 1..4, or -1 for the last such weekday of the month

    @property
    def byday(self) -> str:
        return f"{self.ordinal}{_WEEKDAY_CODES[self.weekday]}"

    def date_in(self, year: int) -> date:
        """The day this rule selects in ``year``."""
        days_in_month = calendar.monthrange(year, self.month)[1]
        if self.ordinal > 0:
            first = date(year, self.month, 1)
            delta = (self.weekday - first.weekday()) % 7
            return first + timedelta(days=delta + 7 * (self.ordinal - 1))
        last = date(year, self.month, days_in_month)
        return last - timedelta(days=(last.weekday() - self.weekday) % 7)


def _zone(tzid: str) -> ZoneInfo:
    try:
        return ZoneInfo(tzid)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tzid!r}") from exc


def _offset(zone: ZoneInfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None  # a ZoneInfo always knows its offset
    return offset


def transitions_in_year(zone: ZoneInfo, year: int) -> list[Transition]:
    """All offset changes whose UTC instant falls in ``year``, in order.

    The zone is sampled every hour and each change is located to the second by
    bisection, so half-hour rules (e.g. Australia/Lord_Howe) are found as well. That is
    ~9,000 conversions (over 100 ms on a slow core), so each (zone, year) is computed once
    per process: an invitation to 1,000 people must not redo it 1,000 times.
    """
    return list(_transitions(zone, year))


@functools.lru_cache(maxsize=64)
def _transitions(zone: ZoneInfo, year: int) -> tuple[Transition, ...]:
    start = datetime(year, 1, 1, tzinfo=UTC)
    stop = datetime(year + 1, 1, 1, tzinfo=UTC)
    found: list[Transition] = []
    previous_instant = start
    previous_offset = _offset(zone, start)
    instant = start + _STEP
    while instant <= stop:
        offset = _offset(zone, instant)
        if offset != previous_offset:
            lo, hi = previous_instant, instant  # offset(lo) == previous, offset(hi) == new
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if _offset(zone, mid) == previous_offset:
                    lo = mid
                else:
                    hi = mid
            if hi < stop:
                name = hi.astimezone(zone).tzname() or ""
                found.append(Transition(hi, previous_offset, offset, name))
        previous_instant, previous_offset = instant, offset
        instant += _STEP
    return tuple(found)


def _rule_for(transition: Transition, zone: ZoneInfo) -> _YearlyRule:
    """Month, weekday and ordinal of ``transition``, checked against the next year.

    A weekday in the last seven days of its month is "last" (``-1``) unless the
    following year shows that the zone really counts from the start of the month
    (a "4th Sunday" rule that happened to hit the last Sunday).
    """
    onset = transition.local_onset.date()
    days_in_month = calendar.monthrange(onset.year, onset.month)[1]
    nth = _YearlyRule(onset.month, onset.weekday(), (onset.day - 1) // 7 + 1)
    if onset.day + 7 <= days_in_month:
        return nth
    last = _YearlyRule(onset.month, onset.weekday(), -1)
    if nth.ordinal == 5:
        return last
    for later in transitions_in_year(zone, onset.year + 1):
        same_kind = (later.offset_from, later.offset_to) == (
            transition.offset_from,
            transition.offset_to,
        )
        if same_kind and later.local_onset.month == onset.month:
            later_day = later.local_onset.date()
            if later_day == nth.date_in(later_day.year) != last.date_in(later_day.year):
                return nth
            break
    return last


def _observance(
    component: TimezoneStandard | TimezoneDaylight,
    *,
    start: datetime,
    offset_from: timedelta,
    offset_to: timedelta,
    name: str,
    rule: _YearlyRule | None,
) -> TimezoneStandard | TimezoneDaylight:
    """Fill one STANDARD/DAYLIGHT sub-component (RFC 5545 §3.6.5)."""
    component.add("dtstart", start)  # naive: local time, as §3.6.5 requires
    component.add("tzoffsetfrom", offset_from)
    component.add("tzoffsetto", offset_to)
    if name:
        component.add("tzname", name)
    if rule is not None:
        component.add(
            "rrule",
            vRecur({"FREQ": "YEARLY", "BYMONTH": rule.month, "BYDAY": rule.byday}),
        )
    return component


def build_vtimezone(tzid: str, around: datetime) -> Timezone:
    """A VTIMEZONE (RFC 5545 §3.6.5) for ``tzid`` valid for the year of ``around``.

    With daylight saving time: exactly one STANDARD and one DAYLIGHT sub-component,
    each with DTSTART in :data:`RULE_START_YEAR` (local time of the onset, on the
    day the RRULE selects), TZOFFSETFROM, TZOFFSETTO, TZNAME and a yearly RRULE.
    Without (or in an irregular year, e.g. when a zone abolishes DST): a single
    STANDARD carrying the offset in force at ``around`` and no RRULE.
    No RDATE is ever written.
    """
    zone = _zone(tzid)
    local_around = around.astimezone(zone) if around.tzinfo is not None else around
    year = local_around.year
    transitions = transitions_in_year(zone, year)

    vtimezone = Timezone()
    vtimezone.add("tzid", tzid)

    regular = (
        len(transitions) == 2
        and transitions[0].offset_to == transitions[1].offset_from
        and transitions[1].offset_to == transitions[0].offset_from
    )
    if not regular:
        instant = local_around.replace(tzinfo=zone) if around.tzinfo is None else around
        offset = _offset(zone, instant)
        name = instant.astimezone(zone).tzname() or ""
        vtimezone.add_component(
            _observance(
                TimezoneStandard(),
                start=datetime(RULE_START_YEAR, 1, 1),  # noqa: DTZ001 (local time by design)
                offset_from=offset,
                offset_to=offset,
                name=name,
                rule=None,
            )
        )
        return vtimezone

    # The change to the larger offset is daylight saving time. (Zones such as
    # Europe/Dublin mark winter as "DST" with a negative save; clients expect the
    # larger offset in DAYLIGHT all the same.)
    ordered = sorted(transitions, key=lambda t: t.offset_to)
    observances: tuple[TimezoneStandard | TimezoneDaylight, ...] = (
        TimezoneStandard(),
        TimezoneDaylight(),
    )
    for transition, component in zip(ordered, observances, strict=True):
        rule = _rule_for(transition, zone)
        start = datetime.combine(rule.date_in(RULE_START_YEAR), transition.local_onset.time())
        vtimezone.add_component(
            _observance(
                component,
                start=start,
                offset_from=transition.offset_from,
                offset_to=transition.offset_to,
                name=transition.name,
                rule=rule,
            )
        )
    return vtimezone
