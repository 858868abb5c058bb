"""Reminder defaults and names; the kinds and settings themselves are in bot/domain.py."""

from __future__ import annotations

from bot import texts
from bot.domain import MAX_REMINDER_DAYS, Kind, MeetingTimes, ReminderSetting
from bot.errors import InputError

# (days, local time): topics 3 weeks before; the agenda two weeks before, as the agreement
# that sets up a KLU requires (overenskomst om almen praksis § 102: "senest to uger inden
# mødet"); the day before at 09:00; and the minutes reminder the morning after the meeting.
DEFAULTS: dict[Kind, tuple[int, str]] = {
    Kind.TOPICS: (21, "09:00"),
    Kind.AGENDA: (14, "09:00"),
    Kind.DAY_BEFORE: (1, "09:00"),
    Kind.MINUTES: (1, "09:00"),
}
AFTER_MEETING = frozenset({Kind.MINUTES})

_NAMES = {
    "emner": Kind.TOPICS,
    "emne": Kind.TOPICS,
    "topics": Kind.TOPICS,
    "dagsorden": Kind.AGENDA,
    "agenda": Kind.AGENDA,
    "dagen-før": Kind.DAY_BEFORE,
    "dagen-foer": Kind.DAY_BEFORE,
    "dagenfoer": Kind.DAY_BEFORE,
    "daybefore": Kind.DAY_BEFORE,
    "day-before": Kind.DAY_BEFORE,
    "referat": Kind.MINUTES,
    "minutes": Kind.MINUTES,
}
DANISH_NAMES: dict[Kind, str] = {
    Kind.TOPICS: "emner",
    Kind.AGENDA: "dagsorden",
    Kind.DAY_BEFORE: "dagen-før",
    Kind.MINUTES: "referat",
}


def parse_kind(text: str) -> Kind:
    """A kind from its Danish (or English) name."""
    kind = _NAMES.get((text or "").strip().lower())
    if kind is None:
        raise InputError(
            texts.REMINDER_UNKNOWN_KIND.format(kind=text, kinds=", ".join(DANISH_NAMES.values()))
        )
    return kind


def default_setting(committee_id: int, kind: Kind) -> ReminderSetting:
    """The setting a committee has until the secretary changes it."""
    days, at = DEFAULTS[kind]
    return ReminderSetting(committee_id, kind, days, at, True)


__all__ = ["MAX_REMINDER_DAYS", "Kind", "MeetingTimes", "ReminderSetting"]
