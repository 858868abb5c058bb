"""A member's e-mail to the bot: a reply to a reminder, an invitation or an agenda, a calendar
answer pressed in Outlook, an auto-reply, or a bounce.

The mail comes here already read (handlers/mail/incoming.py): the reply's own text without
quotes and signature, the bot's Message-ID tokens it answers (In-Reply-To/References, or the
+token of a tokened Reply-To), and whether it is automatic or a bounce. Then:

- a bounce marks the address's e-mail route as failing and tells the secretary; never answered;
- an auto-reply (out of office) changes nothing and is never answered;
- calendar answers (iTIP REPLY) go to bot.attendance.calendar_answers, one request each;
- a text reply is read with the same grammar as a Slack DM (bot.attendance.replies) and
  registered with the same use case (bot.attendance.answers), so it shows in the secretary's
  running list of regrets and the member gets a one-line answer by e-mail. The meeting and
  person come from the bot's own e-mail it answers; the sender's address must be that
  person's (case-insensitive), else nothing is registered and the secretary is told. A mail
  that answers nothing of ours counts for the sender's next meeting, like a Slack DM. Mail
  from an address that is nobody's is never answered (no backscatter to spam).

Everything is keyed by the mail's inbox key, so a mail handed over twice changes nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot import texts
from bot.attendance.answers import MailReplyTo, about_delivery, answer_reply
from bot.attendance.calendar_answers import take_reply
from bot.attendance.replies import Intent, Reply, normalise, parse_reply
from bot.domain import Committee, Delivery, Person
from bot.invitations.calendar.itip_reply import CalendarAnswer, CalendarReply
from bot.messaging.message import Message
from bot.messaging.message import text as paragraphs
from bot.messaging.outbox import enqueue, payload_of
from bot.messaging.recipients import to_secretariat
from bot.ports import UnitOfWork, UnitOfWorkFactory

QUOTE_LIMIT = 300


class MailOutcome(StrEnum):
    """What became of one e-mail."""

    ANSWERED = "answered"  # registered (or the hint sent) through answer_reply
    CALENDAR = "calendar"  # calendar answers handed to calendar_answers
    AUTOMATIC = "automatic"  # an auto-reply: nothing changed, nothing sent
    BOUNCE = "bounce"  # a bounce: the route marked failing, the secretary told
    TO_SECRETARY = "to_secretary"  # about a person, but from another address
    IGNORED = "ignored"  # from nobody we know, about nothing of ours
    DUPLICATE = "duplicate"  # handled before


@dataclass(frozen=True)
class Bounce:
    """A delivery status notification that says our mail was not delivered."""

    recipients: tuple[str, ...]  # the addresses that failed, lower case
    reason: str  # the receiving server's words (Diagnostic-Code), may be empty


@dataclass(frozen=True)
class IncomingMail:
    """One received e-mail, read (the core never sees MIME)."""

    message_id: str
    subject: str
    sender: str  # the From address, lower case ("" when unreadable)
    sender_name: str
    text: str  # the reply's own words: quoted history, signature and disclaimers removed
    tokens: tuple[str, ...] = ()  # our Message-ID tokens it answers, the latest first
    is_reply: bool = False  # In-Reply-To/References set, or Re:/SV:/AW: in the subject
    automatic: bool = False  # an auto-reply (RFC 3834 and the vendors' own markers)
    quiet: bool = False  # the sender asks for no automatic answer (X-Auto-Response-Suppress)
    bounce: Bounce | None = None
    calendar: tuple[CalendarAnswer, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Thread:
    """The bot's e-mail that a reply answers."""

    delivery: Delivery
    meeting_id: int
    person_id: int | None


