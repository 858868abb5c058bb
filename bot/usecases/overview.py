"""Read models for chat views: the bruttoliste board, the next meeting, a member's home."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain import Attendance, AttendanceStatus, Meeting, Person, Role, Topic
from bot.errors import NotFoundError
from bot.ports import UnitOfWork
from bot.usecases.identity import Caller
from bot.usecases.meetings import next_meeting, upcoming
from bot.usecases.topics import OPEN_FIRST, list_topics

SCHEDULE_CHOICES = 4


@dataclass(frozen=True)
class TopicBoard:
    """The open bruttoliste with what is needed to render and manage it."""

    caller: Caller
    topics: Sequence[Topic]
    people: Mapping[int, Person]
    meetings: Sequence[Meeting]


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


def topic_board(uow: UnitOfWork, caller: Caller, now: datetime) -> TopicBoard:
    """The open and scheduled topics, with coming meetings the secretary may schedule onto."""
    with uow:
        topics = list_topics(uow, caller.committee)
        meetings = list(upcoming(uow, caller.committee, now))[:SCHEDULE_CHOICES]
        return TopicBoard(caller, topics, _people(uow), meetings)


def meeting_brief(uow: UnitOfWork, caller: Caller, now: datetime) -> MeetingBrief:
    """The next meeting of the caller's committee, or a Danish NotFoundError."""
    with uow:
        return MeetingBrief(caller, next_meeting(uow, caller.committee, now), _people(uow))


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
        board = TopicBoard(
            caller,
            list_topics(uow, caller.committee),
            _people(uow),
            list(upcoming(uow, caller.committee, now))[:SCHEDULE_CHOICES],
        )
        return HomeOverview(
            caller, meeting, topics_of(uow, caller), board, absences_of(uow, caller, now)
        )


def is_secretary(role: Role | None) -> bool:
    """True for the secretariat role."""
    return role == Role.SECRETARY
