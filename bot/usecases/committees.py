"""Committee setup and finding the committee a request is about."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot import texts
from bot.domain import Committee
from bot.errors import InputError, NotFoundError
from bot.ports import UnitOfWork
from bot.roster import is_valid_email
from bot.validation import clean_text, optional_text, parse_clock


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
        name=clean_text(settings.name, texts.FIELD_COMMITTEE_NAME, limit=200),
        short_name=clean_text(settings.short_name, texts.FIELD_SHORT_NAME, limit=50),
        timezone=settings.timezone,
        organiser_unit=optional_text(
            settings.organiser_unit, texts.FIELD_COMMITTEE_NAME, limit=200
        ),
        default_place=optional_text(settings.default_place, texts.FIELD_PLACE, limit=300),
        default_start=start.strftime("%H:%M"),
        default_end=end.strftime("%H:%M"),
        secretariat_name=optional_text(settings.secretariat_name, texts.FIELD_NAME, limit=200),
        secretariat_email=email,
        secretariat_phone=optional_text(settings.secretariat_phone, texts.FIELD_PHONE, limit=50),
        slack_channel_id=settings.slack_channel_id or None,
        secretariat_participates=settings.secretariat_participates,
    )


def setup_committee(uow: UnitOfWork, settings: CommitteeSettings) -> Committee:
    """Create the committee, or update it when its short name exists already."""
    clean = _validated(settings)
    with uow:
        committee = uow.committees.by_short_name(clean.short_name)
        if committee is None:
            committee = Committee(name=clean.name, short_name=clean.short_name)
            uow.committees.add(committee)
        for key, value in vars(clean).items():
            if key in ("slack_channel_id", "secretariat_participates") and value is None:
                continue
            setattr(committee, key, value)
        if clean.slack_channel_id:
            _unbind_channel(uow, clean.slack_channel_id, keep=committee)
        uow.commit()
        return committee


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
