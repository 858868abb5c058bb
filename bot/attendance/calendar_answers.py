"""A calendar answer (Accept, Tentative, Decline, a counter-proposal) as attendance.

The answer is matched by its UID — the meeting's, or a guest's slot — and the answering
ATTENDEE's address, case-insensitive; ORGANIZER is never needed. Decline registers regrets
(the comment is the reason), Accept registers "deltager", Tentative changes nothing. A
counter-proposal, or an answer from someone who was never sent this invitation (a forwarded
copy), goes to the secretary. Each answer is one request, so the same mail read twice
registers once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot import texts
from bot.attendance.answers import answer_reply
from bot.attendance.replies import Intent
from bot.domain import Committee, Meeting, Person
from bot.invitations.calendar.itip_reply import CalendarAnswer, PartStat
from bot.messaging.message import Message
from bot.messaging.message import text as paragraphs
from bot.messaging.outbox import EMAIL, enqueue
from bot.messaging.recipients import to_secretariat
from bot.ports import UnitOfWork


class Outcome(StrEnum):
    """What became of one calendar answer."""

    REGISTERED = "registered"  # regrets or attendance stored (or already so)
    IGNORED = "ignored"  # tentative, or nothing to do
    TO_SECRETARY = "to_secretary"  # a counter-proposal, or from someone not invited
    UNKNOWN = "unknown"  # no meeting of ours has this UID


@dataclass(frozen=True)
class Match:
    meeting: Meeting
    committee: Committee
    guest_id: int | None  # the guest whose slot the UID names


def _find(uow: UnitOfWork, uid: str) -> Match | None:
    uid = uid.strip().lower()
    for committee in uow.committees.list():
        assert committee.id is not None
        for meeting in uow.meetings.for_committee(committee.id, with_items=False):
            own = (meeting.calendar_uid or "").lower()
            if not own:
                continue
            if uid == own:
                return Match(meeting, committee, None)
            local, at, domain = own.partition("@")
            prefix, suffix = f"{local}-guest-", f"{at}{domain}"
            if uid.startswith(prefix) and uid.endswith(suffix):
                number = uid[len(prefix) : len(uid) - len(suffix)]
                if number.isdigit():
                    return Match(meeting, committee, int(number))
    return None


def _sent_to(uow: UnitOfWork, match: Match, person: Person) -> bool:
    """Whether this person was sent this UID (their own copy), so the answer is theirs."""
    assert match.meeting.id is not None
    if match.guest_id is not None and match.guest_id != person.id:
        return False
    return any(c.person_id == person.id for c in uow.calendar.copies(match.meeting.id))


def take_answer(
    uow: UnitOfWork, answer: CalendarAnswer, *, request_id: str, now: datetime
) -> Outcome:
    """Register one calendar answer, exactly once per request id."""
    with uow:
        match = _find(uow, answer.uid)
        person = uow.people.by_email(answer.attendee) if match else None
        invited = bool(match and person and _sent_to(uow, match, person))
    if match is None:
        return Outcome.UNKNOWN
    if answer.method == "COUNTER" or person is None or not invited:
        _tell_secretary(uow, match, answer, person, request_id, now)
        return Outcome.TO_SECRETARY
    if answer.partstat not in (PartStat.DECLINED, PartStat.ACCEPTED):
        return Outcome.IGNORED
    intent = Intent.REGRETS if answer.partstat == PartStat.DECLINED else Intent.ATTEND
    result = answer_reply(
        uow,
        request_id=request_id,
        person=person,
        intent=intent,
        reason=answer.comment[:500] if intent == Intent.REGRETS else "",
        meeting_id=match.meeting.id,
        via="kalender",
        now=now,
        reply_to=None,
    )
    if result.duplicate or result.refused:
        return Outcome.REGISTERED if result.duplicate else Outcome.TO_SECRETARY
    if result.changed and person.email:
        _confirm_by_mail(uow, person, person.email, match, result.text, request_id, now)
    return Outcome.REGISTERED


def _confirm_by_mail(
    uow: UnitOfWork,
    person: Person,
    address: str,
    match: Match,
    text: str,
    request_id: str,
    now: datetime,
) -> None:
    with uow:
        enqueue(
            uow,
            key=f"reply:{request_id}",
            channel=EMAIL,
            kind="attendance_reply",
            recipient=address,
            payload={
                "subject": texts.CALENDAR_ANSWER_SUBJECT.format(title=match.meeting.title),
                "text": text,
                "to_name": person.name,
            },
            now=now,
        )
        uow.commit()


def _tell_secretary(
    uow: UnitOfWork,
    match: Match,
    answer: CalendarAnswer,
    person: Person | None,
    request_id: str,
    now: datetime,
) -> None:
    who = person.name if person else answer.attendee
    if answer.method == "COUNTER":
        text = texts.CALENDAR_COUNTER_NOTICE.format(name=who, title=match.meeting.title)
    else:
        text = texts.CALENDAR_STRANGER_NOTICE.format(
            name=who, email=answer.attendee, title=match.meeting.title
        )
    if answer.comment:
        text += texts.CALENDAR_NOTICE_COMMENT.format(comment=answer.comment)
    tz = ZoneInfo(match.committee.timezone)
    with uow:
        if uow.events.seen(request_id):
            return
        route = to_secretariat(
            uow,
            match.committee,
            now.astimezone(tz).date(),
            chat=Message(paragraphs=paragraphs(text)),
            mail=Message(
                subject=texts.CALENDAR_NOTICE_SUBJECT.format(title=match.meeting.title),
                paragraphs=paragraphs(text),
            ),
        )
        if route is not None:
            enqueue(
                uow,
                key=f"calendar-notice:{request_id}",
                channel=route.channel,
                kind="calendar_notice",
                recipient=route.recipient,
                payload={**route.payload, "committee_id": match.committee.id},
                now=now,
            )
        if uow.events.first_time(request_id, now):
            uow.commit()
