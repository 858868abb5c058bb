"""For the secretary: when each reminder of a meeting is due and whether it went out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain import Committee, Meeting, MeetingStatus
from bot.people.committees import zone
from bot.ports import UnitOfWork
from bot.reminders.planning import TO_MEMBERS, due_time, settings_for, start_stamp
from bot.reminders.settings import Kind


@dataclass(frozen=True)
class Planned:
    """One kind's due time for a meeting and where it stands."""

    kind: Kind
    due: datetime
    state: str  # off, sent, queued, planned, skipped, uncalled


def schedule(
    uow: UnitOfWork, committee: Committee, meeting: Meeting, now: datetime
) -> list[Planned]:
    """The meeting's reminders: when each is due and whether it went out (for the secretary)."""
    assert committee.id is not None
    tz = zone(committee)
    settings = settings_for(uow, committee.id)
    stamp = start_stamp(meeting)
    found = []
    for kind in Kind:
        setting = settings[kind]
        prefix = f"reminder:{kind.value}:{meeting.id}:"
        rows = [k for k in uow.reminders.keys(prefix) if k.endswith(stamp)]
        queued = [k for k in uow.reminders.keys(prefix, pending_only=True) if k.endswith(stamp)]
        due = due_time(meeting, setting, tz)
        if not setting.enabled:
            state = "off"
        elif queued:
            state = "queued"
        elif rows:
            state = "sent"
        elif kind in TO_MEMBERS and meeting.status == MeetingStatus.DRAFT:
            state = "uncalled"
        elif now < due:
            state = "planned"
        else:
            state = "skipped"
        found.append(Planned(kind, due, state))
    return found
