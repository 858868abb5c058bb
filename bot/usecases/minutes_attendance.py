"""Who came, who sent regrets and who did not show (ej mødt), as the minutes record it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot import texts
from bot.domain import Attendance, AttendanceStatus, Committee
from bot.errors import InputError
from bot.ports import UnitOfWork
from bot.usecases.meetings import get_meeting
from bot.usecases.minutes import mark_held, recordable
from bot.usecases.people import find_person


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
