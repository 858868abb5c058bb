"""The dagsorden that goes out with the calling, its updates and the agenda reminder.

A delivery names the document ({"kind": "dagsorden", "meeting_id": N}) in a message File
(bot.invitations.agenda_file) instead of carrying its bytes, as the approved referat does:
the way out renders the PDF when it sends (handlers/documents/source.py), in the outbox
worker or the clock, never inside a request. It shows the meeting as it stands when it is
sent, so a row queued for an older update that is delivered after a newer edit carries the
newer agenda; the newer update follows it anyway.

Only members get it: a guest's invitation and reminders name their own item(s) alone.
"""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import Committee, Meeting
from bot.time.parse import format_date

AGENDA = "dagsorden"  # the document kind; bot.minutes.model re-exports it beside MINUTES
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def agenda_reference(meeting: Meeting) -> dict[str, Any]:
    """What a delivery names: the meeting's dagsorden, rendered when it is sent."""
    assert meeting.id is not None
    return {"kind": AGENDA, "meeting_id": meeting.id}


def agenda_filename(committee: Committee, meeting: Meeting) -> str:
    """'Dagsorden KLU 2026-06-18.pdf': the committee's short name and the local meeting day."""
    day = meeting.starts_at.astimezone(ZoneInfo(committee.timezone)).date().isoformat()
    name = texts.AGENDA_PDF_FILENAME.format(
        committee=committee.short_name or committee.name, date=day
    )
    return " ".join(_UNSAFE.sub("-", name).split())


def agenda_title(committee: Committee, meeting: Meeting) -> str:
    """The file's title (in Slack): 'Dagsorden: <title>, 18. juni 2026'."""
    day = format_date(meeting.starts_at.astimezone(ZoneInfo(committee.timezone)).date())
    return texts.AGENDA_PDF_TITLE.format(title=meeting.title, date=day)
