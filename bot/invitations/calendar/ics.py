"""iCalendar objects for meeting invitations (RFC 5545) carrying iTIP methods (RFC 5546).

One VCALENDAR holds one VTIMEZONE and one VEVENT. Times are written as local time with
a ``TZID`` parameter (RFC 5545 §3.3.5 form #3) that refers to the enclosed VTIMEZONE,
except when a local wall time names two instants (the hour repeated when the clocks go
back): RFC 5545 §3.3.5 says such a time means its first occurrence, so the second cannot
be written locally at all, and libical, ical.js and icalendar do not even agree on the
first. Such an event's DTSTART and DTEND are then both written in UTC (form #2,
``...Z``), which every reader resolves alike (the VTIMEZONE is still included).
DTSTAMP is always UTC (RFC 5545 §3.8.7.2). Output uses CRLF line breaks and lines
folded at 75 octets (RFC 5545 §3.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vDatetime

from bot.invitations.calendar.vtimezone import build_vtimezone

__all__ = [
    "CANCEL",
    "PRODID",
    "REQUEST",
    "Attendee",
    "CalendarEvent",
    "build_ics",
]

PRODID = "-//KLU-bot//KLU-bot//DA"
"""Product identifier (RFC 5545 §3.7.3)."""

REQUEST = "REQUEST"
"""iTIP method to invite or update (RFC 5546 §3.2.2)."""
CANCEL = "CANCEL"
"""iTIP method to cancel (RFC 5546 §3.2.5)."""

_ROLES = frozenset({"REQ-PARTICIPANT", "OPT-PARTICIPANT", "CHAIR", "NON-PARTICIPANT"})
_PARTSTATS = frozenset({"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE"})
_STATUS_FOR_METHOD = {
    REQUEST: frozenset({"CONFIRMED", "TENTATIVE"}),
    CANCEL: frozenset({"CANCELLED"}),
}
_WRITTEN_TZID = {"UTC": "Etc/UTC"}
"""``icalendar`` and libical both turn ``TZID=UTC`` into a bare UTC time (``...Z``);
the equivalent IANA name keeps the local-time-with-TZID form of RFC 5545 §3.3.5."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_ADDRESS = re.compile(r"^[^\s@:;,<>\"]+@[^\s@:;,<>\"]+$")


@dataclass(frozen=True)
class Attendee:
    """An ATTENDEE (RFC 5545 §3.8.4.1) with ROLE, PARTSTAT and RSVP (§3.2.16, §3.2.12, §3.2.17)."""

    name: str
    email: str
    role: str = "REQ-PARTICIPANT"  # or OPT-PARTICIPANT, CHAIR, NON-PARTICIPANT
    partstat: str = "NEEDS-ACTION"  # or ACCEPTED, DECLINED, TENTATIVE
    rsvp: bool = True


@dataclass(frozen=True)
class CalendarEvent:
    """Everything one VEVENT (RFC 5545 §3.6.1) in an iTIP message needs.

    ``start``/``end`` must be timezone-aware; they are converted into ``tzid``.
    ``dtstamp`` must be aware too and is written in UTC. A cancellation
    (``method="CANCEL"``) keeps the UID, raises SEQUENCE and has
    ``status="CANCELLED"`` (RFC 5546 §3.2.5).
    """

    uid: str
    sequence: int
    method: str  # "REQUEST" or "CANCEL"
    summary: str
    start: datetime
    end: datetime
    tzid: str
    location: str
    description: str
    organizer_name: str
    organizer_email: str
    attendees: tuple[Attendee, ...]
    dtstamp: datetime
    status: str = "CONFIRMED"  # CANCELLED with method CANCEL


