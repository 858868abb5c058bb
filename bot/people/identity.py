"""Who is asking, and for which committee: a chat user id to a roster person and role."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot import texts
from bot.domain import Committee, Person, Role
from bot.errors import InputError, NotFoundError, PermissionDeniedError
from bot.people.roster import role_of
from bot.ports import UnitOfWork


class NotLinkedError(NotFoundError):
    """The chat user is not (yet) linked to anyone on the roster."""


@dataclass(frozen=True)
class Caller:
    """A roster person acting in one committee with their active role there."""

    person: Person
    committee: Committee
    role: Role

    @property
    def is_secretary(self) -> bool:
        """True for the committee's secretariat."""
        return self.role == Role.SECRETARY


def contact_of(committee: Committee | None) -> str:
    """How to reach the secretariat, for hints ('Camilla Juul, camilla@…'); empty when
    nothing is on file (the texts then just say "sekretariatet")."""
    if committee is None:
        return ""
    parts = [p for p in (committee.secretariat_name, committee.secretariat_email) if p]
    return ", ".join(parts)


def _committees_of(uow: UnitOfWork, person: Person, today: date) -> list[Committee]:
    assert person.id is not None
    found = []
    for membership in uow.memberships.for_person(person.id):
        committee = uow.committees.get(membership.committee_id)
        if membership.is_active(today) and committee is not None and committee not in found:
            found.append(committee)
    return found


def _only_committee(uow: UnitOfWork) -> Committee | None:
    committees: Sequence[Committee] = uow.committees.list()
    return committees[0] if len(committees) == 1 else None


def resolve_caller(
    uow: UnitOfWork, chat_user_id: str, *, channel_id: str | None, direct: bool, today: date
) -> Caller:
    """The caller and the committee: the channel's, or (in a DM) the caller's own."""
    with uow:
        return _resolve(uow, chat_user_id, channel_id=channel_id, direct=direct, today=today)


def _in_channel(uow: UnitOfWork, chat_user_id: str, channel_id: str, today: date) -> Caller | None:
    """The common case in one query: a linked member of the channel's committee."""
    for person, committee, membership in uow.memberships.in_channel(chat_user_id, channel_id):
        if membership.is_active(today) and membership.role != Role.GUEST:
            return Caller(person, committee, membership.role)
    return None


def _resolve(
    uow: UnitOfWork, chat_user_id: str, *, channel_id: str | None, direct: bool, today: date
) -> Caller:
    fast = None if direct or not channel_id else _in_channel(uow, chat_user_id, channel_id, today)
    if fast is not None:
        return fast
    bound = None if direct or not channel_id else uow.committees.by_channel(channel_id)
    person = uow.people.by_slack_id(chat_user_id)
    if person is None:
        committee = bound or _only_committee(uow)
        raise NotLinkedError(texts.SLACK_NOT_LINKED.format(contact=contact_of(committee)))
    committee = bound
    if committee is None:
        mine = _committees_of(uow, person, today)
        if len(mine) > 1:
            raise InputError(texts.SLACK_WHICH_COMMITTEE)
        committee = mine[0] if mine else _only_committee(uow)
    if committee is None:
        raise NotFoundError(texts.SLACK_NO_COMMITTEE)
    role = role_of(uow, committee, person, today)
    if role is None or role == Role.GUEST:
        raise PermissionDeniedError(
            texts.NOT_ON_ROSTER.format(committee=committee.name, contact=contact_of(committee))
        )
    return Caller(person, committee, role)


def link_chat_user(uow: UnitOfWork, email: str, chat_user_id: str) -> Person | None:
    """Link the roster person with this e-mail to the chat user id; None when nobody matches."""
    with uow:
        person = uow.people.by_email(email.strip().lower()) if email.strip() else None
        if person is None or person.slack_user_id == chat_user_id:
            return person
        if person.slack_user_id or uow.people.by_slack_id(chat_user_id) is not None:
            return None  # linked to someone else already: a human must sort it out
        person.slack_user_id = chat_user_id
        uow.commit()
        return person


def unlinked_people(uow: UnitOfWork) -> list[Person]:
    """Roster people with an e-mail but no chat user id yet."""
    with uow:
        return [p for p in uow.people.list() if p.email and not p.slack_user_id]
