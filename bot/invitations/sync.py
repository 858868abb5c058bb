"""Calendar invitations kept in step with the meeting: send, update (debounced), cancel.

Debounce: every edit of a called meeting bumps a version in calendar_syncs (one UPDATE, in the
edit's own transaction) and sets changed_at (and first_changed_at, if no edit was waiting). The
clock/worker calls sync_due(); a meeting is synced once nothing changed for QUIET, or once its
oldest unsent edit is MAX_DELAY old, so continuous editing cannot hold members' calendars back
for long. A meeting where someone had no route (no Slack, no e-mail) stays due (`unreached`)
until they have been sent their copy. Syncing locks the meeting row, compares what everyone
should hold with what they last received (calendar_copies) and enqueues only the differences
with outbox keys (meeting, person, sequence, channel): two workers, a retry or a re-run can
never send the same update twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import LIVE, AttendanceStatus, CalendarSync, Committee, Meeting, MeetingStatus
from bot.errors import ConflictError, InputError, NotFoundError
from bot.invitations.copies import UPDATE, CopyChange, changes, wanted_copies
from bot.invitations.delivery import SendReport, deliver
from bot.meetings.changes import note_change
from bot.meetings.planning import new_calendar_uid
from bot.people.committees import zone
from bot.ports import UnitOfWork
from bot.time.parse import format_span, parse_meeting_time
from bot.validation import optional_line, parse_clock

log = logging.getLogger(__name__)
QUIET = timedelta(seconds=60)
MAX_DELAY = timedelta(minutes=10)


def _locked(uow: UnitOfWork, meeting_id: int) -> tuple[Meeting, Committee]:
    uow.calendar.begin_sync(meeting_id)  # first statement: serialises concurrent syncs
    meeting = uow.meetings.lock(meeting_id)
    if meeting is None:
        raise NotFoundError(texts.UNKNOWN_MEETING.format(ref=meeting_id))
    committee = uow.committees.get(meeting.committee_id)
    assert committee is not None
    return meeting, committee


def _sync(
    uow: UnitOfWork,
    committee: Committee,
    meeting: Meeting,
    now: datetime,
    email_enabled: bool,
    mailbox: str = "",
) -> SendReport:
    """Send what differs from what everyone holds; catch the change marker up. `mailbox` is
    the address the bot reads (MAIL_FROM): the ORGANIZER of every copy, so answers come back."""
    assert meeting.id is not None
    report = SendReport(meeting.id, email_enabled=email_enabled, mailbox=mailbox)
    state = uow.calendar.state(meeting.id)
    tz = zone(committee)
    today = now.astimezone(tz).date()
    wanted = wanted_copies(uow, committee, meeting, today)
    since = state.first_changed_at if state is not None else None
    for change in changes(meeting, uow.calendar.copies(meeting.id), wanted):
        regrets_for = _renew_regrets(uow, meeting, change, since, tz)
        if regrets_for is not None and change.wanted is not None:
            report.asked_again.append(change.wanted.person.name)
        deliver(uow, committee, meeting, change, now=now, report=report, regrets_for=regrets_for)
    members = [c.sequence for c in uow.calendar.copies(meeting.id) if c.uid == meeting.calendar_uid]
    meeting.calendar_sequence = max([meeting.calendar_sequence, *members])
    if state is not None:
        uow.calendar.mark_synced(meeting.id, state.version)
    waiting = report.unreached and meeting.ends_at > now
    if waiting or (state is not None and state.unreached):
        uow.calendar.set_unreached(meeting.id, waiting)
    return report


def _renew_regrets(
    uow: UnitOfWork, meeting: Meeting, change: CopyChange, since: datetime | None, tz: ZoneInfo
) -> datetime | None:
    """Regrets given for the day the person's copy shows, when the meeting moves to another
    day, no longer hold: they are set back to invited and the update asks again. Returns the
    old start, or None. Regrets given after the first unsent edit were given for the meeting as
    it then stood, and are kept."""
    copy, want = change.copy, change.wanted
    if change.kind != UPDATE or copy is None or want is None or copy.cancelled:
        return None
    if copy.starts_at.astimezone(tz).date() == want.start.astimezone(tz).date():
        return None
    assert meeting.id is not None
    row = uow.attendance.get(meeting.id, change.person_id)
    if row is None or row.status != AttendanceStatus.REGRETS:
        return None
    if since is not None and row.registered_at > since:
        return None
    row.status, row.reason, row.via = AttendanceStatus.INVITED, "", "flyttet"
    return copy.starts_at


class MissingOrganizerError(InputError):
    """No secretariat to stand as organiser; the message gives the Slack way (the CLI its own)."""


def _require_organizer(committee: Committee) -> None:
    if not committee.secretariat_name.strip() or "@" not in committee.secretariat_email:
        raise MissingOrganizerError(texts.INVITE_NO_ORGANIZER)


def send_invitations(
    uow: UnitOfWork, meeting_id: int, *, now: datetime, email_enabled: bool, mailbox: str = ""
) -> SendReport:
    """Call the meeting (indkaldt) and send everyone what they do not have yet."""
    with uow:
        meeting, committee = _locked(uow, meeting_id)
        _require_organizer(committee)
        meeting.call(now)
        if not meeting.calendar_uid:
            meeting.calendar_uid = new_calendar_uid()
        report = _sync(uow, committee, meeting, now, email_enabled, mailbox)
        uow.commit()
        return report


def cancel_meeting(
    uow: UnitOfWork, meeting_id: int, *, now: datetime, email_enabled: bool, mailbox: str = ""
) -> SendReport:
    """Cancel the meeting; everyone holding an invitation gets a cancellation at once."""
    with uow:
        meeting, committee = _locked(uow, meeting_id)
        meeting.cancel()
        report = _sync(uow, committee, meeting, now, email_enabled, mailbox)
        uow.commit()
        return report


def reschedule_meeting(
    uow: UnitOfWork, meeting_id: int, when: str, *, place: str = "", now: datetime
) -> Meeting:
    """Move the meeting to a new time (Danish free text) and/or place; updates follow."""
    with uow:
        meeting, committee = _locked(uow, meeting_id)
        if meeting.status not in LIVE:
            status = texts.MEETING_STATUS_NAMES[meeting.status]
            raise ConflictError(texts.INVITE_NOT_LIVE.format(id=meeting_id, status=status))
        if when.strip():
            meeting.starts_at, meeting.ends_at = parse_meeting_time(
                when,
                tz=zone(committee),
                now=now,
                default_start=parse_clock(committee.default_start),
                default_end=parse_clock(committee.default_end),
            )
        if place.strip():
            meeting.place = optional_line(place, texts.FIELD_PLACE, limit=300)
        note_change(uow, meeting, now)
        uow.commit()
        return meeting


def sync_due(
    uow_factory: Callable[[], UnitOfWork],
    *,
    now: datetime,
    email_enabled: bool,
    quiet: timedelta = QUIET,
    mailbox: str = "",
) -> list[SendReport]:
    """Send the updates of every meeting that has been quiet for `quiet` since its last edit
    (or edited for MAX_DELAY), and what someone not reached before can now be sent."""
    with uow_factory() as uow:
        pending = list(uow.calendar.pending())
    for state in pending:
        if state.edited and state.changed_at is None:  # an edit that did not know the time
            with uow_factory() as uow:
                uow.calendar.stamp(state.meeting_id, now)
                uow.commit()
    reports = []
    for state in pending:
        if not _due(state, now, quiet):
            continue
        try:
            report = _sync_one(uow_factory(), state.meeting_id, now, email_enabled, quiet, mailbox)
        except Exception:
            log.exception(
                "calendar sync of meeting %s failed; retried next round", state.meeting_id
            )
            continue
        if report is not None:
            reports.append(report)
    return reports


def _due(state: CalendarSync, now: datetime, quiet: timedelta) -> bool:
    """Quiet for `quiet`, or edited for MAX_DELAY without a pause; or only someone to reach."""
    if not state.edited:
        return state.unreached
    if state.changed_at is None:
        return False  # stamped first (sync_due), so the debounce starts now
    if state.changed_at <= now - quiet:
        return True
    first = state.first_changed_at
    return first is not None and first <= now - max(MAX_DELAY, quiet)


def _sync_one(
    uow: UnitOfWork,
    meeting_id: int,
    now: datetime,
    email_enabled: bool,
    quiet: timedelta,
    mailbox: str = "",
) -> SendReport | None:
    with uow:
        meeting, committee = _locked(uow, meeting_id)  # serialises workers (FOR UPDATE)
        state = uow.calendar.state(meeting_id)
        if state is None or not (state.edited or state.unreached):
            return None  # another worker got here first
        if not _due(state, now, quiet):
            return None  # edited again meanwhile
        if meeting.status in (MeetingStatus.CALLED, MeetingStatus.CANCELLED):
            report: SendReport | None = _sync(uow, committee, meeting, now, email_enabled, mailbox)
        else:
            uow.calendar.mark_synced(meeting_id, state.version)
            report = None
        uow.commit()
        return report


def report_text(report: SendReport, committee: Committee | None = None) -> str:
    """The Danish answer to the secretary."""
    if report.total == 0:
        nothing = texts.INVITE_NOTHING_QUEUED if report.unreached else texts.INVITE_NOTHING
        lines = [nothing.format(id=report.meeting_id)]
    else:
        lines = [
            texts.INVITE_SENT.format(
                id=report.meeting_id,
                requests=report.requests,
                updates=report.updates,
                cancels=report.cancels,
                slack=report.slack,
                email=report.email,
            )
        ]
    if not report.email_enabled and report.total:
        lines.append(texts.INVITE_NO_SMTP)
    if report.waiting_for_email:
        names = ", ".join(report.waiting_for_email)
        lines.append(texts.INVITE_NO_SMTP_MISSED.format(names=names))
    if report.missed:
        lines.append(texts.INVITE_UNREACHABLE.format(names=", ".join(report.missed)))
    if report.asked_again:
        names = ", ".join(report.asked_again)
        lines.append(texts.INVITE_REGRETS_ASKED_AGAIN.format(names=names))
    return "\n".join(lines)


def moved_text(meeting: Meeting, committee: Committee) -> str:
    """Answer after a reschedule: the new time and that updates follow."""
    when = format_span(meeting.starts_at, meeting.ends_at, ZoneInfo(committee.timezone))
    head = texts.INVITE_MOVED.format(id=meeting.id, when=when, place=meeting.place)
    if meeting.status == MeetingStatus.CALLED:
        return head + "\n" + texts.INVITE_UPDATES_LATER
    return head
