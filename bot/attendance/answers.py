"""Regrets and "I'm coming after all": registered once per request, confirmed, and told.

One transaction per request: the request id (Slack event id, action or trigger id) goes into
processed_events together with the attendance change and the outbox rows, so a retried
delivery of the same event changes nothing and sends nothing twice.

The secretary gets one new DM (or e-mail) per change, each with the meeting's whole list of
regrets so far: a running list that needs no editing of earlier messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.attendance.notices import secretary_notice
from bot.attendance.replies import Intent
from bot.domain import (
    LIVE,
    Attendance,
    AttendanceStatus,
    Committee,
    Delivery,
    Meeting,
    MeetingStatus,
    Person,
)
from bot.errors import ConflictError, KluError, NotFoundError, PermissionDeniedError
from bot.messaging.message import Address, Message, to_payload
from bot.messaging.message import text as paragraphs
from bot.messaging.outbox import EMAIL, SLACK, enqueue, payload_of
from bot.messaging.recipients import is_invited, is_member_on
from bot.ports import UnitOfWork
from bot.reminders.messages import meeting_when
from bot.reminders.planning import cancel_for_person, parse_reminder_key
from bot.reminders.settings import Kind
from bot.validation import is_id

# Hook called in the same transaction after a change (none by default). A regret changes
# nothing in the person's calendar copy: an update (a REQUEST) carrying PARTSTAT=DECLINED shows
# in Outlook as a changed meeting, since Outlook applies a recipient's own PARTSTAT only in a
# PUBLISH (MS-OXCICAL 2.1.3.1.1.20.2.3). The secretary is told; the member gets the answer.
CalendarHook = Callable[[UnitOfWork, Meeting, Person, datetime], None]


@dataclass(frozen=True)
class ReplyTo:
    """Where the confirmation goes in Slack: a channel, and the thread when there is one."""

    channel: str
    thread_ts: str | None = None


@dataclass(frozen=True)
class MailReplyTo:
    """Where the confirmation goes by e-mail: the sender, threaded under their message."""

    address: str
    name: str
    subject: str
    in_reply_to: str = ""


@dataclass(frozen=True)
class Answer:
    """The outcome of one request; `text` is the Danish answer (also enqueued when replying)."""

    text: str
    duplicate: bool = False
    changed: bool = False
    meeting_id: int | None = None
    status: AttendanceStatus | None = None
    refused: bool = False


def answer_reply(
    uow: UnitOfWork,
    *,
    request_id: str,
    person: Person,
    intent: Intent,
    reason: str = "",
    meeting_id: int | None,
    via: str,
    now: datetime,
    reply_to: ReplyTo | MailReplyTo | None,
    calendar_hook: CalendarHook | None = None,
) -> Answer:
    """Register regrets/attendance (or give the hint) for one request, exactly once.

    The request id is looked up first and recorded last, with the change: the reads come
    before the first write, so the transaction holds SQLite's write lock only briefly. Two
    runs of one request at once (a retry racing the first) cannot both commit: the second
    one's record of the id fails and everything it did is rolled back."""
    with uow:
        if uow.events.seen(request_id):
            return Answer("", duplicate=True)
        try:
            answer, meeting = _apply(uow, person, intent, reason, meeting_id, via, now, request_id)
        except KluError as exc:
            answer, meeting = Answer(exc.message, refused=True), None
        if answer.changed and meeting is not None and calendar_hook is not None:
            calendar_hook(uow, meeting, person, now)
        if isinstance(reply_to, MailReplyTo):
            text = texts.MAIL_REPLY_HINT if intent == Intent.UNKNOWN else answer.text
            _confirm_by_mail(uow, request_id, person, reply_to, text, answer.meeting_id, now)
        elif reply_to is not None:
            _confirm(uow, request_id, person, reply_to, answer.text, now)
        if not uow.events.first_time(request_id, now):
            return Answer("", duplicate=True)  # leaving the block rolls the rest back
        uow.commit()
    return answer


