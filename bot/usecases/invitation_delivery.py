"""Turns one Change into outbox rows: a Slack DM and .ics file, and an iMIP e-mail.

Each file is made for its recipient alone (the only ATTENDEE), so calendar clients offer
Accept/Decline. Keys are (meeting, person, sequence, channel): a retry never sends twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import outbox, texts
from bot.calendar import Attendee, CalendarEvent, build_ics, invitation_text
from bot.calendar.ics import CANCEL as METHOD_CANCEL
from bot.calendar.ics import REQUEST as METHOD_REQUEST
from bot.domain import AttendanceStatus, CalendarCopy, Committee, Meeting, Person
from bot.invitations_text import dm_blocks
from bot.ports import UnitOfWork
from bot.timeparse import format_span
from bot.usecases.calendar_plan import CANCEL, REQUEST, Change

KIND_INVITE = "calendar_invite"
FILENAMES = {REQUEST: "invitation.ics", "update": "opdatering.ics", CANCEL: "aflysning.ics"}
PARTSTATS = {AttendanceStatus.REGRETS: "DECLINED", AttendanceStatus.ATTENDING: "ACCEPTED"}


@dataclass
class SendReport:
    """What one round of invitations did, for the secretary's answer."""

    meeting_id: int
    email_enabled: bool = True
    requests: int = 0
    updates: int = 0
    cancels: int = 0
    slack: int = 0
    email: int = 0
    missed: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Changes in this round."""
        return self.requests + self.updates + self.cancels


def _event(
    committee: Committee,
    meeting: Meeting,
    person: Person,
    change: Change,
    now: datetime,
    partstat: str,
) -> CalendarEvent:
    want, copy = change.wanted, change.copy
    assert person.email is not None
    cancel = change.kind == CANCEL
    if want is not None:
        uid, start, end, where = want.uid, want.start, want.end, want.location
        summary, description, role = want.summary, want.description, want.role
    else:
        assert copy is not None
        uid, start, end, where = copy.uid, copy.starts_at, copy.ends_at, copy.location
        summary, description = meeting.title, texts.INVITE_CANCEL_DESCRIPTION
        role = "REQ-PARTICIPANT"
    return CalendarEvent(
        uid=uid,
        sequence=change.sequence,
        method=METHOD_CANCEL if cancel else METHOD_REQUEST,
        summary=summary,
        start=start,
        end=end,
        tzid=committee.timezone,
        location=where,
        description=description,
        organizer_name=committee.secretariat_name,
        organizer_email=committee.secretariat_email,
        attendees=(
            Attendee(person.name, person.email, role, partstat, partstat == "NEEDS-ACTION"),
        ),
        dtstamp=now,
        status="CANCELLED" if cancel else "CONFIRMED",
    )


def deliver(
    uow: UnitOfWork,
    committee: Committee,
    meeting: Meeting,
    change: Change,
    *,
    now: datetime,
    report: SendReport,
) -> None:
    """Enqueue this change for its person on every channel they have, and record the copy."""
    person = change.wanted.person if change.wanted else uow.people.get(change.person_id)
    assert person is not None and meeting.id is not None
    attendance = uow.attendance.get(meeting.id, change.person_id)
    partstat = PARTSTATS.get(attendance.status, "NEEDS-ACTION") if attendance else "NEEDS-ACTION"
    key = f"cal:{meeting.id}:{change.person_id}:{change.sequence}"
    common: dict[str, Any] = {"committee_id": committee.id, "meeting_id": meeting.id}
    tz = ZoneInfo(committee.timezone)
    event = _event(committee, meeting, person, change, now, partstat) if person.email else None
    ics = build_ics(event).decode("utf-8") if event else ""
    reached = False
    if person.slack_user_id:
        reached = True
        report.slack += 1
        _slack(uow, key, person.slack_user_id, meeting, change, event, ics, tz, now, common)
    organizer = (person.email or "").lower() == committee.secretariat_email.lower()
    if event is not None and not organizer and report.email_enabled:
        reached = True
        report.email += 1
        subject, text = invitation_text(event, person.name)
        payload: dict[str, Any] = {
            "ics": ics,
            "method": event.method,
            "subject": subject,
            "text": text,
        }
        payload |= {"to_name": person.name, "from_name": committee.secretariat_name}
        payload |= {"filename": FILENAMES[change.kind], **common}
        outbox.enqueue(
            uow,
            key=f"{key}:email",
            channel=outbox.EMAIL,
            kind=KIND_INVITE,
            recipient=person.email or "",
            payload=payload,
            now=now,
        )
    if not reached and not organizer:
        report.missed.append(person.name)
    _record(uow, meeting, change, now)
    if change.kind == REQUEST:
        report.requests += 1
    elif change.kind == CANCEL:
        report.cancels += 1
    else:
        report.updates += 1


def _slack(
    uow: UnitOfWork,
    key: str,
    user: str,
    meeting: Meeting,
    change: Change,
    event: CalendarEvent | None,
    ics: str,
    tz: ZoneInfo,
    now: datetime,
    common: dict[str, Any],
) -> None:
    want, copy = change.wanted, change.copy
    assert meeting.id is not None
    if want is not None:
        summary, start, end, place = want.summary, want.start, want.end, want.location
        body = want.description
    else:
        assert copy is not None
        summary, start, end, place = meeting.title, copy.starts_at, copy.ends_at, copy.location
        member = copy.uid == meeting.calendar_uid
        template = texts.INVITE_DM_CANCEL_TEXT if member else texts.INVITE_DM_GUEST_CANCEL_TEXT
        body = template.format(when=format_span(start, end, tz))
    text, blocks = dm_blocks(
        meeting_id=meeting.id,
        summary=summary,
        start=start,
        end=end,
        place=place,
        body=body,
        tz=tz,
        kind=change.kind,
    )
    dm = {"op": "dm", "user": user, "text": text, "blocks": blocks, **common}
    outbox.enqueue(
        uow,
        key=f"{key}:dm",
        channel=outbox.SLACK,
        kind=KIND_INVITE,
        recipient=user,
        payload=dm,
        now=now,
    )
    if event is None:
        return
    upload = {"op": "upload", "user": user, "content": ics, "filename": FILENAMES[change.kind]}
    upload["title"] = texts.INVITE_FILE_TITLE.format(title=summary)
    outbox.enqueue(
        uow,
        key=f"{key}:file",
        channel=outbox.SLACK,
        kind=KIND_INVITE,
        recipient=user,
        payload={**upload, **common},
        now=now,
    )


def _record(uow: UnitOfWork, meeting: Meeting, change: Change, now: datetime) -> None:
    """Remember what the person now holds, so the next change is compared with it."""
    assert meeting.id is not None
    copy, want = change.copy, change.wanted
    if copy is None:
        assert want is not None
        copy = CalendarCopy(
            meeting_id=meeting.id,
            person_id=change.person_id,
            uid=want.uid,
            sequence=0,
            starts_at=want.start,
            ends_at=want.end,
        )
        uow.calendar.add_copy(copy)
    copy.sequence, copy.sent_at = change.sequence, now
    copy.cancelled = change.kind == CANCEL
    if want is not None:
        copy.uid, copy.starts_at, copy.ends_at = want.uid, want.start, want.end
        copy.location, copy.slots = want.location, want.slots
