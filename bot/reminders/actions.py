"""Reminding the owner (tovholder) of an open action before its deadline, once per deadline."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import ActionItem, ActionStatus, Committee
from bot.messaging.message import Message
from bot.messaging.message import text as paragraphs
from bot.messaging.recipients import enqueue_routes, routes
from bot.ports import UnitOfWork
from bot.time.parse import format_date

LEAD = timedelta(days=3)
REMIND_AT = time(9, 0)


def remind_at(action: ActionItem, tz: ZoneInfo) -> datetime | None:
    """09:00 local, three days before the due date; None without a due date."""
    if action.due is None:
        return None
    return datetime.combine(action.due - LEAD, REMIND_AT, tzinfo=tz)


def plan_action_reminders(uow: UnitOfWork, now: datetime) -> int:
    """Enqueue due reminders for every committee (keyed per action and due date); commits."""
    count = 0
    with uow:
        for committee in uow.committees.list():
            count += _plan(uow, committee, now)
        uow.commit()
    return count


def _plan(uow: UnitOfWork, committee: Committee, now: datetime) -> int:
    assert committee.id is not None
    tz = ZoneInfo(committee.timezone)
    count = 0
    for action in uow.actions.open_for_committee(committee.id):
        at = remind_at(action, tz)
        if action.status != ActionStatus.OPEN or at is None or action.owner_id is None:
            continue
        assert action.due is not None
        if not at <= now < datetime.combine(action.due + timedelta(days=1), time(), tzinfo=tz):
            continue
        owner = uow.people.get(action.owner_id)
        meeting = uow.meetings.get(action.meeting_id)
        if owner is None or meeting is None:
            continue
        values = {
            "task": action.text,
            "date": format_date(meeting.starts_at.astimezone(tz).date()),
            "committee": committee.name,
            "due": format_date(action.due),
        }
        said = paragraphs(texts.ACTION_REMINDER.format(**values))
        subject = texts.ACTION_REMINDER_SUBJECT.format(**values)
        found = routes(
            owner, chat=Message(paragraphs=said), mail=Message(subject=subject, paragraphs=said)
        )
        base = f"action-reminder:{action.id}:{action.due.isoformat()}"
        count += enqueue_routes(uow, base, "action_reminder", found, now=now)
    return count