def _check(event: CalendarEvent) -> None:
    """Reject events that would produce an invalid iTIP message (RFC 5546 §3.2.2, §3.2.5)."""
    if event.method not in _STATUS_FOR_METHOD:
        raise ValueError(f"method must be REQUEST or CANCEL, not {event.method!r}")
    if event.status not in _STATUS_FOR_METHOD[event.method]:
        raise ValueError(f"status {event.status!r} does not fit method {event.method}")
    for label, value in (("start", event.start), ("end", event.end), ("dtstamp", event.dtstamp)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{label} must be timezone-aware")
    if event.end <= event.start:
        raise ValueError("end must be after start")
    if event.sequence < 0:
        raise ValueError("sequence must not be negative")
    if not event.uid or _CONTROL.search(event.uid):
        raise ValueError("uid must be a non-empty single line")
    if not event.attendees:
        raise ValueError("an iTIP REQUEST/CANCEL needs at least one attendee")
    _check_address(event.organizer_email)
    for attendee in event.attendees:
        _check_address(attendee.email)
        if attendee.role not in _ROLES:
            raise ValueError(f"unknown ROLE {attendee.role!r}")
        if attendee.partstat not in _PARTSTATS:
            raise ValueError(f"unknown PARTSTAT {attendee.partstat!r}")


def _check_address(email: str) -> None:
    if not _ADDRESS.match(email):
        raise ValueError(f"not an e-mail address: {email!r}")


def _common_name(name: str) -> str:
    """A CN parameter value (RFC 5545 §3.2.2) every client reads the same way.

    DQUOTE cannot appear in a parameter value (RFC 5545 §3.1) and Outlook does
    not decode RFC 6868 ``^'`` escapes, so quotes become apostrophes; control
    characters become spaces.
    """
    return _CONTROL.sub(" ", name).replace('"', "'").strip()


def _text(value: str) -> str:
    """Normalise line breaks; ``icalendar`` then escapes TEXT (RFC 5545 §3.3.11)."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _cal_address(name: str, email: str, **params: str) -> vCalAddress:
    """A CAL-ADDRESS (RFC 5545 §3.3.3) ``mailto:`` URI with CN first, then ``params``."""
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = _common_name(name)
    for key, value in params.items():
        address.params[key] = value
    return address


def _local(moment: datetime, zone: ZoneInfo, tzid: str) -> vDatetime:
    """DATE-TIME "with local time and time zone reference" (RFC 5545 §3.3.5, form #3)."""
    local = moment.astimezone(zone).replace(tzinfo=None)
    value = vDatetime(local)
    value.params["TZID"] = tzid
    return value


def _utc(moment: datetime) -> vDatetime:
    """DATE-TIME "with UTC time" (RFC 5545 §3.3.5, form #2): one instant for every reader."""
    return vDatetime(moment.astimezone(UTC))


def wall_time_is_ambiguous(moment: datetime, zone: ZoneInfo) -> bool:
    """True when the local wall time of ``moment`` in ``zone`` names two instants.

    That is the hour repeated when the clocks go back: the same wall time with the other
    ``fold`` (PEP 495) has another UTC offset. (A skipped wall time cannot come out of
    ``astimezone``: an aware ``moment`` is one instant, and its wall time exists.)
    """
    local = moment.astimezone(zone)
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def _times(event: CalendarEvent, zone: ZoneInfo, tzid: str) -> tuple[vDatetime, vDatetime]:
    """DTSTART and DTEND: local with TZID, or both in UTC when either wall time is ambiguous."""
    if wall_time_is_ambiguous(event.start, zone) or wall_time_is_ambiguous(event.end, zone):
        return _utc(event.start), _utc(event.end)
    return _local(event.start, zone, tzid), _local(event.end, zone, tzid)


def _vevent(event: CalendarEvent, zone: ZoneInfo, tzid: str) -> Event:
    """The VEVENT (RFC 5545 §3.6.1) with the properties RFC 5546 §3.2.2/§3.2.5 require."""
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", event.dtstamp.astimezone(UTC))
    dtstart, dtend = _times(event, zone, tzid)
    vevent.add("dtstart", dtstart)
    vevent.add("dtend", dtend)
    vevent.add("summary", _text(event.summary))
    vevent.add("location", _text(event.location))
    vevent.add("description", _text(event.description))
    vevent.add("organizer", _cal_address(event.organizer_name, event.organizer_email))
    for attendee in event.attendees:
        vevent.add(
            "attendee",
            _cal_address(
                attendee.name,
                attendee.email,
                CUTYPE="INDIVIDUAL",
                ROLE=attendee.role,
                PARTSTAT=attendee.partstat,
                RSVP="TRUE" if attendee.rsvp else "FALSE",
            ),
        )
    vevent.add("status", event.status)
    vevent.add("transp", "OPAQUE")
    return vevent


def build_ics(event: CalendarEvent) -> bytes:
    """A complete VCALENDAR (RFC 5545 §3.4) with METHOD (RFC 5546 §1.4).

    It holds one VTIMEZONE (RFC 5545 §3.6.5) and one VEVENT (RFC 5545 §3.6.1).

    Calendar properties: PRODID, VERSION, CALSCALE (RFC 5545 §3.7) and METHOD
    (RFC 5545 §3.7.2). The VTIMEZONE is built by
    :func:`bot.invitations.calendar.vtimezone.build_vtimezone` for the year of ``event.start``;
    ``tzid="UTC"`` is written as ``Etc/UTC`` so DTSTART/DTEND keep their TZID.
    Raises :class:`ValueError` for events that cannot form a valid iTIP message.
    """
    _check(event)
    try:
        zone = ZoneInfo(event.tzid)
    except (KeyError, ValueError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"unknown time zone {event.tzid!r}") from exc

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", event.method)
    tzid = _WRITTEN_TZID.get(event.tzid, event.tzid)
    calendar.add_component(build_vtimezone(tzid, event.start))
    calendar.add_component(_vevent(event, zone, tzid))
    ical: bytes = calendar.to_ical(sorted=False)
    return ical
