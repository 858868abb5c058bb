"""Creating meetings and finding them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot import texts
from bot.domain import LIVE, AgendaItem, Committee, Meeting, Section
from bot.errors import ConflictError, NotFoundError
from bot.people.committees import zone
from bot.ports import UnitOfWork
from bot.time.parse import format_span, parse_meeting_time
from bot.validation import is_id, optional_line, parse_clock

DEFAULT_ITEMS = (
    (Section.APPROVAL, texts.SECTION_TITLES[1], 5),
    (Section.AOB, texts.SECTION_TITLES[4], 10),
)


@dataclass(frozen=True)
class NewMeeting:
    """What the secretary gives to create a meeting; `when` is Danish free text."""

    when: str
    place: str = ""
    title: str = ""
    case_no: str = ""
    doc_no: str = ""
    default_items: bool = True


def new_calendar_uid(domain: str = "klu-bot") -> str:
    """A globally unique UID for the meeting's invitations (RFC 5545 §3.8.4.7)."""
    return f"{uuid.uuid4()}@{domain}"


def build_meeting(committee: Committee, spec: NewMeeting, *, now: datetime) -> Meeting:
    """Validate the description into a draft meeting (not yet stored)."""
    assert committee.id is not None
    start, end = parse_meeting_time(
        spec.when,
        tz=zone(committee),
        now=now,
        default_start=parse_clock(committee.default_start),
        default_end=parse_clock(committee.default_end),
    )
    meeting = Meeting(
        committee_id=committee.id,
        title=optional_line(spec.title, texts.FIELD_TITLE, limit=300)
        or texts.DEFAULT_MEETING_TITLE.format(name=committee.name),
        starts_at=start,
        ends_at=end,
        place=optional_line(spec.place, texts.FIELD_PLACE, limit=300) or committee.default_place,
        case_no=optional_line(spec.case_no, texts.FIELD_CASE_NO, limit=100),
        doc_no=optional_line(spec.doc_no, texts.FIELD_DOC_NO, limit=100),
        calendar_uid=new_calendar_uid(),
    )
    if spec.default_items:
        for position, (section, title, minutes) in enumerate(DEFAULT_ITEMS, start=1):
            meeting.items.append(
                AgendaItem(section=section, position=position, title=title, planned_minutes=minutes)
            )
    return meeting


def check_no_overlap(uow: UnitOfWork, committee: Committee, meeting: Meeting) -> None:
    """Refuse a second live meeting of the committee at an overlapping time (file loaded twice)."""
    assert committee.id is not None
    for other in uow.meetings.for_committee(committee.id, after=meeting.starts_at, statuses=LIVE):
        if other is not meeting and other.starts_at < meeting.ends_at:
            raise ConflictError(
                texts.MEETING_OVERLAPS.format(
                    when=format_span(other.starts_at, other.ends_at, zone(committee)), id=other.id
                )
            )


def get_meeting(uow: UnitOfWork, meeting_id: int) -> Meeting:
    """The meeting with its agenda, or a Danish NotFoundError."""
    meeting = uow.meetings.get(meeting_id)
    if meeting is None:
        raise NotFoundError(texts.UNKNOWN_MEETING.format(ref=meeting_id))
    return meeting


def upcoming(uow: UnitOfWork, committee: Committee, now: datetime) -> Sequence[Meeting]:
    """Meetings not yet over and not cancelled, soonest first."""
    assert committee.id is not None
    return uow.meetings.for_committee(committee.id, after=now, statuses=LIVE)


def next_meeting(uow: UnitOfWork, committee: Committee, now: datetime) -> Meeting:
    """The next meeting that has not ended, or a Danish NotFoundError."""
    meetings = upcoming(uow, committee, now)
    if not meetings:
        raise NotFoundError(texts.NO_NEXT_MEETING)
    return meetings[0]


def resolve_meeting(
    uow: UnitOfWork, committee: Committee, ref: str | None, now: datetime
) -> Meeting:
    """A meeting by id ('12'), or the next one when no reference is given."""
    if ref is None or not str(ref).strip() or str(ref).strip() in ("næste", "next"):
        return next_meeting(uow, committee, now)
    text = str(ref).strip().lstrip("#")
    if not is_id(text):
        raise NotFoundError(texts.UNKNOWN_MEETING.format(ref=ref))
    meeting = get_meeting(uow, int(text))
    if meeting.committee_id != committee.id:
        raise NotFoundError(texts.UNKNOWN_MEETING.format(ref=ref))
    return meeting
