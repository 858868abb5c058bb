"""Who gets which reminder for a meeting, and the message each gets."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence, Set
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import Committee, Meeting, Person, TopicStatus
from bot.messaging.mrkdwn import escape as slack_escape
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
    agenda_blocks,
    agenda_text,
    contact,
    day_before_text,
    guest_text,
    meeting_date,
    minutes_blocks,
    minutes_text,
    no_escape,
    topics_text,
)
from bot.reminders.settings import Kind

AGENDA_DOCUMENT = "dagsorden"  # bot.minutes.model.AGENDA (minutes sit above reminders)


@dataclass(frozen=True)
class Outgoing:
    """One reminder message: `who` is the person id (or 'channel') used in the key; a
    person's second route adds its channel (`12+email`)."""

    who: str
    route: Route


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
    text = topics_text(committee, meeting, open_topics, names)
    payload = {"op": "post", "channel": committee.slack_channel_id, "text": text}
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
    text = agenda_text(meeting, tz, slack_escape)
    blocks = agenda_blocks(text + "\n\n" + texts.REMINDER_AGENDA_ASK, meeting.id)
    mail = (
        agenda_text(meeting, tz, no_escape)
        + "\n\n"
        + texts.REMINDER_ASK_MAIL.format(contact=contact(committee))
    )
    subject = texts.REMINDER_AGENDA_SUBJECT.format(
        title=meeting.title, date=meeting_date(meeting, tz)
    )
    document = {
        "document": {"kind": AGENDA_DOCUMENT, "meeting_id": meeting.id},
        "filename": f"dagsorden-{meeting.starts_at.astimezone(tz).date().isoformat()}.pdf",
    }  # the e-mail carries the agenda as a PDF, as the minutes summary carries the referat
    yield from _to_each(
        people, text=text, subject=subject, mail_text=mail, blocks=blocks, attachment=document
    )


def _to_each(
    people: Iterable[Person],
    *,
    text: str,
    subject: str,
    mail_text: str,
    blocks: Sequence[Mapping[str, Any]] | None = None,
    attachment: Mapping[str, Any] | None = None,
) -> Iterator[Outgoing]:
    """The same message to each person, on each of their routes (recipients.channels_for)."""
    for person in people:
        found = routes(
            person,
            text=text,
            subject=subject,
            mail_text=mail_text,
            blocks=blocks,
            attachment=attachment,
        )
        for n, route in enumerate(found):
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
    yield from _to_each(
        _without_regrets(uow, meeting, member_list, skip),
        text=day_before_text(meeting, tz, slack_escape) + "\n" + texts.REMINDER_DAY_BEFORE_ASK,
        subject=subject,
        mail_text=day_before_text(meeting, tz, no_escape) + "\n\n" + ask_mail,
    )
    assert meeting.id is not None
    absent = regrets(uow, meeting.id)
    for guest in guests(uow, meeting):  # a guest's reminder names only their own item
        person = guest.person
        if person.id in member_ids or person.id in absent:
            continue
        yield from _to_each(
            [person],
            text=guest_text(meeting, guest, tz, slack_escape) + "\n" + texts.REMINDER_GUEST_ASK,
            subject=subject,
            mail_text=guest_text(meeting, guest, tz, no_escape) + "\n\n" + ask_mail,
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
    text = minutes_text(meeting, missing, tz, slack_escape)
    route = to_secretariat(
        uow,
        committee,
        _today(now, tz),
        text=text,
        subject=subject,
        mail_text=minutes_text(meeting, missing, tz, no_escape),
        blocks=minutes_blocks(text, meeting.id),
    )
    if route is not None:
        person = secretary(uow, committee, _today(now, tz))
        yield Outgoing(str(person.id) if person else "secretariat", route)


def _today(now: datetime, tz: ZoneInfo) -> date:
    return now.astimezone(tz).date()
