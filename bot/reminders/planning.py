"""Automatic reminders: which are due now, for whom; each goes into the outbox exactly once.

The clock calls `plan_reminders` every minute. Due times are computed from the meeting's
current start in the committee's zone each time, so a moved meeting reschedules what has not
gone out yet. Keys carry the meeting's start (reminder:<kind>:<meeting>:<person>:<start>):
the database refuses a second row with the same key, whichever clock plans it, and a moved
meeting gets fresh keys; pending rows for the old start are cancelled.

Catch-up: a reminder is sent only within CATCH_UP after its due time (and, for the reminders
before a meeting, before the meeting starts). A clock that was down for an hour catches up;
a meeting created three days ahead gets no "three weeks before" message.

Members hear only of called meetings: the agenda and the day-before reminder go out only for a
meeting that is indkaldt. A draft still gets the call for topics in the channel (its agenda is
being built), and its secretary is told to call it in time (bot.reminders.call_notice).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.domain import Committee, Meeting, MeetingStatus
from bot.messaging.outbox import Queued, enqueue_many
from bot.people.committees import zone
from bot.ports import UnitOfWork, UnitOfWorkFactory
from bot.reminders.outgoing import outgoing_for
from bot.reminders.settings import (
    AFTER_MEETING,
    MAX_REMINDER_DAYS,
    Kind,
    MeetingTimes,
    ReminderSetting,
    default_setting,
)
from bot.validation import is_id, parse_clock

CATCH_UP = timedelta(hours=24)
BEFORE_STATUSES = frozenset({MeetingStatus.DRAFT, MeetingStatus.CALLED})
AFTER_STATUSES = BEFORE_STATUSES | {MeetingStatus.HELD}
# The kinds that go to members (and guests): only for a meeting that has been called.
TO_MEMBERS = frozenset({Kind.AGENDA, Kind.DAY_BEFORE})


@dataclass
class PlanReport:
    """What one planning round put into the outbox and cancelled."""

    enqueued: list[str] = field(default_factory=list)
    cancelled: int = 0


def settings_for(uow: UnitOfWork, committee_id: int) -> dict[Kind, ReminderSetting]:
    """Every kind's setting: the stored one, else the default."""
    found = {s.kind: s for s in uow.reminders.settings(committee_id)}
    return {kind: found.get(kind) or default_setting(committee_id, kind) for kind in Kind}


def local_moment(day: date, at: time, tz: ZoneInfo) -> datetime:
    """A wall-clock time on a day in the zone, as UTC; a time skipped by DST moves forward."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


class Timed(Protocol):
    """A meeting's times and status (a Meeting, or the cheap MeetingTimes)."""

    @property
    def starts_at(self) -> datetime: ...
    @property
    def ends_at(self) -> datetime: ...
    @property
    def status(self) -> MeetingStatus: ...


def due_time(meeting: Timed, setting: ReminderSetting, tz: ZoneInfo) -> datetime:
    """When this kind is due for this meeting, from the meeting's current start."""
    meeting_day = meeting.starts_at.astimezone(tz).date()
    offset = timedelta(days=setting.days)
    day = meeting_day + offset if setting.kind in AFTER_MEETING else meeting_day - offset
    return local_moment(day, parse_clock(setting.at), tz)


def is_due(meeting: Timed, setting: ReminderSetting, tz: ZoneInfo, now: datetime) -> bool:
    """Due now: enabled, the meeting in the right state, and now inside the catch-up window."""
    if not setting.enabled:
        return False
    due = due_time(meeting, setting, tz)
    if setting.kind in AFTER_MEETING:
        held = meeting.status in AFTER_STATUSES and meeting.ends_at <= now
        return held and due <= now < due + CATCH_UP
    end = min(due + CATCH_UP, meeting.starts_at)
    statuses = {MeetingStatus.CALLED} if setting.kind in TO_MEMBERS else BEFORE_STATUSES
    return meeting.status in statuses and due <= now < end


