"""iMIP e-mail messages carrying an iTIP calendar object (RFC 6047).

Layout (the one Outlook/Exchange, Gmail and Apple Mail all recognise)::

    multipart/mixed
    ├── multipart/alternative
    │   ├── text/plain; charset="utf-8"                      the Danish text
    │   └── text/calendar; method=REQUEST; charset="UTF-8"   RFC 6047 §2.4
    └── application/ics; name="invitation.ics"           attachment, same bytes

Both calendar parts are base64-encoded so the CRLF line breaks and the folding of
the iCalendar object survive any mail relay byte for byte (RFC 6047 §2.5 allows
any transfer encoding). The attachment carries Content-Disposition (RFC 6047 §2.6).
:data:`email.policy.SMTP` gives CRLF line ends.

Non-ASCII header text (æøå in the subject and display names) is written as
RFC 2047 "B" encoded-words by :class:`_EncodedHeader`, not by the ``email``
package: CPython's header folder (seen with 3.11) can drop the space between two
encoded-words when it folds a long subject ("Udvalg,søndag"; python/cpython#144156
is a sibling bug). Line breaks in a value cannot leak into the header block:
they end up inside base64, and addresses are validated by :class:`Address`.
"""

from __future__ import annotations

import base64
import email.policy
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import Policy
from email.utils import format_datetime, make_msgid
from zoneinfo import ZoneInfo

from bot import texts
from bot.invitations.calendar.ics import CANCEL, REQUEST, CalendarEvent

__all__ = ["build_imip_message", "calendar_method", "invitation_text"]

_SUBJECT_OCTETS = 39
"""UTF-8 octets per encoded-word in Subject: ``=?utf-8?b?`` + 52 base64 characters +
``?=`` is 64 characters, so ``Subject: `` plus one word stays within 78 (RFC 5322 §2.1.1)."""
_NAME_OCTETS = 45
"""UTF-8 octets per encoded-word in a display name: 72 characters, within the 75 of
RFC 2047 §2. Most names fit in one word, which matters because some decoders
(CPython's address parser among them) wrongly keep the white space between
adjacent encoded-words in a phrase instead of dropping it (RFC 2047 §6.2)."""
_LINE = 78
"""Preferred maximum header line length (RFC 5322 §2.1.1)."""
_FOLD = re.compile(rb"\r\n[ \t]")
_METHOD_LINE = re.compile(rb"^METHOD:([A-Za-z-]+)\r?$", re.MULTILINE)


def calendar_method(ics: bytes) -> str:
    """The METHOD property (RFC 5546 §1.4) of an iCalendar object, upper-cased."""
    unfolded = _FOLD.sub(b"", ics)  # RFC 5545 §3.1 unfolding
    found = _METHOD_LINE.findall(unfolded)
    if len(found) != 1:
        raise ValueError("the calendar must contain exactly one METHOD property")
    method: bytes = found[0]
    return method.decode("ascii").upper()


def _encoded_words(text: str, octets: int) -> list[str]:
    """RFC 2047 §4.1 "B" encoded-words of at most ``octets`` UTF-8 octets each.

    A UTF-8 sequence is never split across words (RFC 2047 §5).
    """
    chunks: list[bytes] = []
    chunk = b""
    for char in text:
        data = char.encode("utf-8")
        if chunk and len(chunk) + len(data) > octets:
            chunks.append(chunk)
            chunk = b""
        chunk += data
    if chunk:
        chunks.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(c).decode('ascii')}?=" for c in chunks]


class _EncodedHeader(str):
    """A header the ``email`` generator writes exactly as we encoded and folded it.

    The ``str`` value is the readable form (what ``message["Subject"]`` returns and
    what :mod:`smtplib` reads addresses from); :meth:`fold` gives the wire form:
    encoded-words separated by folding white space, which decoders drop between
    adjacent encoded-words (RFC 2047 §6.2), so every space lives inside a word.
    The ``name``/``fold`` pair is the protocol of :mod:`email.headerregistry`.
    """

    name: str
    _parts: tuple[str, ...]

    def __new__(cls, name: str, readable: str, parts: list[str]) -> _EncodedHeader:
        header = super().__new__(cls, readable)
        header.name = name
        header._parts = tuple(parts)
        return header

    def fold(self, *, policy: Policy) -> str:
        """``Name: part part`` with a fold wherever a line would pass 78 characters."""
        lines = [f"{self.name}:"]
        for part in self._parts:
            if len(lines[-1]) + 1 + len(part) <= _LINE:
                lines[-1] += f" {part}"
            else:
                lines.append(f" {part}")
        return policy.linesep.join(lines) + policy.linesep


_BREAKS = re.compile(r"[\s\x00-\x1f\x7f]+")


