"""Who should hold which calendar event now, and who is affected by a change.

Members get the whole meeting under the meeting's UID; a guest gets one event spanning their
item slot(s) under a UID of their own. Comparing what each person should have with what they
last received (CalendarCopy) gives exactly the invitations, updates and cancellations to send.

What a copy says is compared, not only when and where: the compared signature (CalendarCopy.slots)
ends in a digest of SUMMARY and DESCRIPTION, so reordering, adding or removing an item, a new
duration or a new guest reaches every member whose copy carries the agenda. A regret changes
nothing in it: the member's copy stays as it is (see README, "Invitations").
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain import (
    CalendarCopy,
    Committee,
    Meeting,
    MeetingStatus,
    Person,
    Role,
)
from bot.invitations.content import guest_description, guest_summary, member_description
from bot.meetings.timeplan import Slot, time_plan
from bot.people.roster import roster
from bot.ports import UnitOfWork

REQUEST, UPDATE, CANCEL = "request", "update", "cancel"
MIN_SLOT = timedelta(minutes=15)  # for a guest whose items have no planned minutes


@dataclass(frozen=True)
class Wanted:
    """The event one person should have in their calendar now."""

    person: Person
    role: str
    guest: bool
    uid: str
    start: datetime
    end: datetime
    location: str
    slots: str
    summary: str
    description: str


@dataclass(frozen=True)
class CopyChange:
    """One person's invitation, update or cancellation, with the sequence it must carry."""

    person_id: int
    kind: str
    sequence: int
    wanted: Wanted | None
    copy: CalendarCopy | None


def guest_uid(meeting_uid: str, person_id: int) -> str:
    """A stable UID for a guest's slot: '<meeting uid>-guest-<person id>' before the '@'."""
    local, at, domain = meeting_uid.partition("@")
    return f"{local}-guest-{person_id}{at}{domain}"


def _signature(slots: Sequence[Slot]) -> str:
    return ";".join(f"{s.start.isoformat()}/{s.end.isoformat()}" for s in slots)


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:24]


def _plan_digest(
    meeting: Meeting, slots: Sequence[Slot], people: Mapping[int, Person], *, timed: bool = True
) -> str:
    """The agenda (and, timed, the time plan relative to the meeting's start) as the copy shows
    it: tells a changed agenda from a meeting that only moved. A guest's slot times are
    compared on their own, so their digest is untimed."""
    rows = [
        (
            s.number,
            s.item.title,
            (s.start - meeting.starts_at, s.end - s.start) if timed else None,
            s.item.presenter,
            [people[g.person_id].name for g in s.item.guests if g.person_id in people],
            s.item.sagsbeskrivelse,
            [(a.name, a.url) for a in s.item.attachments],
        )
        for s in slots
    ]
    return _digest(meeting.title, rows)


def content_mark(summary: str, description: str, plan: str) -> str:
    """The end of the compared signature: '#<digest of what the copy says>#<plan digest>'."""
    return f"#{_digest(summary, description)}#{plan}"


def marks(slots: str) -> tuple[str, str, str]:
    """A signature split into (slot times, content digest, plan digest); old copies have ''."""
    head, _, rest = slots.partition("#")
    content, _, plan = rest.partition("#")
    return head, content, plan


def _guest_slots(meeting: Meeting, members: set[int]) -> dict[int, list[Slot]]:
    found: dict[int, list[Slot]] = {}
    for slot in time_plan(meeting).slots:
        for guest in slot.item.guests:
            if guest.person_id not in members:
                found.setdefault(guest.person_id, []).append(slot)
    return found


def wanted_copies(
    uow: UnitOfWork, committee: Committee, meeting: Meeting, today: date
) -> dict[int, Wanted]:
    """Every person who should hold an event for this meeting, by person id."""
    entries = [e for e in roster(uow, committee, today) if e.role != Role.GUEST]
    members = {e.person.id for e in entries if e.person.id is not None}
    people: dict[int, Person] = {e.person.id: e.person for e in entries if e.person.id}
    guests = _guest_slots(meeting, members)
    for person_id in guests:
        person = uow.people.get(person_id)
        if person is not None:
            people[person_id] = person
    wanted: dict[int, Wanted] = {}
    assert meeting.id is not None
    plan = time_plan(meeting)
    description = member_description(committee, meeting, plan, people)
    agenda = _plan_digest(meeting, plan.slots, people)
    member_mark = content_mark(meeting.title, description, agenda)
    for entry in entries:
        assert entry.person.id is not None
        role = "CHAIR" if entry.role == Role.CHAIR else "REQ-PARTICIPANT"
        wanted[entry.person.id] = Wanted(
            entry.person,
            role,
            False,
            meeting.calendar_uid,
            meeting.starts_at,
            meeting.ends_at,
            meeting.place,
            member_mark,
            meeting.title,
            description,
        )
    for person_id, slots in guests.items():
        if person_id not in people:
            continue
        start, end = min(s.start for s in slots), max(s.end for s in slots)
        summary = guest_summary(meeting, slots)
        text = guest_description(committee, meeting, slots)
        wanted[person_id] = Wanted(
            people[person_id],
            "REQ-PARTICIPANT",
            True,
            guest_uid(meeting.calendar_uid, person_id),
            start,
            end if end > start else start + MIN_SLOT,
            meeting.place,
            _signature(slots)
            + content_mark(summary, text, _plan_digest(meeting, slots, people, timed=False)),
            summary,
            text,
        )
    return wanted


def _differs(copy: CalendarCopy, wanted: Wanted) -> bool:
    held = (copy.starts_at, copy.ends_at, copy.location, copy.slots)
    return copy.cancelled or held != (wanted.start, wanted.end, wanted.location, wanted.slots)


def changes(
    meeting: Meeting, copies: Sequence[CalendarCopy], wanted: Mapping[int, Wanted]
) -> list[CopyChange]:
    """Exactly the people whose copy would say something else, who are new, or who are gone."""
    if meeting.status == MeetingStatus.CANCELLED:
        wanted = {}
    held = {c.person_id: c for c in copies}
    found: list[CopyChange] = []
    for person_id, want in wanted.items():
        copy = held.get(person_id)
        if copy is None:
            found.append(CopyChange(person_id, REQUEST, 0, want, None))
        elif copy.uid != want.uid:
            # A guest who joined the committee, or a member now only an item's guest: the
            # event they hold is another event. Cancel it, then invite them to the new one
            # (the sequence goes on counting, so every delivery keeps a key of its own).
            step = 1
            if not copy.cancelled:
                found.append(CopyChange(person_id, CANCEL, copy.sequence + 1, None, copy))
                step = 2
            found.append(CopyChange(person_id, REQUEST, copy.sequence + step, want, copy))
        elif _differs(copy, want):
            found.append(CopyChange(person_id, UPDATE, copy.sequence + 1, want, copy))
    for copy in copies:
        if not copy.cancelled and copy.person_id not in wanted:
            found.append(CopyChange(copy.person_id, CANCEL, copy.sequence + 1, None, copy))
    return found
