"""Recording the minutes: per item referat, beslutning, outcome and actions; attendance; next.

After the minutes are approved every change is a correction: it is logged (who, what, when)
and the posted summary is updated (bot/usecases/corrections.py).
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
    Attendance,
    AttendanceStatus,
    Committee,
    Meeting,
    MeetingStatus,
    Outcome,
    Person,
)
from bot.errors import ConflictError, InputError, NotFoundError
from bot.ports import UnitOfWork
from bot.timeparse import format_datetime, parse_date
from bot.timeplan import find_item
from bot.usecases.corrections import Change, after_change
from bot.usecases.meetings import get_meeting, resolve_meeting
from bot.usecases.people import find_person
from bot.validation import optional_text

OUTCOME_WORDS = {
    "godkendt": Outcome.APPROVED,
    "droeftet": Outcome.DISCUSSED,
    "drøftet": Outcome.DISCUSSED,
    "taget_til_efterretning": Outcome.NOTED,
    "efterretning": Outcome.NOTED,
    "taget til efterretning": Outcome.NOTED,
    "udskudt": Outcome.POSTPONED,
    "udsat": Outcome.POSTPONED,
}


@dataclass(frozen=True)
class NewAction:
    """An agreed action as typed: owner (name or e-mail), task, due date (Danish or ISO)."""

    owner: str
    task: str
    due: str = ""


@dataclass(frozen=True)
class ItemMinutes:
    """What to record for one item; None leaves a field as it is."""

    referat: str | None = None
    beslutning: str | None = None
    outcome: str | None = None
    actions: tuple[NewAction, ...] | None = None


def parse_outcome(value: str | None) -> Outcome | None:
    """'udskudt', 'drøftet', 'Godkendt' … -> Outcome; '' -> None."""
    text = (value or "").strip().lower()
    if not text:
        return None
    if text in OUTCOME_WORDS:
        return OUTCOME_WORDS[text]
    raise InputError(texts.MINUTES_UNKNOWN_OUTCOME.format(value=value))


def parse_action(text: str) -> NewAction:
    """'Owner|task|due' (due optional) -> NewAction."""
    parts = [p.strip() for p in text.split("|")]
    if len(parts) not in (2, 3) or not parts[0]:
        raise InputError(texts.MINUTES_BAD_ACTION.format(value=text))
    if not parts[1]:
        raise InputError(texts.MINUTES_ACTION_TASK_EMPTY.format(value=text))
    return NewAction(owner=parts[0], task=parts[1], due=parts[2] if len(parts) == 3 else "")


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
    if meeting.status in (MeetingStatus.DRAFT, MeetingStatus.CALLED):
        meeting.status = MeetingStatus.HELD


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
) -> list[Change]:
    """Set the item's fields (inside an open unit of work); returns what changed."""
    changes: list[Change] = []
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


def _set(item: AgendaItem, field: str, value: object) -> list[Change]:
    old = getattr(item, field)
    if old == value:
        return []
    setattr(item, field, value)
    return [Change(item, field, str(old or ""), str(value or ""))]


def _replace_actions(
    uow: UnitOfWork,
    committee: Committee,
    meeting: Meeting,
    item: AgendaItem,
    specs: Sequence[NewAction],
    now: datetime,
) -> list[Change]:
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
    return [Change(item, "actions", old_text, new_text)]


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


def action_line(action: ActionItem) -> str:
    """'Owner|task|2026-09-01' — the same grammar the CLI and the modal accept."""
    due = action.due.isoformat() if action.due else ""
    return f"{action.owner_name}|{action.text}|{due}".rstrip("|")


def set_attendance(
    uow: UnitOfWork,
    committee: Committee,
    meeting_id: int,
    *,
    came: Sequence[str] = (),
    regrets: Sequence[str] = (),
    no_show: Sequence[str] = (),
    now: datetime,
) -> dict[AttendanceStatus, int]:
    """Record who came, who sent regrets and who did not show (people by e-mail or name)."""
    wanted: dict[int, AttendanceStatus] = {}
    names: dict[int, str] = {}
    with uow:
        meeting = get_meeting(uow, meeting_id)
        recordable(meeting, committee, now)
        for status, refs in (
            (AttendanceStatus.ATTENDING, came),
            (AttendanceStatus.REGRETS, regrets),
            (AttendanceStatus.NO_SHOW, no_show),
        ):
            for ref in refs:
                person = find_person(uow, ref)
                assert person.id is not None
                if person.id in wanted and wanted[person.id] != status:
                    statuses = f"{wanted[person.id].value}, {status.value}"
                    raise InputError(
                        texts.MINUTES_PERSON_TWICE.format(name=person.name, statuses=statuses)
                    )
                wanted[person.id], names[person.id] = status, person.name
        for person_id, status in wanted.items():
            row = uow.attendance.get(meeting_id, person_id)
            if row is None:
                uow.attendance.add(Attendance(meeting_id, person_id, status, now, via="referat"))
            elif row.status != status:
                row.status, row.registered_at, row.via = status, now, "referat"
        mark_held(meeting)
        uow.commit()
    counts = dict.fromkeys(AttendanceStatus, 0)
    for status in wanted.values():
        counts[status] += 1
    return counts


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
            changes.append(Change(None, "next_meeting_note", meeting.next_meeting_note, new))
            meeting.next_meeting_note = new
        after_change(uow, committee, meeting, changes, actor=actor, now=now)
        uow.commit()
        return meeting
