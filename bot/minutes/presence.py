"""Who came, who sent regrets and who did not show (ej mødt), as the minutes record it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot import texts
from bot.domain import Attendance, AttendanceStatus, Committee, Person
from bot.errors import InputError, NotFoundError
from bot.meetings.planning import get_meeting
from bot.minutes.corrections import FieldChange, after_change
from bot.minutes.recording import mark_held, recordable
from bot.people.roster import find_person
from bot.ports import UnitOfWork
from bot.validation import is_id


def set_attendance(
    uow: UnitOfWork,
    committee: Committee,
    meeting_id: int,
    *,
    came: Sequence[str] = (),
    regrets: Sequence[str] = (),
    no_show: Sequence[str] = (),
    now: datetime,
    replace: bool = False,
    actor: Person | None = None,
) -> dict[AttendanceStatus, int]:
    """Record who came, sent regrets or did not show (people by e-mail, name or '#id').

    With replace, everyone recorded before but named in no list goes back to 'inviteret'.
    """
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
                person = _person(uow, ref)
                assert person.id is not None
                if person.id in wanted and wanted[person.id] != status:
                    statuses = f"{wanted[person.id].value}, {status.value}"
                    raise InputError(
                        texts.MINUTES_PERSON_TWICE.format(name=person.name, statuses=statuses)
                    )
                wanted[person.id], names[person.id] = status, person.name
        before = _summary(uow, meeting_id)
        for person_id, status in wanted.items():
            row = uow.attendance.get(meeting_id, person_id)
            if row is None:
                uow.attendance.add(Attendance(meeting_id, person_id, status, now, via="referat"))
            elif row.status != status:
                row.status, row.registered_at, row.via = status, now, "referat"
        if replace:
            for row in uow.attendance.for_meeting(meeting_id):
                if row.person_id not in wanted and row.status != AttendanceStatus.INVITED:
                    row.status, row.registered_at, row.via = (
                        AttendanceStatus.INVITED,
                        now,
                        "referat",
                    )
        mark_held(meeting)
        uow.flush()
        after = _summary(uow, meeting_id)
        if after != before:
            after_change(uow, committee, meeting, [FieldChange(None, "attendance", before, after)],
                         actor=actor, now=now)  # fmt: skip
        uow.commit()
    counts = dict.fromkeys(AttendanceStatus, 0)
    for status in wanted.values():
        counts[status] += 1
    return counts


def _person(uow: UnitOfWork, ref: str) -> Person:
    text = ref.strip()
    if text.startswith("#") and is_id(text[1:]):
        person = uow.people.get(int(text[1:]))
        if person is None:
            raise NotFoundError(texts.UNKNOWN_PERSON.format(ref=ref))
        return person
    return find_person(uow, text)


def _summary(uow: UnitOfWork, meeting_id: int) -> str:
    """'afbud: 3, 7; ej_moedt: 9' — what the corrections log keeps of attendance."""
    rows = sorted(uow.attendance.for_meeting(meeting_id), key=lambda r: (r.status, r.person_id))
    groups: dict[str, list[str]] = {}
    for row in rows:
        if row.status != AttendanceStatus.INVITED:
            groups.setdefault(row.status.value, []).append(f"#{row.person_id}")
    return "; ".join(f"{k}: {', '.join(v)}" for k, v in groups.items())
