"""The secretary hears in time that a draft meeting must be called.

The agenda reaches the members at least two weeks before the meeting (overenskomst om almen
praksis § 102), and it reaches them only with a called meeting: a draft (kladde) gets no agenda
reminder (bot.reminders.planning). A meeting not called in time is the secretary's problem to
hear about, not the members'. So while a meeting is a draft, its secretary (a Slack DM, else
the secretariat's e-mail) is told twice, at the agenda reminder's hour: DAYS_AHEAD days before
the agenda is due ("soon"), and on the day it is due ("due"). The deadline follows the
committee's agenda setting (`reminders set dagsorden`); with that reminder off, no notices.

Keys: call:<stage>:<meeting id>:<deadline, local date>, so each notice goes out once whichever
clock plans it; a moved meeting or a changed setting has a new deadline and fresh notices.
As with the reminders, a notice is sent only within CATCH_UP after its moment and before the
meeting starts; a meeting called in the meantime gets no further notice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import Committee, Meeting, MeetingStatus
from bot.messaging.message import Message, text
from bot.messaging.outbox import Queued, enqueue_many
from bot.messaging.recipients import to_secretariat
from bot.people.committees import zone
from bot.ports import UnitOfWork, UnitOfWorkFactory
from bot.reminders.planning import CATCH_UP, Timed, due_time, local_moment, settings_for
from bot.reminders.settings import Kind, ReminderSetting
from bot.time.parse import format_date
from bot.validation import parse_clock

DAYS_AHEAD = 3
STAGES = {"soon": DAYS_AHEAD, "due": 0}


@dataclass(frozen=True)
class Notice:
    """One notice to call a meeting: when it is due and the agenda deadline it names."""

    stage: str
    at: datetime
    deadline: date


def notices(meeting: Timed, agenda: ReminderSetting, tz: ZoneInfo) -> list[Notice]:
    """The notices a draft meeting gets, from the agenda reminder's current due time."""
    if not agenda.enabled or meeting.status != MeetingStatus.DRAFT:
        return []
    deadline = due_time(meeting, agenda, tz).astimezone(tz).date()
    at = parse_clock(agenda.at)  # the agenda reminder's hour, in local time across DST
    return [
        Notice(stage, local_moment(deadline - timedelta(days=days), at, tz), deadline)
        for stage, days in STAGES.items()
    ]


def notice_is_due(meeting: Timed, notice: Notice, now: datetime) -> bool:
    """Inside the notice's catch-up window, and before the meeting starts."""
    return notice.at <= now < min(notice.at + CATCH_UP, meeting.starts_at)


def notice_key(meeting_id: int, notice: Notice) -> str:
    """call:<stage>:<meeting id>:<deadline>."""
    return f"call:{notice.stage}:{meeting_id}:{notice.deadline.isoformat()}"


def plan_call_notices(uow_factory: UnitOfWorkFactory, now: datetime) -> list[str]:
    """Queue every notice to call a meeting that is due now; the keys queued."""
    queued: list[str] = []
    with uow_factory() as uow:
        committee_ids = [c.id for c in uow.committees.list() if c.id is not None]
    for committee_id in committee_ids:
        with uow_factory() as uow:
            committee = uow.committees.get(committee_id)
            if committee is not None:
                queued += _plan_committee(uow, committee, now)
            uow.commit()
    return queued


def _plan_committee(uow: UnitOfWork, committee: Committee, now: datetime) -> list[str]:
    assert committee.id is not None
    tz = zone(committee)
    agenda = settings_for(uow, committee.id)[Kind.AGENDA]
    messages = []
    for times in uow.reminders.meeting_times(committee.id, now):
        for notice in notices(times, agenda, tz):
            if not notice_is_due(times, notice, now):
                continue
            meeting = uow.meetings.get(times.id)
            assert meeting is not None and meeting.id is not None
            message = _message(uow, committee, meeting, notice, now, tz)
            if message is not None:
                messages.append(message)
    added = enqueue_many(uow, messages, now=now)
    return [m.key for m in messages if m.key in added]


def _message(
    uow: UnitOfWork,
    committee: Committee,
    meeting: Meeting,
    notice: Notice,
    now: datetime,
    tz: ZoneInfo,
) -> Queued | None:
    assert meeting.id is not None
    day = format_date(meeting.starts_at.astimezone(tz).date())
    deadline = format_date(notice.deadline)
    template = texts.CALL_NOTICE_TODAY if notice.stage == "due" else texts.CALL_NOTICE
    line = template.format(date=day, deadline=deadline)
    route = to_secretariat(
        uow,
        committee,
        now.astimezone(tz).date(),
        chat=Message(paragraphs=text(line + "\n" + texts.CALL_NOTICE_HOW.format(id=meeting.id))),
        mail=Message(
            subject=texts.CALL_NOTICE_SUBJECT.format(date=day),
            paragraphs=text(line + "\n\n" + texts.CALL_NOTICE_HOW_MAIL.format(id=meeting.id)),
        ),
    )
    if route is None:
        return None
    return Queued(
        key=notice_key(meeting.id, notice),
        channel=route.channel,
        kind="call_notice",
        recipient=route.recipient,
        payload={**route.payload, "committee_id": committee.id},
    )
