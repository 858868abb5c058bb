"""Corrections after approval: log who changed what, and update the posted summary in place."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.domain import AgendaItem, Committee, Meeting, MeetingStatus, MinutesChange, Person
from bot.messaging import outbox
from bot.messaging.message import Address, to_payload
from bot.minutes.model import MinutesRecord
from bot.minutes.record import load_record
from bot.minutes.summary import summary_message
from bot.minutes.topic_outcomes import settle_topics
from bot.ports import UnitOfWork


@dataclass(frozen=True)
class FieldChange:
    """One field of one item (or of the meeting when item is None) that changed."""

    item: AgendaItem | None
    field: str
    old: str
    new: str


def summary_key(meeting_id: int) -> str:
    """The outbox key of the summary post in the committee channel."""
    return f"minutes-summary:{meeting_id}"


def summary_payload(record: MinutesRecord, channel: str) -> dict[str, Any]:
    """The outbox payload of the summary posted to the committee channel."""
    return to_payload(replace(summary_message(record), address=Address.channel(channel)))


def after_change(
    uow: UnitOfWork,
    committee: Committee,
    meeting: Meeting,
    changes: Sequence[FieldChange],
    *,
    actor: Person | None,
    now: datetime,
) -> None:
    """For approved minutes: log the changes, settle topics, refresh the posted summary."""
    if meeting.status != MeetingStatus.MINUTES_APPROVED or not changes:
        return
    assert meeting.id is not None
    for change in changes:
        uow.minutes_changes.add(
            MinutesChange(
                meeting_id=meeting.id,
                at=now,
                field=change.field,
                old=change.old,
                new=change.new,
                item_id=change.item.id if change.item else None,
                actor_id=actor.id if actor else None,
                actor_name=actor.name if actor else "",
            )
        )
    uow.flush()
    settle_topics(uow, meeting, actor=actor, now=now)
    refresh_summary(uow, committee, meeting, now=now)


def refresh_summary(
    uow: UnitOfWork, committee: Committee, meeting: Meeting, *, now: datetime
) -> None:
    """Rewrite a summary not yet sent (also one queued in an older format); replace the
    message already posted (the way out's result names it) with the new one."""
    assert meeting.id is not None
    posted = uow.outbox.get(summary_key(meeting.id))
    if posted is None:
        return
    record = load_record(uow, committee, meeting)
    if posted.status == outbox.PENDING:
        payload = summary_payload(record, posted.recipient)
        posted.payload = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        return
    if posted.status != outbox.SENT or not posted.result:
        return
    earlier = replace(summary_message(record), address=Address.earlier(posted.result))
    count = len(uow.minutes_changes.for_meeting(meeting.id))
    outbox.enqueue(
        uow,
        key=f"minutes-summary-update:{meeting.id}:{count}",
        channel=outbox.SLACK,
        kind="minutes_summary_update",
        recipient=posted.recipient,
        payload=to_payload(earlier),
        now=now,
    )
