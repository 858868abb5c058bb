"""A calendar answer (Accept, Tentative, Decline, a counter-proposal) as attendance.

The answer is matched by its UID — the meeting's, or a guest's slot — and the answering
ATTENDEE's address (or, failing that, the sender's), case-insensitive; ORGANIZER is never
needed. Decline registers regrets (the comment is the reason: COMMENT, Google's
X-RESPONSE-COMMENT, or the text of an Outlook mail), Accept registers "deltager", Tentative
changes nothing and the person is told so. A counter-proposal (or any other method than
REPLY), a delegation, or an answer from someone who was never sent this invitation (a
forwarded copy) goes to the secretary. Each answer is one request, so the same mail read
twice registers once. `take_reply` is the entry point for a whole received e-mail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot import texts
from bot.attendance.answers import answer_reply
from bot.attendance.replies import Intent, clean_reason, normalise, parse_reply
from bot.domain import Committee, Meeting, Person
from bot.invitations.calendar.itip_reply import REPLY, CalendarAnswer, CalendarReply, PartStat
from bot.messaging.message import Message, to_payload
from bot.messaging.message import text as paragraphs
from bot.messaging.outbox import EMAIL, enqueue
from bot.messaging.recipients import to_secretariat
from bot.ports import UnitOfWork
from bot.reminders.messages import meeting_when
from bot.validation import is_id


class AnswerOutcome(StrEnum):
    """What became of one calendar answer."""

    REGISTERED = "registered"  # regrets or attendance stored (or already so)
    NOTED = "noted"  # tentative: nothing changes, the person is told so
    REFUSED = "refused"  # the meeting is over or cancelled: the person is told why
    IGNORED = "ignored"  # nothing to do (NEEDS-ACTION and the like)
    TO_SECRETARY = "to_secretary"  # not a REPLY, delegated, or from someone not sent it
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
                if is_id(number):
                    return Match(meeting, committee, int(number))
    return None


def _sent_to(uow: UnitOfWork, match: Match, person: Person) -> bool:
    """Whether this person was sent this UID (their own copy), so the answer is theirs."""
    assert match.meeting.id is not None
    if match.guest_id is not None and match.guest_id != person.id:
        return False
    return any(c.person_id == person.id for c in uow.calendar.copies(match.meeting.id))


def _answerer(uow: UnitOfWork, match: Match, attendee: str, sender: str) -> Person | None:
    """Whose answer this is: the ATTENDEE's, when they were sent this copy; else the sender's,
    when *they* were (Outlook.com answers as ``outlook_…@outlook.com`` for accounts on another
    address, and some clients answer with an alias); else nobody's (a forwarded copy)."""
    for address in dict.fromkeys(a.strip().lower() for a in (attendee, sender)):
        person = uow.people.by_email(address) if "@" in address else None
        if person is not None and _sent_to(uow, match, person):
            return person
    return None


def take_reply(
    uow: UnitOfWork, reply: CalendarReply, *, sender: str, request_id: str, now: datetime
) -> list[AnswerOutcome]:
    """Register every answer in one received e-mail, exactly once: the entry point for any way
    in (the IMAP reader, a test). `sender` is the e-mail's From address; `request_id` names the
    e-mail for good (the inbox key); its n-th answer (from 0) is ``<request_id>:cal<n>``. One
    outcome per answer, in order."""
    return [
        take_answer(
            uow,
            answer,
            sender=sender,
            request_id=f"{request_id}:cal{n}",
            now=now,
            text=reply.text,
            subject=reply.subject,
        )
        for n, answer in enumerate(reply.answers)
    ]


