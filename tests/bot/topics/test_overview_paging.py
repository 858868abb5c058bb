"""The bruttoliste board is paged in SQL: pages concatenate to the full list, in order."""

from __future__ import annotations

import pytest

from bot.domain import TopicStatus
from bot.meetings import planning as meetings
from bot.people import committees
from bot.people import roster as people
from bot.people.identity import Caller
from bot.topics import proposals as topics
from bot.topics.board import meeting_brief, topic_board
from handlers.bootstrap import Container
from tests.conftest import FakeClock


def _caller(c: Container) -> Caller:
    with c.uow() as uow:
        committee = committees.find_committee(uow, None)
        camilla = people.find_person(uow, "camilla.juul@fjordby.dk")
        role = people.role_of(uow, committee, camilla, c.clock().date())
    assert role is not None
    return Caller(camilla, committee, role)


def test_pages_concatenate_to_the_open_then_scheduled_list(
    sample: Container, clock: FakeClock
) -> None:
    caller = _caller(sample)
    made = []
    for n in range(13):
        clock.advance(minutes=1)
        made.append(
            topics.propose_topic(
                sample.uow(),
                caller.committee,
                caller.person,
                topics.NewTopic(text=f"Emne {n}"),
                now=clock(),
            )
        )
    with sample.uow() as uow:
        meeting = meetings.next_meeting(uow, caller.committee, clock())
    for topic in made[:4]:  # the oldest four become scheduled: they go after the open ones
        assert meeting.id is not None and topic.id is not None
        topics.schedule_topic(
            sample.uow(), caller.committee, topic.id, meeting.id, actor=caller.person, now=clock()
        )
    topics.withdraw_topic(
        sample.uow(), caller.committee, made[5].id or 0, actor=caller.person, now=clock()
    )
    with sample.uow() as uow:
        expected = [t.id for t in topics.list_topics(uow, caller.committee)]
    assert len(expected) == 12
    shown = []
    for page in (1, 2, 3):
        board = topic_board(sample.uow(), caller, clock(), page, size=5)
        assert (board.total, board.pages, board.page) == (12, 3, page)
        assert set(board.people) == {caller.person.id}
        shown += [t.id for t in board.topics]
    assert shown == expected
    statuses = [t.status for t in topic_board(sample.uow(), caller, clock(), 2, size=5).topics]
    assert statuses == [TopicStatus.OPEN] * 3 + [TopicStatus.SCHEDULED] * 2
    last = topic_board(sample.uow(), caller, clock(), 99, size=5)
    assert last.page == 3 and [t.id for t in last.topics] == expected[10:]


def test_next_meeting_brief_loads_the_guests_it_names(sample: Container) -> None:
    brief = meeting_brief(sample.uow(), _caller(sample), sample.clock())
    guests = {g.person_id for item in brief.meeting.items for g in item.guests}
    assert guests and set(brief.people) == guests


def test_counting_stops_at_the_cap_and_the_board_says_over(
    sample: Container, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.topics import board as overview
    from handlers.slack.listeners.topics.views import board_message

    monkeypatch.setattr(overview, "COUNT_CAP", 5)
    caller = _caller(sample)
    before = topic_board(sample.uow(), caller, clock(), page=1, size=3)
    assert not before.capped
    for n in range(8 - before.total):
        topics.propose_topic(
            sample.uow(),
            caller.committee,
            caller.person,
            topics.NewTopic(text=f"T{n}"),
            now=clock(),
        )
    board = topic_board(sample.uow(), caller, clock(), page=9, size=3)
    assert board.capped and board.total == 5 and board.page == 2  # clamped to what is counted
    assert "Side 2 af 2 · over 5 emner (de ældste vises)" in board_message(board)["text"]
