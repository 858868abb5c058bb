"""The roster: importing it, reading it, and who may do what."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot import texts
from bot.domain import Committee, MeetingStatus, Membership, Person, Role
from bot.errors import InputError, NotFoundError, PermissionDeniedError
from bot.people.committees import find_committee
from bot.people.roster_file import RosterError, RosterRow, parse_roster_csv, roster_summary
from bot.ports import UnitOfWork

SECRETARIAT_ROLES = (Role.SECRETARY,)


@dataclass(frozen=True)
class RosterImport:
    """How many people a roster import created, updated and left as they were."""

    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class RosterEntry:
    """A person with their active role in a committee."""

    person: Person
    role: Role


def _apply(person: Person, row: RosterRow) -> bool:
    fields = {
        "name": row.name,
        "title": row.title,
        "organisation": row.organisation,
        "side": row.side,
        "phone": row.phone,
    }
    if row.slack_id:
        fields["slack_user_id"] = row.slack_id
    changed = False
    for key, value in fields.items():
        if getattr(person, key) != value:
            setattr(person, key, value)
            changed = True
    return changed


def _set_role(
    uow: UnitOfWork, committee: Committee, person: Person, role: Role, today: date
) -> bool:
    assert committee.id is not None and person.id is not None
    active = [
        m
        for m in uow.memberships.for_person(person.id)
        if m.committee_id == committee.id and m.is_active(today)
    ]
    if any(m.role == role for m in active):
        return False
    opened_today = [m for m in active if m.active_from >= today]
    for membership in active:
        if membership in opened_today:
            continue
        # active_to is inclusive: the old role ends the day before the new one starts
        membership.active_to = today - timedelta(days=1)
    if opened_today:
        # a role set earlier the same day is corrected in place, not closed as an empty period
        opened_today[0].role = role
        for extra in opened_today[1:]:
            uow.delete(extra)
        return True
    uow.memberships.add(Membership(committee.id, person.id, role, active_from=today))
    return True


# Column widths in storage/tables.py: a longer value is a row error, not a database error.
FIELD_LIMITS = {
    "name": 200, "email": 254, "title": 200, "organisation": 200, "side": 100, "phone": 50,
}  # fmt: skip


def _check_lengths(rows: Sequence[RosterRow]) -> None:
    errors = []
    for row in rows:
        problems = [
            texts.ROSTER_FIELD_TOO_LONG.format(
                column=texts.ROSTER_COLUMN_LABELS[field], length=len(value), limit=limit
            )
            for field, limit in FIELD_LIMITS.items()
            if len(value := getattr(row, field) or "") > limit
        ]
        if problems:
            errors.append(
                texts.ROSTER_ROW_ERROR.format(line=row.line, problems="; ".join(problems))
            )
    if errors:
        raise RosterError(errors, roster_summary(errors))


def import_roster(
    uow: UnitOfWork, data: bytes, *, today: date, committee_ref: str | None = None
) -> RosterImport:
    """Import a CSV roster; idempotent by e-mail; all rows or none."""
    rows = parse_roster_csv(data)
    _check_lengths(rows)
    created = updated = unchanged = 0
    with uow:
        committee = find_committee(uow, committee_ref)
        for row in rows:
            _check_slack_id_free(uow, row)
            person = uow.people.by_email(row.email)
            is_new = person is None
            if person is None:
                person = Person(name=row.name, email=row.email)
                uow.people.add(person)
            changed = _apply(person, row)
            uow.flush()
            role_changed = _set_role(uow, committee, person, Role(row.role), today)
            if is_new:
                created += 1
            elif changed or role_changed:
                updated += 1
            else:
                unchanged += 1
        if created or updated:
            _invitations_follow(uow, committee, today)
        uow.commit()
    return RosterImport(created, updated, unchanged)


def _invitations_follow(uow: UnitOfWork, committee: Committee, today: date) -> None:
    """Who is invited to the committee's called meetings may have changed (a new member, a
    member now a guest): mark those meetings changed, so the calendar sync invites, cancels
    or swaps what each person holds (bot/invitations)."""
    assert committee.id is not None
    called = uow.meetings.for_committee(
        committee.id, statuses=[MeetingStatus.CALLED], with_items=False
    )
    for meeting in called:
        if meeting.id is not None and meeting.ends_at.date() >= today:
            uow.calendar.mark_changed(meeting.id, None)


def _check_slack_id_free(uow: UnitOfWork, row: RosterRow) -> None:
    if not row.slack_id:
        return
    owner = uow.people.by_slack_id(row.slack_id)
    if owner is not None and owner.email != row.email:
        raise InputError(
            texts.ROSTER_ROW_ERROR.format(
                line=row.line,
                problems=texts.SLACK_ID_TAKEN.format(slack_id=row.slack_id, name=owner.name),
            )
        )


def roster(uow: UnitOfWork, committee: Committee, today: date) -> list[RosterEntry]:
    """The committee's active members with their roles, ordered by side and name."""
    assert committee.id is not None
    entries = []
    for membership in uow.memberships.for_committee(committee.id):
        if not membership.is_active(today):
            continue
        person = uow.people.get(membership.person_id)
        if person is not None:
            entries.append(RosterEntry(person, membership.role))
    return sorted(entries, key=lambda e: (e.person.side or "", e.person.name))


def role_of(uow: UnitOfWork, committee: Committee, person: Person, today: date) -> Role | None:
    """The person's active role in the committee, or None."""
    assert person.id is not None
    for membership in uow.memberships.for_person(person.id):
        if membership.committee_id == committee.id and membership.is_active(today):
            return membership.role
    return None


def require_secretary(
    uow: UnitOfWork, committee: Committee, person: Person, today: date, action: str
) -> None:
    """Refuse politely unless the person is the committee's secretary."""
    if role_of(uow, committee, person, today) not in SECRETARIAT_ROLES:
        raise PermissionDeniedError(texts.ONLY_SECRETARY.format(action=action))


def find_person(uow: UnitOfWork, ref: str) -> Person:
    """A person by e-mail or exact name (case-insensitive)."""
    ref = (ref or "").strip()
    if "@" in ref:
        person = uow.people.by_email(ref)
        if person is None:
            raise NotFoundError(texts.UNKNOWN_PERSON.format(ref=ref))
        return person
    matches: Sequence[Person] = uow.people.by_name(ref) if ref else []
    if not matches:
        raise NotFoundError(texts.UNKNOWN_PERSON.format(ref=ref))
    if len(matches) > 1:
        raise InputError(texts.AMBIGUOUS_PERSON.format(ref=ref))
    return matches[0]
