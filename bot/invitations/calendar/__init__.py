"""Calendar invitations sent by e-mail.

iCalendar objects (RFC 5545) with iTIP methods (RFC 5546), sent by iMIP (RFC 6047).

Pure builders: no database, no network. :func:`build_ics` makes the ``.ics`` bytes,
:func:`build_imip_message` wraps them in an e-mail, :func:`invitation_text` gives
the Danish subject and body from :mod:`bot.texts`.
"""

from __future__ import annotations

from bot.invitations.calendar.ics import CANCEL, PRODID, REQUEST, Attendee, CalendarEvent, build_ics
from bot.invitations.calendar.imip import build_imip_message, calendar_method, invitation_text
from bot.invitations.calendar.vtimezone import build_vtimezone

__all__ = [
    "CANCEL",
    "PRODID",
    "REQUEST",
    "Attendee",
    "CalendarEvent",
    "build_ics",
    "build_imip_message",
    "build_vtimezone",
    "calendar_method",
    "invitation_text",
]