def _apply(
    uow: UnitOfWork,
    person: Person,
    intent: Intent,
    reason: str,
    meeting_id: int | None,
    via: str,
    now: datetime,
    request_id: str,
) -> tuple[Answer, Meeting | None]:
    if intent == Intent.UNKNOWN:
        return Answer(texts.REGRETS_HINT), None
    meeting, committee = _meeting(uow, person, meeting_id, now)
    assert meeting.id is not None and person.id is not None
    uow.meetings.lock_row(meeting.id)  # concurrent changes for one meeting wait for each other
    status = AttendanceStatus.REGRETS if intent == Intent.REGRETS else AttendanceStatus.ATTENDING
    reason = reason if status == AttendanceStatus.REGRETS else ""
    row = uow.attendance.get(meeting.id, person.id)
    previous = row.status if row else None
    changed = row is None or row.status != status or row.reason != reason
    if row is None:
        uow.attendance.add(Attendance(meeting.id, person.id, status, now, via=via, reason=reason))
    elif changed:
        row.status, row.reason, row.registered_at, row.via = status, reason, now, via
    if status == AttendanceStatus.REGRETS:
        cancel_for_person(uow, meeting.id, person.id, (Kind.AGENDA, Kind.DAY_BEFORE))
    if changed and AttendanceStatus.REGRETS in (status, previous):
        secretary_notice(uow, committee, meeting, person, status, reason, now, request_id)
    tz = ZoneInfo(committee.timezone)
    values = {"title": meeting.title, "when": meeting_when(meeting, tz)}
    if status == AttendanceStatus.REGRETS:
        shown = texts.REGRETS_REASON.format(reason=reason) if reason else ""
        text = texts.REGRETS_CONFIRMED.format(reason=shown, **values)
    elif previous == AttendanceStatus.REGRETS:
        text = texts.UNDO_CONFIRMED.format(**values)
    else:
        text = texts.ATTEND_CONFIRMED.format(**values)
    return Answer(text, changed=changed, meeting_id=meeting.id, status=status), meeting


def _meeting(
    uow: UnitOfWork, person: Person, meeting_id: int | None, now: datetime
) -> tuple[Meeting, Committee]:
    """The given meeting (checked), else the person's next meeting."""
    if meeting_id is None:
        return next_meeting_for(uow, person, now)
    meeting = uow.meetings.get(meeting_id)
    committee = uow.committees.get(meeting.committee_id) if meeting else None
    if meeting is None or committee is None or not _knows_of(uow, person, meeting):
        raise NotFoundError(texts.UNKNOWN_MEETING.format(ref=meeting_id))
    tz = ZoneInfo(committee.timezone)
    values = {"title": meeting.title, "when": meeting_when(meeting, tz)}
    if meeting.status == MeetingStatus.CANCELLED:
        raise ConflictError(texts.REGRETS_MEETING_CANCELLED.format(**values))
    if meeting.status not in LIVE or meeting.ends_at <= now:
        raise ConflictError(texts.REGRETS_MEETING_OVER.format(**values))
    if not is_invited(uow, committee, meeting, person):
        raise PermissionDeniedError(texts.REGRETS_NOT_INVITED.format(**values))
    return meeting, committee


def _knows_of(uow: UnitOfWork, person: Person, meeting: Meeting) -> bool:
    """Whether the person may hear of the meeting at all: a member of its committee (now or
    once) or a guest on its agenda. Anyone else is told it does not exist, not its title."""
    assert person.id is not None
    if any(m.committee_id == meeting.committee_id for m in uow.memberships.for_person(person.id)):
        return True
    return any(i.meeting_id == meeting.id for i in uow.meetings.items_with_guest(person.id))


def next_meeting_for(uow: UnitOfWork, person: Person, now: datetime) -> tuple[Meeting, Committee]:
    """The soonest live meeting, in any committee, that the person is a member or guest of."""
    assert person.id is not None
    found: list[tuple[Meeting, Committee]] = []
    guest_of = {i.meeting_id for i in uow.meetings.items_with_guest(person.id) if i.meeting_id}
    member_of = {m.committee_id for m in uow.memberships.for_person(person.id)}
    for committee in uow.committees.list():
        assert committee.id is not None
        if committee.id in member_of:
            meeting = _first_invited(uow, committee, person, now)
            if meeting is not None:
                found.append((meeting, committee))
    for meeting_id in guest_of:
        meeting = uow.meetings.get(meeting_id)
        if meeting is not None and meeting.status in LIVE and meeting.ends_at > now:
            owner = uow.committees.get(meeting.committee_id)
            if owner is not None:
                found.append((meeting, owner))
    if not found:
        raise NotFoundError(texts.REGRETS_NO_MEETING)
    return min(found, key=lambda pair: pair[0].starts_at)


