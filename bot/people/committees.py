"""Committee setup and finding the committee a request is about."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import texts
from bot.domain import Committee, Membership, Person, Role
from bot.errors import InputError, NotFoundError, PermissionDeniedError
from bot.people.roster_file import is_valid_email
from bot.ports import UnitOfWork
from bot.validation import one_line, optional_line, parse_clock


@dataclass(frozen=True)
class CommitteeSettings:
    """What the secretary states when setting up a committee."""

    name: str
    short_name: str
    timezone: str = "Europe/Copenhagen"
    organiser_unit: str = ""
    default_place: str = ""
    default_start: str = "15:00"
    default_end: str = "17:00"
    secretariat_name: str = ""
    secretariat_email: str = ""
    secretariat_phone: str = ""
    slack_channel_id: str | None = None
    secretariat_participates: bool | None = None


@dataclass(frozen=True)
class Founder:
    """Who creates a committee from Slack; they are put on its roster as its secretary.

    `first` marks a fresh installation's first committee (no administrator configured): it is
    created only while no committee exists at all."""

    email: str
    name: str
    slack_user_id: str
    today: date
    first: bool = False


def settings_of(committee: Committee) -> CommitteeSettings:
    """The committee's current settings, so a change touches only what it names."""
    names = [f.name for f in fields(CommitteeSettings)]
    return CommitteeSettings(**{name: getattr(committee, name) for name in names})


def changed_settings(
    uow: UnitOfWork, short_name: str, changes: Mapping[str, Any]
) -> CommitteeSettings:
    """The committee's settings with only the given (not None) fields changed; a new committee
    starts from the defaults and must be given a name."""
    given = {k: v for k, v in changes.items() if v is not None}
    with uow:
        existing = uow.committees.by_short_name(short_name.strip())
        base = settings_of(existing) if existing is not None else None
    if base is None:
        if not given.get("name"):
            raise InputError(texts.CLI_COMMITTEE_NEEDS_NAME.format(short=short_name))
        base = CommitteeSettings(name=given["name"], short_name=short_name)
    return replace(base, **given)


def zone(committee: Committee) -> ZoneInfo:
    """The committee's time zone."""
    return ZoneInfo(committee.timezone)


def _validated(settings: CommitteeSettings) -> CommitteeSettings:
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(texts.UNKNOWN_TIMEZONE.format(tz=settings.timezone)) from None
    start, end = parse_clock(settings.default_start), parse_clock(settings.default_end)
    if end <= start:
        raise InputError(
            texts.DEFAULT_HOURS_ORDER.format(start=settings.default_start, end=settings.default_end)
        )
    email = settings.secretariat_email.strip().lower()
    if email and not is_valid_email(email):
        raise InputError(texts.COMMITTEE_BAD_EMAIL.format(email=settings.secretariat_email))
    return CommitteeSettings(
        name=one_line(settings.name, texts.FIELD_COMMITTEE_NAME, limit=200),
        short_name=one_line(settings.short_name, texts.FIELD_SHORT_NAME, limit=50),
        timezone=settings.timezone,
        organiser_unit=optional_line(
            settings.organiser_unit, texts.FIELD_COMMITTEE_NAME, limit=200
        ),
        default_place=optional_line(settings.default_place, texts.FIELD_PLACE, limit=300),
        default_start=start.strftime("%H:%M"),
        default_end=end.strftime("%H:%M"),
        secretariat_name=optional_line(settings.secretariat_name, texts.FIELD_NAME, limit=200),
        secretariat_email=email,
        secretariat_phone=optional_line(settings.secretariat_phone, texts.FIELD_PHONE, limit=50),
        slack_channel_id=settings.slack_channel_id or None,
        secretariat_participates=settings.secretariat_participates,
    )


def setup_committee(
    uow: UnitOfWork, settings: CommitteeSettings, *, founder: Founder | None = None
) -> Committee:
    """Create the committee, or update it when its short name exists already; a founder of a
    new committee becomes its secretary in the same transaction."""
    clean = _validated(settings)
    with uow:
        committee = uow.committees.by_short_name(clean.short_name)
        if committee is None:
            if founder is not None and founder.first and uow.committees.list():
                raise PermissionDeniedError(texts.SEC_SETUP_ONLY_ADMIN)
            committee = Committee(name=clean.name, short_name=clean.short_name)
            uow.committees.add(committee)
            if founder is not None:
                uow.flush()
                _add_secretary(uow, committee, founder)
        for key, value in vars(clean).items():
            if key in ("slack_channel_id", "secretariat_participates") and value is None:
                continue
            setattr(committee, key, value)
        if clean.slack_channel_id:
            _unbind_channel(uow, clean.slack_channel_id, keep=committee)
        uow.commit()
        return committee


def _add_secretary(uow: UnitOfWork, committee: Committee, founder: Founder) -> None:
    person = uow.people.by_slack_id(founder.slack_user_id)
    email = founder.email.strip().lower()
    if person is None and email:
        person = uow.people.by_email(email)
    if person is None:
        if not is_valid_email(email):
            raise InputError(texts.SEC_SETUP_NO_EMAIL)
        person = Person(name=one_line(founder.name or email, texts.FIELD_NAME), email=email)
        uow.people.add(person)
    if not person.slack_user_id and uow.people.by_slack_id(founder.slack_user_id) is None:
        person.slack_user_id = founder.slack_user_id
    uow.flush()
    assert committee.id is not None and person.id is not None
    uow.memberships.add(Membership(committee.id, person.id, Role.SECRETARY, founder.today))


def _unbind_channel(uow: UnitOfWork, channel_id: str, keep: Committee) -> None:
    other = uow.committees.by_channel(channel_id)
    if other is not None and other is not keep:
        other.slack_channel_id = None
        uow.flush()


def bind_channel(uow: UnitOfWork, committee_id: int, channel_id: str) -> Committee:
    """Make a Slack channel the committee's channel (a channel serves one committee)."""
    with uow:
        committee = uow.committees.get(committee_id)
        if committee is None:
            raise NotFoundError(texts.UNKNOWN_COMMITTEE.format(ref=committee_id))
        _unbind_channel(uow, channel_id, keep=committee)
        committee.slack_channel_id = channel_id
        uow.commit()
        return committee


def find_committee(uow: UnitOfWork, ref: str | None) -> Committee:
    """The committee by short name; with no name, the only committee there is."""
    if ref:
        committee = uow.committees.by_short_name(ref)
        if committee is None:
            raise NotFoundError(texts.UNKNOWN_COMMITTEE.format(ref=ref))
        return committee
    committees = uow.committees.list()
    if not committees:
        raise NotFoundError(texts.NO_COMMITTEE)
    if len(committees) > 1:
        raise InputError(texts.MANY_COMMITTEES)
    return committees[0]
