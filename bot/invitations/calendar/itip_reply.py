"""Calendar answers as mail clients send them: iTIP REPLY and COUNTER (RFC 5546, RFC 6047).

`calendar_parts` finds the calendar objects in a received e-mail (text/calendar, or an .ics
attachment as application/ics); `parse_answers` reads each VEVENT's UID, the answering
ATTENDEE (its address case-insensitive, MAILTO: in any case), PARTSTAT and the comment — the
COMMENT property (Outlook, Apple) or Google's X-RESPONSE-COMMENT parameter. ORGANIZER is never
required: Outlook often leaves it out of a reply. A `CalendarReply` is all of one received
e-mail at once (its answers, subject and own words: Outlook and Outlook on the web put the
comment typed with a Decline in the text, not in the calendar part).
"""

from __future__ import annotations

import email.message
import re
from dataclasses import dataclass
from enum import StrEnum

from icalendar import Calendar

_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class PartStat(StrEnum):
    """What the attendee answered."""

    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    TENTATIVE = "TENTATIVE"
    DELEGATED = "DELEGATED"
    OTHER = "OTHER"


REPLY = "REPLY"
ANSWER_METHODS = frozenset({REPLY, "COUNTER", "DECLINECOUNTER", "REFRESH"})
"""iTIP methods (RFC 5546 §1.4) an attendee's client may send back. Only REPLY can change
attendance; the others are for the secretary (a counter-proposal, a request for the latest
copy, an organiser's refusal of a counter that reached the bot)."""


@dataclass(frozen=True)
class CalendarAnswer:
    """One attendee's answer to one event."""

    method: str  # one of ANSWER_METHODS (anything else is not an answer)
    uid: str
    attendee: str  # e-mail address, lower case
    partstat: PartStat
    comment: str
    sequence: int
    delegated_to: str = ""  # DELEGATED-TO (RFC 5545 §3.2.5), lower case, when delegated
    product: str = ""  # the sender's PRODID (RFC 5545 §3.7.3), e.g. "Microsoft Exchange…"

    @property
    def from_outlook(self) -> bool:
        """Outlook/Exchange, which puts a typed comment in the e-mail's text, not COMMENT."""
        return "microsoft" in self.product.lower()


@dataclass(frozen=True)
class CalendarReply:
    """One received e-mail as calendar answers: what `take_reply` takes, whatever way it came
    in (handlers.mail.incoming reads it from MIME)."""

    answers: tuple[CalendarAnswer, ...]
    subject: str = ""
    text: str = ""  # the mail's own words (quoted text and signature left out)


def calendar_parts(message: email.message.Message) -> list[bytes]:
    """The calendar objects in a message: text/calendar parts and .ics attachments."""
    found: list[bytes] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        name = (part.get_filename() or "").lower()
        if kind in ("text/calendar", "application/ics") or name.endswith(".ics"):
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and b"BEGIN:VCALENDAR" in payload.upper():
                found.append(payload)
    return found


def _address(value: object) -> str:
    return _MAILTO.sub("", str(value or "")).strip().lower()


def _clean(text: str) -> str:
    return " ".join(_CONTROL.sub(" ", text).split())


def _param(prop: object, name: str) -> str:
    params = getattr(prop, "params", {}) or {}
    value = params.get(name) or params.get(name.lower()) or ""
    return str(value)


def parse_answers(data: bytes) -> list[CalendarAnswer]:
    """Every answer in one calendar object; [] for anything that is not an answer method or
    cannot be read (a broken attachment is not an answer)."""
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError):
        return []
    method = str(calendar.get("method") or "").strip().upper()
    product = _clean(str(calendar.get("prodid") or ""))
    if method not in ANSWER_METHODS:
        return []
    answers: list[CalendarAnswer] = []
    for event in calendar.walk("VEVENT"):
        uid = _clean(str(event.get("uid") or ""))
        if not uid:
            continue
        attendees = event.get("attendee")
        if attendees is None:
            continue
        if not isinstance(attendees, list):
            attendees = [attendees]
        comments = event.get("comment") or []  # COMMENT may appear more than once
        comments = comments if isinstance(comments, list) else [comments]
        comment = _clean(" ".join(str(c) for c in comments))
        try:
            sequence = int(str(event.get("sequence") or 0))
        except ValueError:
            sequence = 0
        for attendee in attendees:
            address = _address(attendee)
            if "@" not in address:
                continue
            raw = _param(attendee, "PARTSTAT").upper()
            partstat = PartStat(raw) if raw in PartStat.__members__ else PartStat.OTHER
            said = comment or _clean(_param(attendee, "X-RESPONSE-COMMENT"))
            delegate = _address(_param(attendee, "DELEGATED-TO"))
            answers.append(
                CalendarAnswer(method, uid, address, partstat, said, sequence, delegate, product)
            )
    return answers