def take_mail(
    uow_factory: UnitOfWorkFactory, mail: IncomingMail, *, request_id: str, now: datetime
) -> MailOutcome:
    """Act on one e-mail, exactly once per request id (the inbox key)."""
    if mail.bounce is not None:
        return _bounced(uow_factory(), mail, mail.bounce, request_id, now)
    if mail.automatic:
        return MailOutcome.AUTOMATIC
    if mail.calendar:
        take_reply(
            uow_factory(), calendar_reply(mail), sender=mail.sender, request_id=request_id, now=now
        )
        return MailOutcome.CALENDAR
    with uow_factory() as uow:
        if uow.events.seen(request_id):
            return MailOutcome.DUPLICATE
        thread = find_thread(uow, mail.tokens)
        ours = thread is not None or any(uow.outbox.by_nonce(t) for t in mail.tokens)
        sender = uow.people.by_email(mail.sender) if mail.sender else None
        owner = _owner(uow, thread) if thread else None
    reply = read_reply(mail)
    if thread is None and ours and reply.intent == Intent.UNKNOWN:
        return MailOutcome.IGNORED  # "tak" to a notice about no meeting: nothing to answer
    if thread is not None and (owner is None or sender is None or sender.id != owner.id):
        _foreign(uow_factory(), mail, thread, owner, request_id, now)
        return MailOutcome.TO_SECRETARY
    person = owner or sender
    if person is None:
        return MailOutcome.IGNORED
    result = answer_reply(
        uow_factory(),
        request_id=request_id,
        person=person,
        intent=reply.intent,
        reason=reply.reason,
        meeting_id=thread.meeting_id if thread else None,
        via="e-mail-svar" if thread else "e-mail",
        now=now,
        reply_to=None
        if mail.quiet
        else MailReplyTo(mail.sender, mail.sender_name, mail.subject, mail.message_id),
    )
    if not result.duplicate:
        with uow_factory() as uow:
            uow.mail_routes.clear(mail.sender)  # mail from the address: it works again
            uow.commit()
    return MailOutcome.DUPLICATE if result.duplicate else MailOutcome.ANSWERED


def calendar_reply(mail: IncomingMail) -> CalendarReply:
    """The mail's calendar answers with its subject and the sender's own words (an Outlook
    Decline's comment travels in the text, not in the calendar part)."""
    return CalendarReply(mail.calendar, mail.subject, mail.text)


def read_reply(mail: IncomingMail) -> Reply:
    """The reply grammar on the mail's own text; a fresh mail (not a reply) with nothing in
    the body may say it in the subject ("Afbud")."""
    reply = parse_reply(mail.text)
    if reply.intent == Intent.UNKNOWN and not mail.is_reply and not normalise(mail.text):
        reply = parse_reply(mail.subject)
    return reply


def find_thread(uow: UnitOfWork, tokens: tuple[str, ...]) -> Thread | None:
    """The latest of our e-mails among the tokens that was about a meeting."""
    for token in tokens:
        delivery = uow.outbox.by_nonce(token)
        about = about_delivery(delivery) if delivery is not None else None
        if delivery is not None and about is not None:
            return Thread(delivery, about[0], about[1])
    return None


def _owner(uow: UnitOfWork, thread: Thread) -> Person | None:
    """The person the answered e-mail went to."""
    if thread.person_id is not None:
        person = uow.people.get(thread.person_id)
        if person is not None:
            return person
    return uow.people.by_email(thread.delivery.recipient)


def _committee(
    uow: UnitOfWork, delivery: Delivery | None, person: Person | None
) -> Committee | None:
    """The committee a notice belongs to: the e-mail's own, else the person's, else the
    only one there is."""
    if delivery is not None:
        try:
            committee_id = payload_of(delivery).get("committee_id")
        except (ValueError, AssertionError):
            committee_id = None
        if isinstance(committee_id, int):
            committee = uow.committees.get(committee_id)
            if committee is not None:
                return committee
    if person is not None and person.id is not None:
        for membership in uow.memberships.for_person(person.id):
            committee = uow.committees.get(membership.committee_id)
            if committee is not None:
                return committee
    committees = uow.committees.list()
    return committees[0] if len(committees) == 1 else None


