"""Who gets which reminder for a meeting, and the message each gets.

The agenda reminder carries the dagsorden as a PDF (bot.invitations.agenda_file): in Slack a
second row (part "dagsorden") uploads it into the member's DM, an e-mail gets it attached.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import Committee, Meeting, Person, TopicStatus
from bot.invitations.agenda_file import agenda_file
from bot.messaging.message import Action, ActionIntent, Address, Message, Tone, text, to_payload
from bot.messaging.outbox import SLACK
from bot.messaging.recipients import (
    Route,
    guests,
    members,
    regrets,
    routes,
    secretary,
    to_secretariat,
)
from bot.ports import UnitOfWork
from bot.reminders.messages import (
    agenda_summary,
    contact,
    day_before_text,
    guest_text,
    meeting_date,
    minutes_text,
    open_topics_text,
)
from bot.reminders.settings import Kind

AGENDA_PART = "dagsorden"


@dataclass(frozen=True)
class Outgoing:
    """One reminder message: `who` is the person id (or 'channel') used in the key, and a
    person's second route adds its channel (`12+email`); `part` names a second row to the same
    person (the dagsorden file), '' for the message itself."""

    who: str
    route: Route
    part: str = ""


def outgoing_for(
    uow: UnitOfWork,
    kind: Kind,
    committee: Committee,
    meeting: Meeting,
    now: datetime,
    skip: Set[str] = frozenset(),
) -> Iterator[Outgoing]:
    """The messages of one kind for one meeting, as of now, except to those in `skip`."""
    tz = ZoneInfo(committee.timezone)
    if kind == Kind.TOPICS:
        found = _topics(uow, committee, meeting, skip)
    elif kind == Kind.AGENDA:
        found = _agenda(uow, committee, meeting, now, tz, skip)
    elif kind == Kind.DAY_BEFORE:
        found = _day_before(uow, committee, meeting, now, tz, skip)
    else:
        found = _minutes(uow, committee, meeting, now, tz, skip)
    for out in found:
        if out.who not in skip:
            yield out


def _topics(
    uow: UnitOfWork, committee: Committee, meeting: Meeting, skip: Set[str]
) -> Iterator[Outgoing]:
    if not committee.slack_channel_id or committee.id is None or "channel" in skip:
        return
    open_topics = uow.topics.for_committee(committee.id, statuses=[TopicStatus.OPEN])
    names = {p.id: p.name for p in uow.people.list() if p.id is not None}
    said = open_topics_text(committee, meeting, open_topics, names)
    address = Address.channel(committee.slack_channel_id)
    payload = to_payload(Message(address=address, paragraphs=text(said)))
    yield Outgoing("channel", Route(SLACK, committee.slack_channel_id, payload))


def _without_regrets(
    uow: UnitOfWork, meeting: Meeting, people: list[Person], skip: Set[str]
) -> list[Person]:
    assert meeting.id is not None
    absent = regrets(uow, meeting.id)
    return [p for p in people if p.id is not None and p.id not in absent]  # skip: outgoing_for


def _agenda(
    uow: UnitOfWork,
    committee: Committee,
    meeting: Meeting,
    now: datetime,
    tz: ZoneInfo,
    skip: Set[str],
) -> Iterator[Outgoing]:
    assert meeting.id is not None
    people = _without_regrets(uow, meeting, members(uow, committee, _today(now, tz)), skip)
    if not people:
        return
    agenda = agenda_summary(meeting, tz)
    ref = str(meeting.id)
    chat = Message(
        paragraphs=text(agenda + "\n\n" + texts.REMINDER_AGENDA_ASK),
        preview=agenda,
        actions=(
            Action(ActionIntent.ATTEND, texts.REMINDER_BUTTON_ATTEND, ref, Tone.PRIMARY),
            Action(ActionIntent.REGRETS, texts.REMINDER_BUTTON_REGRETS, ref, Tone.CAUTION),
        ),
    )
    mail = agenda + "\n\n" + texts.REMINDER_ASK_MAIL.format(contact=contact(committee))
    subject = texts.REMINDER_AGENDA_SUBJECT.format(
        title=meeting.title, date=meeting_date(meeting, tz)
    )
    pdf = agenda_file(committee, meeting)
    mailed = Message(subject=subject, paragraphs=text(mail), files=(pdf,))  # attached
    for out in _to_each(people, chat=chat, mail=mailed):
        yield out
        if out.route.channel == SLACK:  # after the DM, the file as a message of its own
            user = out.route.recipient
            file = Message(
                address=Address.person(user),
                paragraphs=text(texts.AGENDA_PDF_COMMENT),
                files=(pdf,),
            )
            yield Outgoing(out.who, Route(SLACK, user, to_payload(file)), part=AGENDA_PART)


def _to_each(people: Iterable[Person], *, chat: Message, mail: Message) -> Iterator[Outgoing]:
    """The same message to each person, on each of their routes (recipients.channels_for)."""
    for person in people:
        for n, route in enumerate(routes(person, chat=chat, mail=mail)):
            yield Outgoing(str(person.id) if n == 0 else f"{person.id}+{route.channel}", route)


def _day_before(
    uow: UnitOfWork,
    committee: Committee,
    meeting: Meeting,
    now: datetime,
    tz: ZoneInfo,
    skip: Set[str],
) -> Iterator[Outgoing]:
    subject = texts.REMINDER_DAY_BEFORE_SUBJECT.format(
        title=meeting.title, date=meeting_date(meeting, tz)
    )
    ask_mail = texts.REMINDER_ASK_MAIL.format(contact=contact(committee))
    member_list = members(uow, committee, _today(now, tz))
    member_ids = {p.id for p in member_list}
    said = day_before_text(meeting, tz)
    yield from _to_each(
        _without_regrets(uow, meeting, member_list, skip),
        chat=Message(paragraphs=text(said + "\n" + texts.REMINDER_DAY_BEFORE_ASK)),
        mail=Message(subject=subject, paragraphs=text(said + "\n\n" + ask_mail)),
    )
    assert meeting.id is not None
    absent = regrets(uow, meeting.id)
    for guest in guests(uow, meeting):  # a guest's reminder names only their own item
        person = guest.person
        if person.id in member_ids or person.id in absent:
            continue
        said = guest_text(meeting, guest, tz)
        yield from _to_each(
            [person],
            chat=Message(paragraphs=text(said + "\n" + texts.REMINDER_GUEST_ASK)),
            mail=Message(subject=subject, paragraphs=text(said + "\n\n" + ask_mail)),
        )


def _minutes(
    uow: UnitOfWork,
    committee: Committee,
    meeting: Meeting,
    now: datetime,
    tz: ZoneInfo,
    skip: Set[str],
) -> Iterator[Outgoing]:
    missing = [i for i in meeting.items if not i.beslutning.strip() and i.outcome is None]
    if not missing or skip:
        return  # one message to the secretariat per meeting time
    missing.sort(key=lambda i: (i.section, i.position))
    subject = texts.REMINDER_MINUTES_SUBJECT.format(
        title=meeting.title, date=meeting_date(meeting, tz)
    )
    assert meeting.id is not None
    said = text(minutes_text(meeting, missing, tz))
    label = texts.REMINDER_BUTTON_MINUTES
    button = Action(ActionIntent.OPEN_MINUTES, label, str(meeting.id), Tone.PRIMARY)
    route = to_secretariat(
        uow,
        committee,
        _today(now, tz),
        chat=Message(paragraphs=said, actions=(button,)),
        mail=Message(subject=subject, paragraphs=said),
    )
    if route is not None:
        person = secretary(uow, committee, _today(now, tz))
        yield Outgoing(str(person.id) if person else "secretariat", route)


def _today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()
