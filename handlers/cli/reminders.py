"""`klu-bot clock` and `klu-bot reminders show|set`."""

from __future__ import annotations

import argparse
from zoneinfo import ZoneInfo

from bot import texts
from bot.errors import InputError
from bot.meetings import planning as meetings
from bot.people.committees import find_committee
from bot.reminders.messages import meeting_when
from bot.reminders.planning import settings_for
from bot.reminders.schedule import schedule
from bot.reminders.settings import (
    DANISH_NAMES,
    MAX_REMINDER_DAYS,
    Kind,
    ReminderSetting,
    parse_kind,
)
from bot.time.parse import format_datetime
from bot.validation import is_id, parse_clock
from handlers.bootstrap import Container
from handlers.cli.files import CliCommand
from handlers.clock import DISPATCH_EVERY, run_until_signalled, tick
from handlers.logs import configure as configure_logs


def cmd_clock(args: argparse.Namespace, c: Container) -> str:
    """Run the reminder clock: forever, or once as of now (or --now)."""
    if not args.once:
        configure_logs()
        run_until_signalled(c, dispatch_every=getattr(args, "every", None) or DISPATCH_EVERY)
        return ""
    report = tick(c)
    return texts.REMINDER_CLI_RAN.format(
        enqueued=len(report.plan.enqueued), sent=report.dispatch.sent, pending=report.pending
    )


def when_text(setting: ReminderSetting) -> str:
    """'7 dage før mødet kl. 09:00', 'dagen før …', 'dagen efter …'."""
    at, days = setting.at, setting.days
    if setting.kind == Kind.MINUTES:
        if days == 0:
            return texts.REMINDER_WHEN_SAME_DAY.format(at=at)
        if days == 1:
            return texts.REMINDER_WHEN_DAY_AFTER.format(at=at)
        return texts.REMINDER_WHEN_AFTER.format(days=days, at=at)
    if days == 0:
        return texts.REMINDER_WHEN_SAME_DAY.format(at=at)
    if days == 1:
        return texts.REMINDER_WHEN_DAY_BEFORE.format(at=at)
    return texts.REMINDER_WHEN_BEFORE.format(days=days, at=at)


def _line(setting: ReminderSetting) -> str:
    return texts.REMINDER_SETTING_LINE.format(
        name=DANISH_NAMES[setting.kind],
        description=texts.REMINDER_DESCRIPTIONS[setting.kind.value],
        when=when_text(setting),
        off="" if setting.enabled else texts.REMINDER_OFF,
    )


def cmd_reminders_show(args: argparse.Namespace, c: Container) -> str:
    """The committee's reminders with their times."""
    with c.uow() as uow:
        committee = find_committee(uow, args.committee)
        assert committee.id is not None
        settings = settings_for(uow, committee.id)
        coming = meetings.upcoming(uow, committee, c.clock())
        planned = schedule(uow, committee, coming[0], c.clock()) if coming else []
    lines = [texts.REMINDER_SETTINGS_HEADER.format(committee=committee.name)]
    lines += [_line(settings[kind]) for kind in Kind]
    if coming:
        tz = ZoneInfo(committee.timezone)
        lines += ["", texts.REMINDER_SCHEDULE_HEADER.format(when=meeting_when(coming[0], tz))]
        lines += [
            texts.REMINDER_SCHEDULE_LINE.format(
                name=DANISH_NAMES[p.kind],
                at=format_datetime(p.due, tz),
                state=texts.REMINDER_STATES[p.state],
            )
            for p in planned
        ]
    return "\n".join(lines)


def _days(value: str | None, current: int) -> int:
    if value is None:
        return current
    text = value.strip()
    if not is_id(text) or int(text) > MAX_REMINDER_DAYS:
        raise InputError(texts.REMINDER_BAD_DAYS.format(max=MAX_REMINDER_DAYS, value=value))
    return int(text)


def cmd_reminders_set(args: argparse.Namespace, c: Container) -> str:
    """Change one kind's days, time or on/off; what is not given stays."""
    kind = parse_kind(args.kind)
    with c.uow() as uow:
        committee = find_committee(uow, args.committee)
        assert committee.id is not None
        current = settings_for(uow, committee.id)[kind]
        at = parse_clock(args.at).strftime("%H:%M") if args.at else current.at
        enabled = False if args.off else (True if args.on else current.enabled)
        setting = ReminderSetting(committee.id, kind, _days(args.days, current.days), at, enabled)
        uow.reminders.save(setting)
        uow.commit()
    return texts.REMINDER_SAVED.format(
        name=DANISH_NAMES[kind],
        when=when_text(setting),
        off="" if setting.enabled else texts.REMINDER_OFF,
    )


COMMANDS: dict[str, CliCommand] = {
    "cmd_clock": cmd_clock,
    "cmd_reminders_show": cmd_reminders_show,
    "cmd_reminders_set": cmd_reminders_set,
}
