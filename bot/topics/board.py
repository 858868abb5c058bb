"""Read models for chat views: the bruttoliste board, the next meeting, a member's home."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot import texts
from bot.domain import LIVE, Attendance, AttendanceStatus, Meeting, Person, Role, Topic, TopicStatus
from bot.errors import NotFoundError
from bot.meetings.planning import next_meeting
from bot.people.identity import Caller
from bot.ports import UnitOfWork
from bot.topics.proposals import OPEN_FIRST

SCHEDULE_CHOICES = 4
PAGE_SIZE = 20
HOME_BOARD_TOPICS = 15
BOARD_STATUSES = (TopicStatus.OPEN, TopicStatus.SCHEDULED)
COUNT_CAP = 1000  # a status's topics counted at most; the oldest this many are shown


@dataclass(frozen=True)
class TopicBoard:
    """One page of the open bruttoliste with what is needed to render and manage it.

    `topics` is the page (open first, then scheduled; oldest first within), `total` the
    number of topics on the whole list and `page` the page shown (clamped to the last).
    """

    caller: Caller
    topics: Sequence[Topic]
    people: Mapping[int, Person]
    meetings: Sequence[Meeting]
    total: int
    page: int = 1
    page_size: int = PAGE_SIZE
    capped: bool = False  # more than COUNT_CAP topics of a status: `total` is a lower bound

    @property
    def pages(self) -> int:
        """How many pages the whole list has (at least 1)."""
        return max(1, -(-self.total // self.page_size))


@dataclass(frozen=True)
class MeetingBrief:
    """One meeting with the people its agenda names."""

    caller: Caller
    meeting: Meeting
    people: Mapping[int, Person]


@dataclass(frozen=True)
class Absence:
    """A registered absence (afbud) for a coming meeting."""

    meeting: Meeting
    attendance: Attendance


@dataclass(frozen=True)
class HomeOverview:
    """Everything a member's App Home shows."""

    caller: Caller
    meeting: Meeting | None
    my_topics: Sequence[Topic]
    board: TopicBoard
    absences: Sequence[Absence]


def _people(uow: UnitOfWork) -> dict[int, Person]:
    return {p.id: p for p in uow.people.list() if p.id is not None}


def _people_by_id(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, Person]:
    return {p.id: p for p in uow.people.by_ids(set(ids)) if p.id is not None}


def _board_page(
    uow: UnitOfWork, committee_id: int, page: int, size: int
) -> tuple[list[Topic], int, int, bool]:
    """(topics on the page, total, page, capped) paged in SQL: open topics, then scheduled.
    Counting stops at COUNT_CAP a status, so a huge list costs no more than a long one."""
    counts = [uow.topics.count(committee_id, s, at_most=COUNT_CAP) for s in BOARD_STATUSES]
    total = sum(counts)
    page = min(max(page, 1), max(1, -(-total // size)))
    offset, wanted = (page - 1) * size, size
    shown: list[Topic] = []
    for status, count in zip(BOARD_STATUSES, counts, strict=True):
        if offset >= count:
            offset -= count
            continue
        found = uow.topics.page(committee_id, status, offset=offset, limit=wanted)
        shown += found
        wanted -= len(found)
        offset = 0
        if wanted <= 0:
            break
    return shown, total, page, any(count >= COUNT_CAP for count in counts)


def topic_board(
    uow: UnitOfWork, caller: Caller, now: datetime, page: int = 1, size: int = PAGE_SIZE
) -> TopicBoard:
    """One page of the open and scheduled topics, with the coming meetings the secretary may
    schedule onto; only that page, its proposers and SCHEDULE_CHOICES meetings are loaded."""
    assert caller.committee.id is not None
    with uow:
        topics, total, page, capped = _board_page(uow, caller.committee.id, page, size)
        meetings = _upcoming(uow, caller, now, SCHEDULE_CHOICES, items=False)  # dates only
        people = _people_by_id(uow, (t.proposer_id for t in topics))
        return TopicBoard(caller, topics, people, meetings, total, page, size, capped)


def _upcoming(
    uow: UnitOfWork, caller: Caller, now: datetime, limit: int, *, items: bool = True
) -> list[Meeting]:
    assert caller.committee.id is not None
    found = uow.meetings.for_committee(
        caller.committee.id, after=now, statuses=LIVE, limit=limit, with_items=items
    )
    return list(found)


def meeting_brief(uow: UnitOfWork, caller: Caller, now: datetime) -> MeetingBrief:
    """The next meeting of the caller's committee (one meeting loaded, and the guests it
    names), or a Danish NotFoundError."""
    with uow:
        found = _upcoming(uow, caller, now, 1)
        if not found:
            raise NotFoundError(texts.NO_NEXT_MEETING)
        meeting = found[0]
        guests = (g.person_id for item in meeting.items for g in item.guests)
        return MeetingBrief(caller, meeting, _people_by_id(uow, guests))


def topics_of(uow: UnitOfWork, caller: Caller) -> list[Topic]:
    """The caller's own proposals in this committee, open ones first, newest first within."""
    assert caller.person.id is not None
    mine = [
        t for t in uow.topics.by_proposer(caller.person.id) if t.committee_id == caller.committee.id
    ]
    mine.sort(key=lambda t: t.proposed_at, reverse=True)
    return sorted(mine, key=lambda t: OPEN_FIRST[t.status])


def absences_of(uow: UnitOfWork, caller: Caller, now: datetime) -> list[Absence]:
    """The caller's registered regrets for meetings that have not ended."""
    assert caller.person.id is not None
    found = []
    for attendance in uow.attendance.for_person(caller.person.id):
        if attendance.status != AttendanceStatus.REGRETS:
            continue
        meeting = uow.meetings.get(attendance.meeting_id)
        if meeting and meeting.committee_id == caller.committee.id and meeting.ends_at > now:
            found.append(Absence(meeting, attendance))
    return sorted(found, key=lambda a: a.meeting.starts_at)


def home_overview(uow: UnitOfWork, caller: Caller, now: datetime) -> HomeOverview:
    """The caller's App Home: next meeting, own topics, bruttoliste and absences."""
    with uow:
        try:
            meeting: Meeting | None = next_meeting(uow, caller.committee, now)
        except NotFoundError:
            meeting = None
        topics, total, _, capped = _board_page(uow, caller.committee.id or 0, 1, HOME_BOARD_TOPICS)
        board = TopicBoard(
            caller,
            topics,
            _people(uow),
            _upcoming(uow, caller, now, SCHEDULE_CHOICES),
            total,
            1,
            HOME_BOARD_TOPICS,
            capped,
        )
        return HomeOverview(
            caller, meeting, topics_of(uow, caller), board, absences_of(uow, caller, now)
        )


def is_secretary(role: Role | None) -> bool:
    """True for the secretariat role."""
    return role == Role.SECRETARY
