"""A person's choice of route for the bot's messages: Slack, e-mail or both (or the default).

The secretary sets it for anyone (`klu-bot person route NAVN slack|mail|begge|standard`), a
member for themselves (`/klu kanal slack|mail|begge|standard`). The choice is what
bot.messaging.recipients.channels_for follows for every message family.
"""

from __future__ import annotations

from bot import texts
from bot.commands import verb_key
from bot.domain import Person, RouteChoice
from bot.errors import InputError, NotFoundError
from bot.ports import UnitOfWork

DEFAULT = "standard"
WORDS: dict[str, RouteChoice | None] = {
    "slack": RouteChoice.SLACK,
    "mail": RouteChoice.EMAIL,
    "email": RouteChoice.EMAIL,
    "e-mail": RouteChoice.EMAIL,
    "begge": RouteChoice.BOTH,
    "both": RouteChoice.BOTH,
    "standard": None,
    "default": None,
}


def parse_route(word: str) -> RouteChoice | None:
    """slack | mail (email, e-mail) | begge (both) | standard (default); else InputError."""
    key = verb_key(word or "")
    if key not in WORDS:
        raise InputError(texts.ROUTE_UNKNOWN.format(word=(word or "").strip()))
    return WORDS[key]


def set_route(uow: UnitOfWork, person_id: int, choice: RouteChoice | None) -> Person:
    """Store the choice; returns the person as now stored."""
    with uow:
        person = uow.people.get(person_id)
        if person is None:
            raise NotFoundError(texts.UNKNOWN_PERSON.format(ref=person_id))
        person.route = choice
        uow.commit()
        return person


def route_text(person: Person) -> str:
    """Danish: where this person's messages now go, and what falls back when a channel is
    missing (so a choice that cannot be met is said, not hidden)."""
    choice = RouteChoice(person.route) if person.route is not None else None
    line = texts.ROUTE_SET[choice.value if choice else DEFAULT].format(name=person.name)
    wants_slack = choice in (RouteChoice.SLACK, RouteChoice.BOTH)
    wants_mail = choice in (RouteChoice.EMAIL, RouteChoice.BOTH)
    if wants_slack and not person.slack_user_id:
        line += " " + texts.ROUTE_NO_SLACK
    if wants_mail and not person.email:
        line += " " + texts.ROUTE_NO_EMAIL
    return line
