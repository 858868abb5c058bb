"""GDPR: hand a person their data (access, art. 15) and erase it (art. 17).

Erasing keeps the records the committee must keep (topics, minutes, decisions, attendance)
but under a neutral name, "Tidligere deltager #<id>": the person row stays so nothing that
refers to it breaks; what identifies the person (name, e-mail, phone, Slack id, title,
organisation, reasons given for regrets) is removed, memberships are ended and messages not
yet sent to them are cancelled. Where those values were copied into other records (a notice
to the secretary quoting a regret and its reason, the minutes summary, an agenda text, a Slack
event in the inbox), they are replaced too: the name by the neutral one, the rest by
"[slettet]"; a message already sent keeps its key (so it is never sent twice) but no payload.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from bot import texts
from bot.domain import AgendaItem, Person
from bot.errors import NotFoundError
from bot.ports import UnitOfWork

PERSON_EXPORT_VERSION = 1
MIN_NEEDLE = 3  # shorter values would match inside unrelated words
PERSON_EXPORT_KIND = "klu-bot person export"


def as_json_value(value: Any) -> Any:
    """A domain value as JSON: dataclasses as dicts, ISO dates, enums as their values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_json_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [as_json_value(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _find(uow: UnitOfWork, email: str) -> Person:
    person = uow.people.by_email(email)
    if person is None or person.id is None:
        raise NotFoundError(texts.PRIVACY_UNKNOWN_EMAIL.format(email=email.strip()))
    return person


def _recipients(person: Person) -> list[str]:
    return [v for v in (person.email, person.slack_user_id) if v]


def _guest_item(item: AgendaItem) -> dict[str, Any]:
    return {"meeting_id": item.meeting_id, "item_id": item.id, "title": item.title}


def export_person(uow: UnitOfWork, email: str, *, now: datetime) -> dict[str, Any]:
    """Everything stored about one person, as a JSON-ready document."""
    with uow:
        person = _find(uow, email)
        pid = person.id or 0
        return {
            "format_version": PERSON_EXPORT_VERSION,
            "kind": PERSON_EXPORT_KIND,
            "exported_at": as_json_value(now),
            "person": as_json_value(person),
            "memberships": as_json_value(list(uow.memberships.for_person(pid))),
            "topics_proposed": as_json_value(list(uow.topics.by_proposer(pid))),
            "attendance": as_json_value(list(uow.attendance.for_person(pid))),
            "action_items": as_json_value(list(uow.actions.for_owner(pid))),
            "guest_on_items": [_guest_item(i) for i in uow.meetings.items_with_guest(pid)],
            "minutes_changes": as_json_value(list(uow.minutes_changes.by_actor(pid))),
            "deliveries": as_json_value(list(uow.outbox.for_recipients(_recipients(person)))),
        }


@dataclass(frozen=True)
class ErasePreview:
    """Who would be erased, and the name they would be left with."""

    name: str
    email: str
    neutral_name: str


@dataclass(frozen=True)
class EraseReport:
    """What erasing did."""

    email: str
    neutral_name: str
    memberships_ended: int
    deliveries_cancelled: int
    secretariat_of: list[str]


def preview_erase(uow: UnitOfWork, email: str) -> ErasePreview:
    """Look the person up without changing anything (for the confirmation question)."""
    with uow:
        person = _find(uow, email)
        return ErasePreview(
            person.name, person.email or "", texts.PRIVACY_FORMER_NAME.format(id=person.id)
        )


def erase_person(uow: UnitOfWork, email: str, *, now: datetime, today: date) -> EraseReport:
    """Remove what identifies the person; keep their records under a neutral name."""
    with uow:
        person = _find(uow, email)
        pid = person.id or 0
        address = person.email or ""
        before = (person.name, person.email, person.phone, person.slack_user_id)
        neutral = texts.PRIVACY_FORMER_NAME.format(id=pid)
        cancelled = uow.outbox.forget_recipients(_recipients(person), now)
        ended = 0
        for membership in uow.memberships.for_person(pid):
            if membership.active_to is not None and membership.active_to < today:
                continue
            ended += 1
            if membership.active_from >= today:
                uow.delete(membership)  # had not started: there is no history to keep
            else:
                membership.active_to = today - timedelta(days=1)
        for action in uow.actions.for_owner(pid):
            action.owner_name = neutral
        _rename_in_agendas(uow, person.name, neutral)
        for change in uow.minutes_changes.by_actor(pid):
            change.actor_name = neutral
        reasons = []
        for attendance in uow.attendance.for_person(pid):
            reasons.append(attendance.reason.strip())
            attendance.reason = ""  # reasons for regrets can be health data
        secretariat_of = [
            c.short_name
            for c in uow.committees.list()
            if address and c.secretariat_email.strip().lower() == address.lower()
        ]
        person.name = neutral
        person.email = person.phone = person.slack_user_id = None
        person.title = person.organisation = None
        uow.flush()
        own = [v for v in (before[1], before[3]) if v]
        quoted = {r: texts.PRIVACY_SCRUBBED for r in reasons if len(r) >= MIN_NEEDLE}
        uow.privacy.scrub(_copies(before, neutral), in_messages=quoted, own=own)
        uow.commit()
    return EraseReport(address, neutral, ended, cancelled, secretariat_of)


def _copies(before: tuple[str, str | None, str | None, str | None], neutral: str) -> dict[str, str]:
    """What to replace wherever it was copied: the name by the neutral one, the e-mail,
    phone and Slack id by "[slettet]"."""
    found: dict[str, str] = {}
    name, *identifiers = before
    for value in identifiers:
        if value and len(value.strip()) >= MIN_NEEDLE:
            found[value.strip()] = texts.PRIVACY_SCRUBBED
    if len(name.strip()) >= MIN_NEEDLE:
        found[name.strip()] = neutral
    return found


def _rename_in_agendas(uow: UnitOfWork, name: str, neutral: str) -> None:
    """Presenters and action owners written as the person's exact name get the neutral one."""
    wanted = name.strip().casefold()
    for committee in uow.committees.list():
        for meeting in uow.meetings.for_committee(committee.id or 0):
            for item in meeting.items:
                if item.presenter.strip().casefold() == wanted:
                    item.presenter = neutral
            for action in uow.actions.for_meeting(meeting.id or 0):
                if action.owner_name.strip().casefold() == wanted:
                    action.owner_name = neutral