def start_stamp(meeting: Timed) -> str:
    """The meeting's start in keys: UTC, to the minute."""
    return meeting.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def reminder_key(kind: Kind, meeting: Meeting, who: str, part: str = "") -> str:
    """reminder:<kind>:<meeting id>:<person id or 'channel'>:<meeting start>; a second row to
    the same person (the agenda reminder's dagsorden file) puts its part before the start,
    so the prefix per person and the start at the end hold for it too."""
    middle = f"{part}:" if part else ""
    return f"reminder:{kind.value}:{meeting.id}:{who}:{middle}{start_stamp(meeting)}"


def parse_reminder_key(key: str) -> tuple[Kind, int, int | None] | None:
    """(kind, meeting id, person id) from a reminder key; None for other keys."""
    parts = key.split(":", 4)
    if len(parts) != 5 or parts[0] != "reminder" or not is_id(parts[2]):
        return None
    try:
        kind = Kind(parts[1])
    except ValueError:
        return None
    who = parts[3].partition("+")[0]  # "12+email": person 12's second route
    return kind, int(parts[2]), int(who) if is_id(who) else None


def plan_reminders(uow_factory: UnitOfWorkFactory, now: datetime) -> PlanReport:
    """Put every reminder that is due now into the outbox; one transaction per committee."""
    report = PlanReport()
    with uow_factory() as uow:
        committee_ids = [c.id for c in uow.committees.list() if c.id is not None]
    for committee_id in committee_ids:
        with uow_factory() as uow:
            committee = uow.committees.get(committee_id)
            if committee is not None:
                _plan_committee(uow, committee, now, report)
            uow.commit()
    return report


def _plan_committee(
    uow: UnitOfWork, committee: Committee, now: datetime, report: PlanReport
) -> None:
    assert committee.id is not None
    tz = zone(committee)
    settings = settings_for(uow, committee.id)
    pending = uow.reminders.keys("reminder:", pending_only=True)
    for times in uow.reminders.meeting_times(
        committee.id, now - timedelta(days=MAX_REMINDER_DAYS + 2)
    ):
        report.cancelled += uow.reminders.cancel(stale_keys(times, pending))
        due = [kind for kind in Kind if is_due(times, settings[kind], tz, now)]
        if times.status == MeetingStatus.CANCELLED or not due:
            continue
        meeting = uow.meetings.get(times.id)
        assert meeting is not None
        everyone = uow.people.list()  # held: one query fills the session for the roster
        for kind in due:
            keys = uow.reminders.keys(f"reminder:{kind.value}:{times.id}:")
            done = {_who(key) for key in keys if key.endswith(start_stamp(times))}
            found = list(outgoing_for(uow, kind, committee, meeting, now, skip=done))
            messages = [
                Queued(
                    key=reminder_key(kind, meeting, out.who, out.part),
                    channel=out.route.channel,
                    kind=f"reminder_{kind.value}",
                    recipient=out.route.recipient,
                    payload={**out.route.payload, "committee_id": committee.id},
                )
                for out in found
            ]
            added = enqueue_many(uow, messages, now=now)  # one statement, not one per person
            report.enqueued += [  # the reminders, not the files that follow them
                m.key
                for m, out in zip(messages, found, strict=True)
                if m.key in added and not out.part
            ]
        del everyone


def _who(key: str) -> str:
    parts = key.split(":")
    return parts[3] if len(parts) > 3 else ""


def stale_keys(meeting: MeetingTimes, pending: Sequence[str]) -> list[str]:
    """Pending reminders planned for another start time (or any, once cancelled)."""
    current = start_stamp(meeting)
    stale = []
    for key in pending:
        parsed = parse_reminder_key(key)
        if parsed is None or parsed[1] != meeting.id:
            continue
        if meeting.status == MeetingStatus.CANCELLED or not key.endswith(current):
            stale.append(key)
    return stale


def cancel_for_person(
    uow: UnitOfWork, meeting_id: int, person_id: int, kinds: Sequence[Kind]
) -> int:
    """Cancel a person's pending reminders for a meeting (after regrets)."""
    keys: list[str] = []
    for kind in kinds:
        for who in (f"{person_id}:", f"{person_id}+"):  # every route of theirs
            prefix = f"reminder:{kind.value}:{meeting_id}:{who}"
            keys += uow.reminders.keys(prefix, pending_only=True)
    return uow.reminders.cancel(keys)
