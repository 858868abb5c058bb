"""Recording the minutes: per item referat, beslutning, outcome and actions; attendance; next.

Typed outcomes and actions are parsed by bot/minutes_input.py; attendance lives in
minutes_attendance.py. After the minutes are approved every change is a correction: it is
logged (who, what, when) and the posted summary is updated (bot/usecases/corrections.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import (
    ActionItem,
    AgendaItem,
    Committee,
    Meeting,
    MeetingStatus,
    Person,
)
from bot.errors import ConflictError, InputError, NotFoundError
from bot.meetings.planning import get_meeting, resolve_meeting
from bot.meetings.timeplan import find_item
from bot.minutes.corrections import FieldChange, after_change
from bot.minutes.grammar import NewAction, action_line, parse_outcome
from bot.people.roster import find_person
from bot.ports import UnitOfWork
from bot.time.parse import format_datetime, parse_date
from bot.validation import optional_text


@dataclass(frozen=True)
class ItemMinutes:
    """What to record for one item; None leaves a field as it is."""

    referat: str | None = None
    beslutning: str | None = None
    outcome: str | None = None
    actions: tuple[NewAction, ...] | None = None


def recordable(meeting: Meeting, committee: Committee, now: datetime) -> None:
    """Minutes are written once the meeting has begun, and never for a cancelled one."""
    if meeting.committee_id != committee.id:
        raise NotFoundError(texts.UNKNOWN_MEETING.format(ref=meeting.id))
    if meeting.status == MeetingStatus.CANCELLED:
        raise ConflictError(texts.MINUTES_CANCELLED)
    if meeting.starts_at > now:
        when = format_datetime(meeting.starts_at, ZoneInfo(committee.timezone))
        raise ConflictError(texts.MINUTES_NOT_HELD.format(when=when))


def minutes_meeting(
    uow: UnitOfWork, committee: Committee, ref: str | None, now: datetime
) -> Meeting:
    """A meeting by number, or (without one) the latest meeting that has begun."""
    if ref and ref.strip():
        return resolve_meeting(uow, committee, ref, now)
    assert committee.id is not None
    held = [
        m
        for m in uow.meetings.for_committee(committee.id)
        if m.starts_at <= now and m.status != MeetingStatus.CANCELLED
    ]
    if not held:
        raise NotFoundError(texts.MINUTES_NO_HELD_MEETING)
    return held[-1]


def mark_held(meeting: Meeting) -> None:
    """A meeting with minutes has been held."""
    meeting.hold()


def record_item(
    uow: UnitOfWork,
    committee: Committee,
    meeting_id: int,
    ref: str,
    spec: ItemMinutes,
    *,
    actor: Person | None,
    now: datetime,
) -> AgendaItem:
    """Save one item's minutes; after approval it is a logged correction."""
    with uow:
        meeting = get_meeting(uow, meeting_id)
        recordable(meeting, committee, now)
        item = find_item(meeting, ref)
        changes = apply_item_minutes(uow, committee, meeting, item, spec, now=now)
        mark_held(meeting)
        after_change(uow, committee, meeting, changes, actor=actor, now=now)
        uow.commit()
        return item


def apply_item_minutes(
    uow: UnitOfWork,
    committee: Committee,
    meeting: Meeting,
    item: AgendaItem,
    spec: ItemMinutes,
    *,
    now: datetime,
) -> list[FieldChange]:
    """Set the item's fields (inside an open unit of work); returns what changed."""
    changes: list[FieldChange] = []
    if spec.referat is not None:
        new = optional_text(spec.referat, texts.MINUTES_FIELD_REFERAT, limit=50000)
        changes += _set(item, "referat", new)
    if spec.beslutning is not None:
        new = optional_text(spec.beslutning, texts.MINUTES_FIELD_BESLUTNING, limit=20000)
        changes += _set(item, "beslutning", new)
    if spec.outcome is not None:
        changes += _set(item, "outcome", parse_outcome(spec.outcome))
    if spec.actions is not None:
        changes += _replace_actions(uow, committee, meeting, item, spec.actions, now)
    return changes


def _set(item: AgendaItem, field: str, value: object) -> list[FieldChange]:
    old = getattr(item, field)
    if old == value:
        return []
    setattr(item, field, value)
    return [FieldChange(item, field, str(old or ""), str(value or ""))]


def _replace_actions(
    uow: UnitOfWork,
    committee: Committee,
    meeting: Meeting,
    item: AgendaItem,
    specs: Sequence[NewAction],
    now: datetime,
) -> list[FieldChange]:
    assert meeting.id is not None
    tz = ZoneInfo(committee.timezone)
    existing = [a for a in uow.actions.for_meeting(meeting.id) if a.item_id == item.id]
    wanted = [_build_action(uow, meeting.id, item, s, tz, now) for s in specs]
    old_text = "; ".join(action_line(a) for a in existing)
    kept: list[ActionItem] = []
    for action in wanted:
        match = next((a for a in existing if _same(a, action) and a not in kept), None)
        if match is not None:
            match.due = action.due
            kept.append(match)
        else:
            uow.actions.add(action)
            kept.append(action)
    for action in existing:
        if action not in kept:
            uow.delete(action)
    new_text = "; ".join(action_line(a) for a in kept)
    if old_text == new_text:
        return []
    return [FieldChange(item, "actions", old_text, new_text)]


def _same(a: ActionItem, b: ActionItem) -> bool:
    return (a.owner_id, a.owner_name, a.text) == (b.owner_id, b.owner_name, b.text)


def _build_action(
    uow: UnitOfWork, meeting_id: int, item: AgendaItem, spec: NewAction, tz: ZoneInfo, now: datetime
) -> ActionItem:
    owner: Person | None
    try:
        owner = find_person(uow, spec.owner)
    except (NotFoundError, InputError):
        owner = None
    due = parse_date(spec.due, tz=tz, now=now, allow_past=True) if spec.due.strip() else None
    return ActionItem(
        meeting_id=meeting_id,
        item_id=item.id,
        text=optional_text(spec.task, texts.FIELD_DESCRIPTION, limit=2000),
        owner_id=owner.id if owner else None,
        owner_name=owner.name if owner else spec.owner.strip()[:200],
        due=due,
    )


def set_next_meeting_note(
    uow: UnitOfWork,
    committee: Committee,
    meeting_id: int,
    note: str,
    *,
    actor: Person | None,
    now: datetime,
) -> Meeting:
    """'Næste møde afholdes 17. september kl. 15-17' under Eventuelt."""
    with uow:
        meeting = get_meeting(uow, meeting_id)
        recordable(meeting, committee, now)
        new = optional_text(note, texts.MINUTES_FIELD_NEXT, limit=500)
        changes = []
        if meeting.next_meeting_note != new:
            changes.append(FieldChange(None, "next_meeting_note", meeting.next_meeting_note, new))
            meeting.next_meeting_note = new
        after_change(uow, committee, meeting, changes, actor=actor, now=now)
        uow.commit()
        return meeting
