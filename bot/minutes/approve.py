"""Approving the minutes: the meeting becomes referat_godkendt, the summary goes out once.

The summary is posted to the committee channel with the full minutes attached (PDF when a
renderer is given), sent by DM (or e-mail) to everyone who sent regrets, postponed items are
carried forward and dealt-with topics leave the bruttoliste. Approving twice sends nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from bot import texts
from bot.domain import (
    AgendaItem,
    AttendanceStatus,
    Committee,
    Meeting,
    MeetingStatus,
    Person,
    Role,
)
from bot.errors import ConflictError
from bot.meetings.carryover import carry_forward
from bot.meetings.planning import get_meeting
from bot.messaging import outbox
from bot.messaging.message import Address, File, Message, text, to_payload
from bot.messaging.recipients import enqueue_routes, routes
from bot.minutes.corrections import summary_key, summary_payload
from bot.minutes.model import MINUTES, MinutesRecord
from bot.minutes.record import load_record
from bot.minutes.recording import recordable
from bot.minutes.summary import record_date, summary_for_regrets, summary_message
from bot.minutes.topic_outcomes import settle_topics
from bot.ports import UnitOfWork


@dataclass
class Approval:
    """What approving did."""

    meeting: Meeting
    already: bool
    posted: bool
    regrets_sent: int
    carried: list[tuple[AgendaItem, Meeting]] = field(default_factory=list)


def approve_minutes(
    uow: UnitOfWork,
    committee: Committee,
    meeting_id: int,
    *,
    actor: Person | None,
    now: datetime,
    document: bool = False,
) -> Approval:
    """Approve the minutes and send the decision summary (idempotent); with `document`, the
    referat's PDF follows it into the channel (rendered by the outbox when it is sent)."""
    with uow:
        meeting = uow.meetings.lock(meeting_id) or get_meeting(uow, meeting_id)  # one at a time
        recordable(meeting, committee, now)
        if not meeting.items:
            raise ConflictError(texts.MINUTES_NOTHING_TO_APPROVE)
        already = meeting.status == MeetingStatus.MINUTES_APPROVED
        meeting.approve(now)
        settle_topics(uow, meeting, actor=actor, now=now)
        uow.flush()
        record = load_record(uow, committee, meeting)
        posted = _post(uow, record, now, document) if not already else False
        sent = _to_regrets(uow, record, now, document) if not already else 0
        carried = carry_forward(uow, committee)
        uow.commit()
        return Approval(meeting, already, posted, sent, carried)


def _post(uow: UnitOfWork, record: MinutesRecord, now: datetime, document: bool) -> bool:
    channel = record.committee.slack_channel_id
    meeting_id = record.meeting.id
    assert meeting_id is not None
    if not channel:
        return False
    outbox.enqueue(
        uow,
        key=summary_key(meeting_id),
        channel=outbox.SLACK,
        kind="minutes_summary",
        recipient=channel,
        payload=summary_payload(record, channel),
        now=now,
    )
    if document:
        date = record_date(record)
        outbox.enqueue(
            uow,
            key=f"minutes-document:{meeting_id}",
            channel=outbox.SLACK,
            kind="minutes_document",
            recipient=channel,
            payload=to_payload(
                Message(
                    address=Address.channel(channel),
                    paragraphs=text(texts.SUMMARY_FULL_MINUTES),
                    files=(
                        File(
                            f"referat-{record.meeting.starts_at.date().isoformat()}.pdf",
                            texts.SUMMARY_FILE_TITLE.format(title=record.meeting.title, date=date),
                            document={"kind": MINUTES, "meeting_id": meeting_id},
                        ),
                    ),
                )
            ),
            now=now,
        )
    return True


def _to_regrets(uow: UnitOfWork, record: MinutesRecord, now: datetime, document: bool) -> int:
    """The summary to each person who sent regrets, on each of their routes, and by e-mail to
    every member whose route includes e-mail (the channel post is what Slack members get);
    e-mails carry the referat as a PDF when there is one. Returns how many with regrets."""
    meeting_id = record.meeting.id
    assert meeting_id is not None
    date = record_date(record)
    subject = texts.SUMMARY_EMAIL_SUBJECT.format(title=record.meeting.title, date=date)
    files = (
        (
            File(
                f"referat-{record.meeting.starts_at.date().isoformat()}.pdf",
                texts.SUMMARY_FILE_TITLE.format(title=record.meeting.title, date=date),
                document={"kind": MINUTES, "meeting_id": meeting_id},
            ),
        )
        if document
        else ()
    )
    for_regrets, for_members = summary_for_regrets(record), summary_message(record)
    absent = record.with_status(AttendanceStatus.REGRETS)
    absent_ids = {p.id for p in absent}
    members = [e.person for e in record.roster if e.role != Role.GUEST]
    count = 0
    for person in {p.id: p for p in [*members, *absent]}.values():
        message = for_regrets if person.id in absent_ids else for_members
        mail = replace(message, subject=subject, files=files)
        found = routes(person, chat=message, mail=mail)
        if person.id not in absent_ids:
            found = [r for r in found if r.channel == outbox.EMAIL]
        key = f"minutes-summary-dm:{meeting_id}:{person.id}"
        reached = enqueue_routes(uow, key, "minutes_summary_dm", found, now=now)
        if reached and person.id in absent_ids:
            count += 1
    return count


def approved_text(date: str, regrets_sent: int, *, posted: bool) -> str:
    """What the secretary is told after approving: where the summary went, truthfully."""
    if posted:
        dms = texts.MINUTES_APPROVED_DMS.format(count=regrets_sent) if regrets_sent else ""
        return texts.MINUTES_APPROVED.format(date=date, dms=dms)
    dms = texts.MINUTES_APPROVED_NO_CHANNEL_DMS.format(count=regrets_sent) if regrets_sent else ""
    return texts.MINUTES_APPROVED_NO_CHANNEL.format(date=date) + dms
