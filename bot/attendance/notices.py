"""The secretary's running list of regrets: one message per change, with the whole list."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import AttendanceStatus, Committee, Meeting, Person
from bot.messaging.message import Message, text
from bot.messaging.outbox import enqueue
from bot.messaging.recipients import regrets, to_secretariat
from bot.ports import UnitOfWork
from bot.reminders.messages import meeting_date, name_and_org


def regrets_list(uow: UnitOfWork, meeting: Meeting) -> list[str]:
    """'Afbud indtil nu (2):' and one line per person, in the order they sent them."""
    assert meeting.id is not None
    absent = regrets(uow, meeting.id)
    if not absent:
        return [texts.SECRETARY_REGRETS_NONE]
    lines = [texts.SECRETARY_REGRETS_LIST.format(count=len(absent))]
    for person_id, reason in absent.items():
        person = uow.people.get(person_id)
        if person is None:
            continue
        shown = texts.SECRETARY_REASON.format(reason=reason) if reason else ""
        lines.append(texts.SECRETARY_REGRETS_LINE.format(name=name_and_org(person), reason=shown))
    return lines


def _text(
    uow: UnitOfWork,
    meeting: Meeting,
    person: Person,
    status: AttendanceStatus,
    reason: str,
    tz: ZoneInfo,
) -> str:
    values = {
        "title": meeting.title,
        "date": meeting_date(meeting, tz),
        "name": name_and_org(person),
    }
    if status == AttendanceStatus.REGRETS:
        shown = texts.SECRETARY_REASON.format(reason=reason) if reason else ""
        head = texts.SECRETARY_REGRETS.format(reason=shown, **values)
    else:
        head = texts.SECRETARY_ATTEND_AGAIN.format(**values)
    return "\n".join([head, "", *regrets_list(uow, meeting)])


def secretary_notice(
    uow: UnitOfWork,
    committee: Committee,
    meeting: Meeting,
    person: Person,
    status: AttendanceStatus,
    reason: str,
    now: datetime,
    request_id: str,
) -> None:
    """Tell the secretary about one change (after it is flushed, so the list includes it)."""
    uow.flush()
    tz = ZoneInfo(committee.timezone)
    subject = texts.SECRETARY_REGRETS_SUBJECT.format(
        title=meeting.title, date=meeting_date(meeting, tz)
    )
    said = text(_text(uow, meeting, person, status, reason, tz))
    route = to_secretariat(
        uow,
        committee,
        now.astimezone(tz).date(),
        chat=Message(paragraphs=said),
        mail=Message(subject=subject, paragraphs=said),
    )
    if route is None:
        return
    enqueue(
        uow,
        key=f"regrets-notice:{meeting.id}:{request_id}",
        channel=route.channel,
        kind="regrets_notice",
        recipient=route.recipient,
        payload={**route.payload, "committee_id": committee.id},
        now=now,
    )