def take_answer(
    uow: UnitOfWork,
    answer: CalendarAnswer,
    *,
    request_id: str,
    now: datetime,
    sender: str = "",
    text: str = "",
    subject: str = "",
) -> AnswerOutcome:
    """Register one calendar answer, exactly once per request id. `text` is the e-mail's own
    words: an Outlook Decline's comment when the calendar part carries none."""
    with uow:
        match = _find(uow, answer.uid)
        person = _answerer(uow, match, answer.attendee, sender) if match else None
    if match is None:
        return AnswerOutcome.UNKNOWN
    notice = _Notice(match, answer, person, sender, subject)
    if answer.method != REPLY or person is None or answer.partstat == PartStat.DELEGATED:
        _tell_secretary(uow, notice, request_id, now)
        return AnswerOutcome.TO_SECRETARY
    if answer.partstat == PartStat.TENTATIVE:
        return _note_tentative(uow, person, match, request_id, now)
    if answer.partstat not in (PartStat.DECLINED, PartStat.ACCEPTED):
        return AnswerOutcome.IGNORED
    intent = Intent.REGRETS if answer.partstat == PartStat.DECLINED else Intent.ATTEND
    comment = said_with(answer.comment or (text if answer.from_outlook else ""))
    result = answer_reply(
        uow,
        request_id=request_id,
        person=person,
        intent=intent,
        reason=comment[:500] if intent == Intent.REGRETS else "",
        meeting_id=match.meeting.id,
        via="kalender",
        now=now,
        reply_to=None,
    )
    if result.duplicate:
        return AnswerOutcome.REGISTERED
    if result.refused:  # the meeting is over or cancelled: the person hears why
        if person.email:
            _confirm_by_mail(uow, person, person.email, match, result.text, request_id, now)
        return AnswerOutcome.REFUSED
    if result.changed and person.email:
        _confirm_by_mail(uow, person, person.email, match, result.text, request_id, now)
    return AnswerOutcome.REGISTERED


def _note_tentative(
    uow: UnitOfWork, person: Person, match: Match, request_id: str, now: datetime
) -> AnswerOutcome:
    """»Maybe« changes nothing; the person is told, once, that they still stand as invited."""
    tz = ZoneInfo(match.committee.timezone)
    text = texts.CALENDAR_TENTATIVE_NOTED.format(
        title=match.meeting.title, when=meeting_when(match.meeting, tz)
    )
    with uow:
        if not uow.events.first_time(request_id, now):
            return AnswerOutcome.NOTED
        uow.commit()
    if person.email:
        _confirm_by_mail(uow, person, person.email, match, text, request_id, now)
    return AnswerOutcome.NOTED


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
            payload=to_payload(
                Message(
                    subject=texts.CALENDAR_ANSWER_SUBJECT.format(title=match.meeting.title),
                    paragraphs=paragraphs(text),
                    to_name=person.name,
                )
            ),
            now=now,
        )
        uow.commit()


@dataclass(frozen=True)
class _Notice:
    match: Match
    answer: CalendarAnswer
    person: Person | None  # who answered, when it was someone sent this copy
    sender: str
    subject: str

    def text(self, uow: UnitOfWork) -> str:
        answer, title = self.answer, self.match.meeting.title
        known = self.person or uow.people.by_email(answer.attendee)
        who = known.name if known else answer.attendee
        if answer.method == "COUNTER":
            text = texts.CALENDAR_COUNTER_NOTICE.format(name=who, title=title)
        elif answer.method != REPLY:
            text = texts.CALENDAR_OTHER_NOTICE.format(name=who, method=answer.method, title=title)
        elif self.person is not None:  # delegated
            delegate = answer.delegated_to or "?"
            text = texts.CALENDAR_DELEGATED_NOTICE.format(name=who, delegate=delegate, title=title)
        else:
            text = texts.CALENDAR_STRANGER_NOTICE.format(
                name=who, email=answer.attendee, title=title
            )
        if answer.comment:
            text += texts.CALENDAR_NOTICE_COMMENT.format(comment=answer.comment)
        sender = self.sender.strip().lower()
        if sender and sender != answer.attendee:
            text += texts.CALENDAR_NOTICE_SENDER.format(sender=sender)
        if self.subject:
            text += texts.CALENDAR_NOTICE_SUBJECT_LINE.format(subject=self.subject)
        return text


def _tell_secretary(uow: UnitOfWork, notice: _Notice, request_id: str, now: datetime) -> None:
    match = notice.match
    tz = ZoneInfo(match.committee.timezone)
    with uow:
        if uow.events.seen(request_id):
            return
        text = notice.text(uow)
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


def said_with(words: str) -> str:
    """What someone wrote with a calendar answer, as a reason: read like a text reply, so
    "Hej Camilla, afbud – jeg har vagt. Venlig hilsen Peter" gives "jeg har vagt"."""
    reply = parse_reply(words)
    if reply.intent == Intent.REGRETS:
        return reply.reason
    return clean_reason(normalise(words))
