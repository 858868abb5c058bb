"""Who may create or change a committee from chat: an installation administrator, or a
secretary (of that committee to change it; of any committee to create a new one).

On a fresh installation with no administrator configured and no committee at all, the first
caller may create the first committee and becomes its secretary (the README's install path);
after that a stranger can create nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot import texts
from bot.domain import Committee, Person
from bot.errors import PermissionDeniedError
from bot.people.identity import NotLinkedError, contact_of
from bot.people.roster import SECRETARIAT_ROLES, require_secretary
from bot.ports import UnitOfWork


class SetupRight(StrEnum):
    """Why the caller may go on."""

    ADMIN = "admin"
    SECRETARY = "secretary"
    FIRST = "first"  # the first committee of a fresh installation


@dataclass(frozen=True)
class SetupCaller:
    """The chat user asking: their id, the roster person (if any) and their chat e-mail."""

    user_id: str
    person: Person | None
    email: str = ""


def is_admin(admins: Collection[str], caller: SetupCaller) -> bool:
    """True when KLU_ADMINS names the caller's chat user id or one of their e-mails."""
    if not admins:
        return False
    emails = {caller.email, caller.person.email if caller.person else None}
    keys = {caller.user_id.upper(), *(e.strip().lower() for e in emails if e)}
    return bool(keys & set(admins))


def _secretary_anywhere(uow: UnitOfWork, person: Person, today: date) -> bool:
    assert person.id is not None
    return any(
        m.role in SECRETARIAT_ROLES and m.is_active(today)
        for m in uow.memberships.for_person(person.id)
    )


def check_setup(
    uow: UnitOfWork,
    admins: Collection[str],
    caller: SetupCaller,
    committee: Committee | None,
    today: date,
) -> SetupRight:
    """May the caller change this committee (or, with None, create a new one)? Raises a
    Danish PermissionDeniedError (NotLinkedError for an unknown user) when not."""
    if is_admin(admins, caller):
        return SetupRight.ADMIN
    person = caller.person
    if committee is not None:
        if person is None:
            raise NotLinkedError(texts.SLACK_NOT_LINKED.format(contact=contact_of(committee)))
        require_secretary(uow, committee, person, today, texts.SEC_ACTION_SETUP)
        return SetupRight.SECRETARY
    if person is not None and _secretary_anywhere(uow, person, today):
        return SetupRight.SECRETARY
    if not admins and not uow.committees.list():
        return SetupRight.FIRST
    raise PermissionDeniedError(texts.SEC_SETUP_ONLY_ADMIN)
