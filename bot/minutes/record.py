"""Loading one meeting's minutes with everything the summary and the documents show."""

from __future__ import annotations

from bot.domain import ActionItem, ActionStatus, Committee, Meeting
from bot.minutes.model import MinutesRecord, meeting_day
from bot.people.roster import roster
from bot.ports import UnitOfWork


def load_record(uow: UnitOfWork, committee: Committee, meeting: Meeting) -> MinutesRecord:
    """The meeting's minutes (inside an open unit of work)."""
    assert meeting.id is not None and committee.id is not None
    everyone = {p.id: p for p in uow.people.list() if p.id is not None}
    day = meeting_day(meeting, committee)
    return MinutesRecord(
        committee=committee,
        meeting=meeting,
        people=everyone,
        roster=roster(uow, committee, day),
        attendance=list(uow.attendance.for_meeting(meeting.id)),
        actions=list(uow.actions.for_meeting(meeting.id)),
        followups=open_followups(uow, committee, meeting),
        changes=list(uow.minutes_changes.for_meeting(meeting.id)),
    )


def open_followups(
    uow: UnitOfWork, committee: Committee, meeting: Meeting
) -> list[tuple[ActionItem, Meeting]]:
    """Open actions agreed at earlier meetings: the follow-up list on this meeting's agenda."""
    assert committee.id is not None
    found: list[tuple[ActionItem, Meeting]] = []
    sources: dict[int, Meeting | None] = {}
    for action in uow.actions.open_for_committee(committee.id):
        if action.status != ActionStatus.OPEN or action.meeting_id == meeting.id:
            continue
        if action.meeting_id not in sources:
            sources[action.meeting_id] = uow.meetings.get(action.meeting_id)
        source = sources[action.meeting_id]
        if source is not None and source.starts_at < meeting.starts_at:
            found.append((action, source))
    return found
