"""Turns one CopyChange into outbox rows: a direct message and its .ics file, and an iMIP e-mail.

Each file is made for its recipient alone (the only ATTENDEE), so calendar clients offer
Accept/Decline. Keys are (meeting, person, sequence, channel): a retry never sends twice.
A member's invitation and updates also carry the dagsorden as a PDF (a third Slack row, an
attachment beside the .ics in the e-mail), named by reference and rendered when it is sent
(bot.invitations.agenda_file); cancellations and guests' copies carry none.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import AttendanceStatus, CalendarCopy, Committee, Meeting, Person
from bot.invitations.agenda_file import agenda_file
from bot.invitations.calendar import Attendee, CalendarEvent, build_ics, invitation_text
from bot.invitations.calendar.ics import CANCEL as METHOD_CANCEL
from bot.invitations.calendar.ics import REQUEST as METHOD_REQUEST
from bot.invitations.content import Held, change_lines, dm_message
from bot.invitations.copies import CANCEL, REQUEST, UPDATE, CopyChange, marks
from bot.messaging import outbox
from bot.messaging.message import Address, File, Message, file_payload, text, to_payload
from bot.messaging.recipients import channels_for
from bot.ports import UnitOfWork
from bot.time.parse import format_span

KIND_INVITE = "calendar_invite"
FILENAMES = {REQUEST: "invitation.ics", "update": "opdatering.ics", CANCEL: "aflysning.ics"}
PARTSTATS = {AttendanceStatus.REGRETS: "DECLINED", AttendanceStatus.ATTENDING: "ACCEPTED"}


@dataclass
class SendReport:
    """What one round of invitations did, for the secretary's answer."""

    meeting_id: int
    email_enabled: bool = True
    mailbox: str = ""  # the address the bot reads (MAIL_FROM); "" = the secretariat's
    requests: int = 0
    updates: int = 0
    cancels: int = 0
    slack: int = 0
    email: int = 0
    missed: list[str] = field(default_factory=list)  # neither Slack nor an e-mail address
    waiting_for_email: list[str] = field(default_factory=list)  # an address, but no SMTP
    asked_again: list[str] = field(default_factory=list)  # regrets for the old day reset

    @property
    def unreached(self) -> bool:
        """Someone should hold a copy but nothing was queued for them."""
        return bool(self.missed or self.waiting_for_email)

    @property
    def total(self) -> int:
        """Changes in this round."""
        return self.requests + self.updates + self.cancels


@dataclass(frozen=True)
class _Shown:
    """What the recipient sees: the wanted event, or (cancelled) the copy they hold."""

    uid: str
    summary: str
    start: datetime
    end: datetime
    place: str
    description: str
    role: str
    member: bool
    changes: tuple[str, ...] = ()


def _held(copy: CalendarCopy) -> Held:
    slots, content, plan = marks(copy.slots)
    return Held(copy.starts_at, copy.ends_at, copy.location, content, plan, slots, copy.cancelled)


def _changes(
    committee: Committee, change: CopyChange, regrets_for: datetime | None
) -> tuple[str, ...]:
    """For an update, the lines that say what changed (nothing for invitations, cancels)."""
    want, copy = change.wanted, change.copy
    if change.kind != UPDATE or want is None or copy is None:
        return ()
    slots, content, plan = marks(want.slots)
    new = Held(want.start, want.end, want.location, content, plan, slots)
    tz = ZoneInfo(committee.timezone)
    return tuple(change_lines(_held(copy), new, tz=tz, guest=want.guest, regrets_for=regrets_for))


def _shown(meeting: Meeting, change: CopyChange, changes: tuple[str, ...]) -> _Shown:
    want, copy = change.wanted, change.copy
    if want is not None:
        return _Shown(
            want.uid,
            want.summary,
            want.start,
            want.end,
            want.location,
            want.description,
            want.role,
            not want.guest,
            changes,
        )
    assert copy is not None
    return _Shown(
        copy.uid,
        meeting.title,
        copy.starts_at,
        copy.ends_at,
        copy.location,
        texts.INVITE_CANCEL_DESCRIPTION,
        "REQ-PARTICIPANT",
        copy.uid == meeting.calendar_uid,
    )