def _one_line(value: str) -> str:
    """Line breaks, control characters and runs of white space as one space: a header value
    stays one header (RFC 5322 §2.2), and a decoded encoded-word holds no line break."""
    return _BREAKS.sub(" ", value).strip()


def _unstructured(name: str, value: str) -> str:
    """Subject-like header (RFC 5322 §3.6.5), encoded if it is not plain ASCII."""
    value = _one_line(value)
    if value.isascii():
        return value
    return _EncodedHeader(name, value, _encoded_words(value, _SUBJECT_OCTETS))


def _mailbox(name: str, display_name: str, addr_spec: str) -> Address | str:
    """From/To mailbox (RFC 5322 §3.4); a non-ASCII display name as encoded-words."""
    display_name = _one_line(display_name)
    address = Address(display_name=display_name, addr_spec=addr_spec)
    if display_name.isascii():
        return address
    words = _encoded_words(display_name, _NAME_OCTETS)
    return _EncodedHeader(name, str(address), [*words, f"<{addr_spec}>"])


def build_imip_message(
    *,
    sender: str,
    sender_name: str,
    recipient: str,
    recipient_name: str,
    subject: str,
    text: str,
    ics: bytes,
    method: str,
    filename: str = "invitation.ics",
    message_id_domain: str = "klu-bot.local",
    date: datetime | None = None,
) -> EmailMessage:
    """An iMIP message (RFC 6047 §2) for one recipient.

    ``method`` goes into the ``method`` parameter of the text/calendar part and
    must equal the calendar's METHOD property (RFC 6047 §2.4); a mismatch raises
    :class:`ValueError`. ``date`` defaults to now; pass it for reproducible output.
    Headers: From/To with display names, Subject, Date, Message-ID, MIME-Version
    (RFC 6047 §2.3 refers addresses to RFC 5322).
    """
    method = method.upper()
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"method must be REQUEST or CANCEL, not {method!r}")
    inside = calendar_method(ics)
    if inside != method:
        raise ValueError(f"method {method} does not match METHOD:{inside} in the calendar")
    moment = date if date is not None else datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("date must be timezone-aware")

    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = _mailbox("From", sender_name, sender)
    message["To"] = _mailbox("To", recipient_name, recipient)
    message["Subject"] = _unstructured("Subject", subject)
    message["Date"] = format_datetime(moment)
    message["Message-ID"] = make_msgid(domain=message_id_domain)
    message["MIME-Version"] = "1.0"

    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(
        ics,
        maintype="text",
        subtype="calendar",
        cte="base64",
        params={"method": method, "charset": "UTF-8"},
    )
    message.add_attachment(
        ics,
        maintype="application",
        subtype="ics",
        cte="base64",
        filename=filename,
        params={"name": filename},
    )
    for part in message.iter_parts():  # EmailMessage.set_content adds it to sub-parts too
        for sub_part in (part, *part.iter_parts()):
            del sub_part["MIME-Version"]
    return message


def _clock(moment: datetime) -> str:
    return texts.TIME_FORMAT_CLOCK.format(hour=moment.hour, minute=moment.minute)


def invitation_text(
    event: CalendarEvent, recipient_name: str, changes: Sequence[str] = ()
) -> tuple[str, str]:
    """Danish subject and plain-text body (from :mod:`bot.texts`) for ``event``.

    REQUEST with SEQUENCE 0 is an invitation, a higher SEQUENCE an update
    (RFC 5546 §2.1.4), and CANCEL a cancellation (RFC 5546 §3.2.5). An update's body
    lists ``changes``: what is different from the copy the recipient holds.
    """
    zone = ZoneInfo(event.tzid)
    start = event.start.astimezone(zone)
    end = event.end.astimezone(zone)
    when = texts.CALENDAR_WHEN.format(
        weekday=texts.CALENDAR_WEEKDAYS[start.weekday()],
        day=start.day,
        month=texts.CALENDAR_MONTHS[start.month - 1],
        year=start.year,
        start=_clock(start),
        end=_clock(end),
    )
    if event.method == CANCEL:
        subject_template, body_template = texts.CALENDAR_SUBJECT_CANCEL, texts.CALENDAR_BODY_CANCEL
    elif event.sequence > 0:
        subject_template, body_template = texts.CALENDAR_SUBJECT_UPDATE, texts.CALENDAR_BODY_UPDATE
    else:
        subject_template, body_template = (
            texts.CALENDAR_SUBJECT_REQUEST,
            texts.CALENDAR_BODY_REQUEST,
        )
    fields = {
        "name": recipient_name,
        "summary": event.summary,
        "when": when,
        "location": event.location,
        "description": event.description,
        "organizer": event.organizer_name,
        "changes": "\n".join(changes) or texts.INVITE_CHANGE_DETAILS,
    }
    return subject_template.format(**fields), body_template.format(**fields)
