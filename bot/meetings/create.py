"""Creating a meeting: a draft with default sections and the postponed items carried onto it."""

from __future__ import annotations

from datetime import datetime

from bot.domain import Committee, Meeting
from bot.meetings.carryover import carry_forward
from bot.meetings.planning import NewMeeting, build_meeting, check_no_overlap
from bot.ports import UnitOfWork


def create_meeting(
    uow: UnitOfWork, committee: Committee, spec: NewMeeting, *, now: datetime
) -> Meeting:
    """Create a draft meeting with sections 1 and 4 present by default."""
    meeting = build_meeting(committee, spec, now=now)
    with uow:
        check_no_overlap(uow, committee, meeting)
        uow.meetings.add(meeting)
        uow.flush()
        carry_postponed(uow, committee)
        uow.commit()
    return meeting


def carry_postponed(uow: UnitOfWork, committee: Committee) -> None:
    """Bring postponed items of approved minutes onto the new meeting (idempotent)."""
    carry_forward(uow, committee)
