"""Who gets a meeting's messages, and how: each person's own choice of route (Slack, e-mail or
both); without a choice a Slack DM when the person is linked, else e-mail.

`channels_for` is the one route decision; `routes`/`direct` build the rows' routes from it and
`keyed` gives each route its outbox key (the first keeps the key it always had, so rows
queued before a person chose "both" are not sent again)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from bot.domain import AttendanceStatus, Committee, Meeting, Person, Role, RouteChoice
from bot.meetings.timeplan import Slot, time_plan
from bot.messaging.message import Address, Message, to_payload
from bot.messaging.outbox import EMAIL, SLACK, enqueue
from bot.people.roster import roster
from bot.ports import UnitOfWork


@dataclass(frozen=True)
class Route:
    """Where one message goes: outbox channel, recipient, and the payload for that channel."""

    channel: str
    recipient: str
    payload: Mapping[str, Any]


@dataclass(frozen=True)
class GuestSlots:
    """A guest and the time-plan slots of the items they attend."""

    person: Person
    slots: tuple[Slot, ...] = field(default_factory=tuple)


def members(uow: UnitOfWork, committee: Committee, today: date) -> list[Person]:
    """The committee's active members (everyone on the roster but guests)."""
    return [e.person for e in roster(uow, committee, today) if e.role != Role.GUEST]


def secretary(uow: UnitOfWork, committee: Committee, today: date) -> Person | None:
    """The committee's secretary on the roster, if any."""
    for entry in roster(uow, committee, today):
        if entry.role == Role.SECRETARY:
            return entry.person
    return None


def guests(uow: UnitOfWork, meeting: Meeting) -> list[GuestSlots]:
    """The meeting's item guests, each with their slots in agenda order."""
    plan = time_plan(meeting)
    by_person: dict[int, list[Slot]] = {}
    for slot in plan.slots:
        for guest in slot.item.guests:
            by_person.setdefault(guest.person_id, []).append(slot)
    found = []
    for person_id, slots in by_person.items():
        person = uow.people.get(person_id)
        if person is not None:
            found.append(GuestSlots(person, tuple(slots)))
    return found


def regrets(uow: UnitOfWork, meeting_id: int) -> dict[int, str]:
    """Person id -> reason, for everyone who has sent regrets to the meeting."""
    return {
        a.person_id: a.reason
        for a in uow.attendance.for_meeting(meeting_id)
        if a.status == AttendanceStatus.REGRETS
    }


_WANTED = {
    RouteChoice.SLACK: (SLACK,),
    RouteChoice.EMAIL: (EMAIL,),
    RouteChoice.BOTH: (SLACK, EMAIL),
}


def channels_for(person: Person, *, default_both: bool = False) -> tuple[str, ...]:
    """The outbox channels that reach this person, in order, by their choice.

    No choice: Slack when linked, else e-mail (`default_both`: every channel they have, which
    is what calendar invitations do: the e-mail puts the meeting in the calendar). A chosen
    channel the person cannot be reached on (unlinked, no address) falls back to the one they
    can, so a choice never leaves someone with no message; () only for someone with neither."""
    have = {SLACK: bool(person.slack_user_id), EMAIL: bool(person.email)}
    if person.route is not None:
        wanted = _WANTED[RouteChoice(person.route)]
    elif default_both:
        wanted = (SLACK, EMAIL)
    else:
        wanted = (SLACK,) if have[SLACK] else (EMAIL,)
    found = tuple(c for c in wanted if have[c])
    return found or tuple(c for c in (SLACK, EMAIL) if have[c])[:1]


def routes(person: Person, *, chat: Message, mail: Message) -> list[Route]:
    """The message to one person on each of their channels, by their choice (see
    `channels_for`). `chat` and `mail` are the same news in each channel's words (a Slack DM
    can say "answer here in the thread", an e-mail names the secretariat and carries the
    files a Slack member finds in the channel)."""
    found: list[Route] = []
    for channel in channels_for(person):
        if channel == SLACK and person.slack_user_id:
            addressed = replace(chat, address=Address.person(person.slack_user_id))
            found.append(Route(SLACK, person.slack_user_id, to_payload(addressed)))
        elif channel == EMAIL and person.email:
            named = replace(mail, to_name=person.name)
            found.append(Route(EMAIL, person.email, to_payload(named)))
    return found


def direct(person: Person, *, chat: Message, mail: Message) -> Route | None:
    """The person's first route (see `routes`); None for someone with neither."""
    found = routes(person, chat=chat, mail=mail)
    return found[0] if found else None


def keyed(key: str, found: Iterable[Route]) -> Iterator[tuple[str, Route]]:
    """Each route with its outbox key: the first keeps `key`, the others `key:<channel>`."""
    for n, route in enumerate(found):
        yield (key if n == 0 else f"{key}:{route.channel}"), route


def enqueue_routes(
    uow: UnitOfWork, key: str, kind: str, found: Iterable[Route], *, now: datetime
) -> int:
    """Queue the message on each of a person's routes (keys as `keyed` gives them), inside
    the caller's transaction; how many were new."""
    new = 0
    for each, route in keyed(key, found):
        new += enqueue(
            uow,
            key=each,
            channel=route.channel,
            kind=kind,
            recipient=route.recipient,
            payload=dict(route.payload),
            now=now,
        )
    return new


def to_secretariat(
    uow: UnitOfWork, committee: Committee, today: date, *, chat: Message, mail: Message
) -> Route | None:
    """To the secretary on the roster, else to the committee's secretariat e-mail."""
    person = secretary(uow, committee, today)
    route = direct(person, chat=chat, mail=mail) if person else None
    if route is None and committee.secretariat_email:
        addressed = replace(mail, to_name=committee.secretariat_name)
        route = Route(EMAIL, committee.secretariat_email, to_payload(addressed))
    return route


def is_member_on(uow: UnitOfWork, committee: Committee, person: Person, day: date) -> bool:
    """On the committee's roster that day in a role other than guest (as `members` counts;
    reads only the person's own memberships, not the whole roster)."""
    if person.id is None:
        return False
    return any(
        m.committee_id == committee.id and m.is_active(day) and m.role != Role.GUEST
        for m in uow.memberships.for_person(person.id)
    )


def is_invited(uow: UnitOfWork, committee: Committee, meeting: Meeting, person: Person) -> bool:
    """A member of the committee on the meeting day, or a guest on one of its items."""
    if is_member_on(uow, committee, person, meeting.starts_at.date()):
        return True
    return any(g.person_id == person.id for item in meeting.items for g in item.guests)