def organizer_address(committee: Committee, mailbox: str) -> str:
    """The ORGANIZER's address: the mailbox the bot reads, so that Accept/Decline come back.

    ORGANIZER is the bot's mailbox with the secretariat's name as CN
    (``ORGANIZER;CN=Sekretariatet:mailto:bot@…``), not the secretariat's address with
    ``SENT-BY`` (RFC 5545 §3.2.18): Outlook sends its answer to the ORGANIZER address, and
    Google Calendar and Apple Calendar ignore SENT-BY (Apple shows it at best), so with
    SENT-BY the answers of Gmail and iCloud users would land in the secretariat's inbox and
    never be registered. The CN keeps the name people see. Without a mailbox (no SMTP, Slack
    only) the secretariat's own address stands, as before."""
    return mailbox or committee.secretariat_email


def _event(
    committee: Committee,
    person: Person,
    change: CopyChange,
    shown: _Shown,
    now: datetime,
    partstat: str,
    mailbox: str = "",
) -> CalendarEvent:
    """The recipient's own VEVENT: they are its only ATTENDEE."""
    assert person.email is not None
    cancel = change.kind == CANCEL
    attendee = Attendee(person.name, person.email, shown.role, partstat, partstat == "NEEDS-ACTION")
    return CalendarEvent(
        uid=shown.uid,
        sequence=change.sequence,
        method=METHOD_CANCEL if cancel else METHOD_REQUEST,
        summary=shown.summary,
        start=shown.start,
        end=shown.end,
        tzid=committee.timezone,
        location=shown.place,
        description=shown.description,
        organizer_name=committee.secretariat_name,
        organizer_email=organizer_address(committee, mailbox),
        attendees=(attendee,),
        dtstamp=now,
        status="CANCELLED" if cancel else "CONFIRMED",
    )


def _count(report: SendReport, kind: str) -> None:
    if kind == REQUEST:
        report.requests += 1
    elif kind == CANCEL:
        report.cancels += 1
    else:
        report.updates += 1


def deliver(
    uow: UnitOfWork,
    committee: Committee,
    meeting: Meeting,
    change: CopyChange,
    *,
    now: datetime,
    report: SendReport,
    regrets_for: datetime | None = None,
) -> None:
    """Enqueue this change for its person on every channel they have, and record the copy.

    A copy counts as held only once a delivery for it was queued: someone with no route now
    keeps the copy they had (or none), is listed in the report, and is sent it by a later
    round once a route exists. `regrets_for` is the old start when their regrets were for a
    day the meeting has left: the update asks them again."""
    person = change.wanted.person if change.wanted else uow.people.get(change.person_id)
    assert person is not None and meeting.id is not None
    attendance = uow.attendance.get(meeting.id, change.person_id)
    partstat = PARTSTATS.get(attendance.status, "NEEDS-ACTION") if attendance else "NEEDS-ACTION"
    shown = _shown(meeting, change, _changes(committee, change, regrets_for))
    mailbox = organizer_address(committee, report.mailbox)
    event = (
        _event(committee, person, change, shown, now, partstat, mailbox) if person.email else None
    )
    ics = build_ics(event).decode("utf-8") if event else ""
    out = _Out(
        uow, f"cal:{meeting.id}:{change.person_id}:{change.sequence}", now, committee, meeting
    )
    # The organiser in name (the secretariat, the CN) and the bot's mailbox get no e-mail copy.
    own = {mailbox.lower(), committee.secretariat_email.lower()}
    organizer = (person.email or "").lower() in own
    agenda = shown.member and change.kind != CANCEL  # the dagsorden goes with it
    reached = False
    chosen = channels_for(person, default_both=True)  # the person's route, else both
    if person.slack_user_id and outbox.SLACK in chosen:
        reached = True
        report.slack += 1
        out.slack(person.slack_user_id, change.kind, shown, ics, agenda=agenda)
    if event is not None and not organizer and report.email_enabled and outbox.EMAIL in chosen:
        reached = True
        report.email += 1
        out.email(
            person,
            change.kind,
            event,
            ics,
            shown.changes,
            _thread(uow, meeting.id, change.person_id, change.sequence),
            agenda=agenda,
        )
    if not reached:
        if organizer:
            pass  # the organiser's own calendar has the meeting; nothing to send by e-mail
        elif person.email:
            report.waiting_for_email.append(person.name)
        else:
            report.missed.append(person.name)
        return
    _record(uow, meeting, change, now)
    _count(report, change.kind)