def _tell_secretary(
    uow: UnitOfWork,
    committee: Committee,
    *,
    key: str,
    kind: str,
    text: str,
    subject: str,
    now: datetime,
    not_to: str = "",
) -> None:
    """One notice to the secretary, inside the caller's transaction; never to `not_to` (the
    address that just bounced: telling it would bounce again, and again)."""
    tz = ZoneInfo(committee.timezone)
    route = to_secretariat(
        uow,
        committee,
        now.astimezone(tz).date(),
        chat=Message(paragraphs=paragraphs(text)),
        mail=Message(subject=subject, paragraphs=paragraphs(text)),
    )
    if route is None or route.recipient.lower() == not_to.lower():
        return
    enqueue(
        uow,
        key=key,
        channel=route.channel,
        kind=kind,
        recipient=route.recipient,
        payload={**route.payload, "committee_id": committee.id},
        now=now,
    )


def _foreign(
    uow: UnitOfWork,
    mail: IncomingMail,
    thread: Thread,
    owner: Person | None,
    request_id: str,
    now: datetime,
) -> None:
    """A reply to a mail for one person that came from another address: the secretary
    decides (a colleague answering for them, a private address)."""
    with uow:
        if uow.events.seen(request_id):
            return
        meeting = uow.meetings.get(thread.meeting_id)
        committee = _committee(uow, thread.delivery, owner)
        if meeting is not None and committee is not None:
            quoted = normalise(mail.text)[:QUOTE_LIMIT]
            _tell_secretary(
                uow,
                committee,
                key=f"mail-notice:{request_id}",
                kind="mail_notice",
                text=texts.MAIL_FOREIGN_NOTICE.format(
                    name=owner.name if owner else thread.delivery.recipient,
                    title=meeting.title,
                    email=mail.sender or "?",
                    text=quoted,
                ),
                subject=texts.MAIL_FOREIGN_NOTICE_SUBJECT.format(title=meeting.title),
                now=now,
            )
        if uow.events.first_time(request_id, now):
            uow.commit()


def _bounced(
    uow: UnitOfWork, mail: IncomingMail, bounce: Bounce, request_id: str, now: datetime
) -> MailOutcome:
    """Mark each failed address (ours: a person's, or what our bounced e-mail went to) as
    failing and tell the secretary once per address."""
    with uow:
        if uow.events.seen(request_id):
            return MailOutcome.DUPLICATE
        thread = find_thread(uow, mail.tokens)
        original = thread.delivery if thread else _original(uow, mail.tokens)
        addresses = list(bounce.recipients)
        if not addresses and original is not None and "@" in original.recipient:
            addresses = [original.recipient.lower()]
        for address in dict.fromkeys(addresses):
            person = uow.people.by_email(address)
            if person is None and (original is None or original.recipient.lower() != address):
                continue  # not an address we wrote to: nothing of ours is failing
            uow.mail_routes.mark_failing(address, now, bounce.reason or mail.subject)
            committee = _committee(uow, original, person)
            if committee is None:
                continue
            reason = bounce.reason[:QUOTE_LIMIT]
            _tell_secretary(
                uow,
                committee,
                key=f"mail-bounce:{request_id}:{address}",
                kind="mail_bounce",
                text=texts.MAIL_BOUNCE_NOTICE.format(
                    name=person.name if person else address,
                    email=address,
                    reason=texts.MAIL_BOUNCE_REASON.format(reason=reason) if reason else "",
                ),
                subject=texts.MAIL_BOUNCE_SUBJECT.format(name=person.name if person else address),
                now=now,
                not_to=address,
            )
        if uow.events.first_time(request_id, now):
            uow.commit()
    return MailOutcome.BOUNCE


def _original(uow: UnitOfWork, tokens: tuple[str, ...]) -> Delivery | None:
    for token in tokens:
        delivery = uow.outbox.by_nonce(token)
        if delivery is not None:
            return delivery
    return None
