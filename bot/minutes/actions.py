"""Agreed actions after the meeting: the open list, the follow-up on the next agenda, done."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import ActionItem, Committee, Meeting
from bot.errors import NotFoundError
from bot.minutes.model import followup_line
from bot.minutes.record import open_followups
from bot.ports import UnitOfWork


def followup_lines(uow: UnitOfWork, committee: Committee, meeting: Meeting) -> list[str]:
    """The open actions from earlier meetings, as the agenda lists them (inside a uow)."""
    tz = ZoneInfo(committee.timezone)
    return [followup_line(a, src, tz) for a, src in open_followups(uow, committee, meeting)]


def open_actions(uow: UnitOfWork, committee: Committee) -> list[tuple[ActionItem, Meeting]]:
    """Every open action of the committee with the meeting that agreed it, by due date."""
    assert committee.id is not None
    found = []
    for action in uow.actions.open_for_committee(committee.id):
        meeting = uow.meetings.get(action.meeting_id)
        if meeting is not None:
            found.append((action, meeting))
    return found


def complete_action(uow: UnitOfWork, committee: Committee, action_id: int) -> ActionItem:
    """Mark an action done: it leaves the follow-up list and gets no more reminders."""
    with uow:
        for action, _ in open_actions(uow, committee):
            if action.id == action_id:
                action.complete()
                uow.commit()
                return action
    raise NotFoundError(texts.MINUTES_UNKNOWN_ACTION.format(ref=action_id))