def _first_invited(
    uow: UnitOfWork, committee: Committee, person: Person, now: datetime, batch: int = 5
) -> Meeting | None:
    """The committee's soonest live meeting the person is a member on the day of; reads a
    few meetings at a time, not all of them (the first one almost always answers)."""
    assert committee.id is not None
    seen = 0
    while True:
        meetings = uow.meetings.for_committee(
            committee.id, after=now, statuses=LIVE, limit=seen + batch, with_items=False
        )[seen:]  # the agenda is loaded only if it is used, and only for the one found
        for meeting in meetings:
            if is_member_on(uow, committee, person, meeting.starts_at.date()):
                return meeting
        if len(meetings) < batch:
            return None
        seen += batch
        batch *= 4


def _confirm(
    uow: UnitOfWork, request_id: str, person: Person, reply_to: ReplyTo, text: str, now: datetime
) -> None:
    _enqueue_reply(uow, request_id, reply_to, text, now)


def _confirm_by_mail(
    uow: UnitOfWork,
    request_id: str,
    person: Person,
    reply_to: MailReplyTo,
    text: str,
    meeting_id: int | None,
    now: datetime,
) -> None:
    """The one answer to an e-mail, as a reply to it (handlers/mail/smtp.py threads it and
    marks it Auto-Submitted, so the member's own auto-reply does not answer it)."""
    subject = reply_to.subject.strip()
    if subject and not subject.lower().startswith(("re:", "sv:", "aw:")):
        subject = texts.MAIL_REPLY_SUBJECT.format(subject=subject)
    payload: dict[str, object] = {
        "subject": subject or texts.MAIL_REPLY_SUBJECT_DEFAULT,
        "text": text,
        "to_name": reply_to.name or person.name,
        "in_reply_to": reply_to.in_reply_to,
        "auto_submitted": "auto-replied",
        "person_id": person.id,
    }
    if meeting_id is not None:
        payload["meeting_id"] = meeting_id
    enqueue(
        uow,
        key=f"reply:{request_id}",
        channel=EMAIL,
        kind="attendance_reply",
        recipient=reply_to.address,
        payload=payload,
        now=now,
    )


def _enqueue_reply(
    uow: UnitOfWork, request_id: str, reply_to: ReplyTo, text: str, now: datetime
) -> None:
    """The one answer to a request, in its thread; keyed by the request so it goes once."""
    address = Address.channel(reply_to.channel, reply_to.thread_ts)
    payload = to_payload(Message(address=address, paragraphs=paragraphs(text)))
    enqueue(
        uow,
        key=f"reply:{request_id}",
        channel=SLACK,
        kind="attendance_reply",
        recipient=reply_to.channel,
        payload=payload,
        now=now,
    )


def answer_only(
    uow: UnitOfWork, *, request_id: str, reply_to: ReplyTo, text: str, now: datetime
) -> bool:
    """Answer a request that changes nothing (e.g. an unlinked user), once; False if seen."""
    with uow:
        if not uow.events.first_time(request_id, now):
            return False
        _enqueue_reply(uow, request_id, reply_to, text, now)
        uow.commit()
    return True


def meeting_of_message(uow: UnitOfWork, channel: str, ts: str) -> tuple[int, int | None] | None:
    """(meeting id, person id) of the reminder or invitation DM that is the message channel|ts."""
    with uow:
        delivery = uow.reminders.delivery_for_message(channel, ts)
    if delivery is None:
        return None
    return about_delivery(delivery)


def about_delivery(delivery: Delivery) -> tuple[int, int | None] | None:
    """(meeting id, person id) a reminder, invitation or reply row was about: from its key
    (reminder:…, cal:<meeting>:<person>:…), else its payload's meeting_id/person_id."""
    parsed = parse_reminder_key(delivery.key)
    if parsed is not None:
        return parsed[1], parsed[2]
    parts = delivery.key.split(":")  # invitations: cal:<meeting>:<person>:<sequence>:dm
    if len(parts) >= 3 and parts[0] == "cal" and is_id(parts[1]):
        return int(parts[1]), int(parts[2]) if is_id(parts[2]) else None
    try:
        payload = payload_of(delivery)
    except (ValueError, AssertionError):
        return None
    meeting, person = payload.get("meeting_id"), payload.get("person_id")
    if isinstance(meeting, int) and not isinstance(meeting, bool):
        return meeting, person if isinstance(person, int) else None
    return None