@dataclass(frozen=True)
class _Out:
    """Enqueues one change's rows under keys '<cal:meeting:person:sequence>:<channel>'."""

    uow: UnitOfWork
    key: str
    now: datetime
    committee: Committee
    meeting: Meeting

    def _put(self, suffix: str, channel: str, recipient: str, payload: dict[str, Any]) -> None:
        common = {"committee_id": self.committee.id, "meeting_id": self.meeting.id}
        outbox.enqueue(
            self.uow,
            key=f"{self.key}:{suffix}",
            channel=channel,
            kind=KIND_INVITE,
            recipient=recipient,
            payload={**payload, **common},
            now=self.now,
        )

    def email(
        self,
        person: Person,
        kind: str,
        event: CalendarEvent,
        ics: str,
        changes: tuple[str, ...],
        thread: list[str],
        *,
        agenda: bool,
    ) -> None:
        """The iMIP e-mail (handlers/mail.py builds the MIME message from this); `thread`:
        Message-ID tokens of the earlier e-mails about this copy, for In-Reply-To/References;
        with `agenda`, the dagsorden PDF is attached beside the .ics."""
        subject, said = invitation_text(event, person.name, changes)
        payload: dict[str, Any] = {
            "ics": ics, "method": event.method, "subject": subject, "text": said,
            "to_name": person.name, "from_name": self.committee.secretariat_name,
        }  # fmt: skip
        if thread:
            payload["references"] = thread
        if agenda:  # in the format of a message's files (bot.messaging.message.File)
            payload["files"] = [file_payload(agenda_file(self.committee, self.meeting))]
        self._put(
            "email", outbox.EMAIL, person.email or "", payload | {"filename": FILENAMES[kind]}
        )

    def slack(self, user: str, kind: str, shown: _Shown, ics: str, *, agenda: bool) -> None:
        """The DM with date, time, place, agenda and the regrets button; then the .ics file
        and, with `agenda`, the dagsorden PDF."""
        assert self.meeting.id is not None
        tz = ZoneInfo(self.committee.timezone)
        body = (
            "\n".join([*shown.changes, "", shown.description])
            if shown.changes
            else shown.description
        )
        if kind == CANCEL:
            template = (
                texts.INVITE_DM_CANCEL_TEXT if shown.member else texts.INVITE_DM_GUEST_CANCEL_TEXT
            )
            body = template.format(when=format_span(shown.start, shown.end, tz))
        message = dm_message(
            meeting_id=self.meeting.id,
            summary=shown.summary,
            start=shown.start,
            end=shown.end,
            place=shown.place,
            body=body,
            tz=tz,
            kind=kind,
        )
        to = Address.person(user)
        self._put("dm", outbox.SLACK, user, to_payload(replace(message, address=to)))
        if ics:
            title = texts.INVITE_FILE_TITLE.format(title=shown.summary)
            file = File(FILENAMES[kind], title, content=ics)
            self._put("file", outbox.SLACK, user, to_payload(Message(address=to, files=(file,))))
        if agenda:
            comment = (
                texts.AGENDA_PDF_COMMENT_UPDATE if kind == UPDATE else texts.AGENDA_PDF_COMMENT
            )
            pdf = Message(
                address=to,
                paragraphs=text(comment),
                files=(agenda_file(self.committee, self.meeting),),
            )
            self._put("agenda", outbox.SLACK, user, to_payload(pdf))


THREAD_LIMIT = 10
"""At most this many earlier e-mails in References: the first and the latest ones."""


def _thread(uow: UnitOfWork, meeting_id: int, person_id: int, sequence: int) -> list[str]:
    """Message-ID tokens of the e-mails this person got about this copy before `sequence`,
    oldest first (RFC 5322 §3.6.4: the last is the parent, In-Reply-To). Rows that failed
    or were cancelled never arrived and are left out."""
    tokens = []
    for earlier in range(sequence):
        row = uow.outbox.get(f"cal:{meeting_id}:{person_id}:{earlier}:email")
        if row is not None and row.status in (outbox.PENDING, outbox.SENT):
            tokens.append(outbox.message_token(row))
    if len(tokens) > THREAD_LIMIT:
        tokens = [tokens[0], *tokens[-(THREAD_LIMIT - 1) :]]
    return tokens


def _record(uow: UnitOfWork, meeting: Meeting, change: CopyChange, now: datetime) -> None:
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
