"""The change marker that invitations follow: an edit of a called meeting is noted here, and
the calendar sync (bot/invitations) sends the update later."""

from __future__ import annotations

from datetime import datetime

from bot.domain import Meeting, MeetingStatus
from bot.ports import UnitOfWork


def note_change(uow: UnitOfWork, meeting: Meeting, now: datetime | None) -> None:
    """Record an edit of time, place or plan; a called meeting's invitations follow later."""
    if meeting.status == MeetingStatus.CALLED and meeting.id is not None:
        uow.calendar.mark_changed(meeting.id, now)
