"""Guests for one agenda item: people from the roster, Slack users, or bare e-mail addresses."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from bot import texts
from bot.domain import AgendaItem, Person
from bot.errors import InputError, NotFoundError
from bot.meetings.agenda import NewItem, add_item_in, update_item_in
from bot.meetings.planning import get_meeting
from bot.people.roster_file import is_valid_email
from bot.ports import UnitOfWork
from bot.validation import optional_line

_ENTRIES = re.compile(r"[,;\n]+")
_NAMED = re.compile(r"(.*?)<([^<>]*)>")


@dataclass(frozen=True)
class GuestRef:
    """A guest as the secretary names them: an e-mail, maybe a name and a Slack user id."""

    email: str
    name: str = ""
    slack_user_id: str | None = None


def parse_guest_emails(text: str) -> list[GuestRef]:
    """Addresses separated by commas, semicolons or lines; 'Navn <adresse>' keeps the name."""
    found: list[GuestRef] = []
    bad: list[str] = []
    for entry in _ENTRIES.split(text or ""):
        named = _NAMED.fullmatch(entry.strip())
        if named is not None:
            parts = [(named.group(1).strip().strip('"'), named.group(2).strip())]
        else:
            parts = [("", word) for word in entry.split()]
        for name, address in parts:
            if is_valid_email(address.lower()):
                found.append(GuestRef(email=address.lower(), name=name))
            else:
                bad.append(address or entry.strip())
    if bad:
        raise InputError(texts.GUEST_BAD_EMAILS.format(emails=", ".join(bad)))
    return found


def _name_from_email(email: str) -> str:
    local = email.split("@", 1)[0]
    words = [w for w in re.split(r"[._\-]+", local) if w]
    return " ".join(w.capitalize() for w in words) or email


def ensure_guest(uow: UnitOfWork, ref: GuestRef) -> Person:
    """The person behind a guest reference, created (and linked to Slack) when unknown."""
    person = uow.people.by_slack_id(ref.slack_user_id) if ref.slack_user_id else None
    email = ref.email.strip().lower()
    if person is None and email:
        person = uow.people.by_email(email)
    if person is None:
        if not email or not is_valid_email(email):
            raise InputError(texts.GUEST_NO_EMAIL.format(name=ref.name or ref.slack_user_id))
        person = Person(
            name=optional_line(ref.name, texts.FIELD_NAME, limit=200) or _name_from_email(email),
            email=email,
        )
        uow.people.add(person)
    if ref.slack_user_id and not person.slack_user_id:
        person.slack_user_id = ref.slack_user_id
    uow.flush()
    return person


def add_item_with_guests(
    uow: UnitOfWork,
    meeting_id: int,
    spec: NewItem,
    guests: Sequence[GuestRef],
    *,
    now: datetime | None = None,
) -> AgendaItem:
    """Add an item whose guests may be new people; all of it, or nothing."""
    with uow:
        meeting = get_meeting(uow, meeting_id)
        emails: list[str] = list(spec.guests)
        for ref in guests:
            person = ensure_guest(uow, ref)
            if person.email:
                emails.append(person.email)
        item = add_item_in(uow, meeting, replace(spec, guests=tuple(emails)), now=now)
        uow.commit()
        return item


def update_item_with_guests(
    uow: UnitOfWork,
    meeting_id: int,
    item_id: int,
    spec: NewItem,
    guests: Sequence[GuestRef],
    *,
    now: datetime | None = None,
) -> AgendaItem:
    """Change an item's contents and guests (new guests may be new people); all or nothing."""
    with uow:
        meeting = get_meeting(uow, meeting_id)
        found = [i for i in meeting.items if i.id == item_id]
        if not found:
            raise NotFoundError(texts.SEC_ITEM_GONE)
        emails: list[str] = list(spec.guests)
        for ref in guests:
            person = ensure_guest(uow, ref)
            if person.email:
                emails.append(person.email)
        item = update_item_in(uow, meeting, found[0], replace(spec, guests=tuple(emails)), now)
        uow.commit()
        return item
