"""Remembered answers and the data revisions behind them: never stale, across processes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.config import Settings
from bot.domain import Person
from bot.messaging.outbox import SLACK, enqueue
from bot.people.committees import find_committee
from bot.topics import proposals as topics
from handlers.bootstrap import Container, bootstrap
from handlers.slack.answers import AnswerCache
from storage import tables
from tests.conftest import FakeClock
from tests.slack_http import (  # noqa: F401 (fixtures)
    MEMBER,
    SECRETARY,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)

SOFIE, CAMILLA = MEMBER[0], SECRETARY[0]


@pytest.fixture(name="other")
def other_process(bot: SlackAppServer, clock: FakeClock) -> Iterator[Container]:
    """A second container on the same database: another process (the CLI, the clock)."""
    c = bootstrap(Settings(database_url=bot.container.settings.database_url), clock=clock)
    yield c
    c.close()


def _propose(c: Container, text: str) -> None:
    with c.uow() as uow:
        committee = find_committee(uow, None)
        sofie = uow.people.by_email(MEMBER[1])
    assert sofie is not None
    topics.propose_topic(c.uow(), committee, sofie, topics.NewTopic(text=text), now=c.clock())


def test_a_change_made_by_another_process_shows_in_the_next_answer(
    bot: SlackAppServer, other: Container
) -> None:
    first = bot.command("bruttoliste", SOFIE).text
    assert bot.command("bruttoliste", SOFIE).text == first  # unchanged data: same answer
    _propose(other, "Nyt emne fra CLI'en")
    assert "Nyt emne fra CLI" in bot.command("bruttoliste", SOFIE).text
    before = bot.command("næste", SOFIE).text
    with other.uow() as uow:
        meeting = uow.meetings.get(1)
        assert meeting is not None
        meeting.place = "Sundhedshuset, lokale 7"
        uow.commit()
    after = bot.command("næste", SOFIE).text
    assert after != before and "Sundhedshuset, lokale 7" in after


def test_a_member_whose_membership_ended_is_refused_at_once(
    bot: SlackAppServer, other: Container, clock: FakeClock
) -> None:
    assert bot.command("emne Første", SOFIE).json()["text"].startswith("Tak!")
    with other.uow() as uow:
        sofie = uow.people.by_email(MEMBER[1])
        assert sofie is not None and sofie.id is not None
        for membership in uow.memberships.for_person(sofie.id):
            membership.active_to = clock().date() - timedelta(days=1)
        uow.commit()
    answer = bot.command("emne Anden", SOFIE).json()["text"]
    assert "Tak!" not in answer and "Camilla Juul" in answer


def test_answers_follow_the_clock_to_the_minute(bot: SlackAppServer, clock: FakeClock) -> None:
    before = bot.command("næste", SOFIE).text
    clock.set_local("2026-06-18T18:00")  # the sample meeting (18 June) is over
    assert bot.command("næste", SOFIE).text != before


def test_commits_raise_the_revisions_they_should(container: Container, clock: FakeClock) -> None:
    start = container.revision()
    with container.uow() as uow:  # bookkeeping: the outbox
        enqueue(uow, key="k1", channel=SLACK, kind="t", recipient="U", payload={}, now=clock())
        uow.commit()
    assert container.revision() == start
    with container.uow() as uow:  # rolled back: nothing happened
        uow.people.add(Person(name="Rulles Tilbage", email="rul@example.dk"))
        uow.flush()
    assert container.revision() == start
    with container.uow() as uow:  # the roster: both
        uow.people.add(Person(name="Ny Person", email="ny@example.dk"))
        uow.commit()
    roster, content = container.revision()
    assert (roster, content) == (start[0] + 1, start[1] + 1)
    with container.uow() as uow:  # a Core UPDATE run through the session counts too
        uow.session.execute(update(tables.meetings).values(place="Andet sted"))  # type: ignore[attr-defined]
        uow.commit()
    assert container.revision() == (roster, content + 1)


def test_the_cache_keys_on_revisions_and_forgets_the_oldest() -> None:
    revision = [1, 1]
    cache = AnswerCache(lambda: (revision[0], revision[1]), max_entries=2)
    calls: list[str] = []

    def compute(name: str) -> str:
        calls.append(name)
        return name.upper()

    assert cache.get("a", lambda: compute("a")) == "A"
    assert cache.get("a", lambda: compute("a")) == "A"
    assert cache.get("who", lambda: compute("who"), roster_only=True) == "WHO"
    revision[1] += 1  # content changed
    assert cache.get("a", lambda: compute("a")) == "A"
    assert cache.get("who", lambda: compute("who"), roster_only=True) == "WHO"
    assert calls == ["a", "who", "a"]
    cache.get("b", lambda: compute("b"))
    cache.get("c", lambda: compute("c"))  # max 2 entries: "who" and the first "a" are gone
    cache.get("who", lambda: compute("who"), roster_only=True)
    assert calls == ["a", "who", "a", "b", "c", "who"]

    def fails() -> str:
        calls.append("x")
        raise ValueError("no")

    for _ in range(2):
        with pytest.raises(ValueError, match="no"):
            cache.get("x", fails)
    assert calls.count("x") == 2  # errors are not remembered


def test_the_request_path_reader_sees_every_commit_and_survives_a_broken_connection(
    container: Container,
) -> None:
    from storage.revisions import RevisionReader

    reader = RevisionReader(container._engine)
    start = reader()
    assert start == container.revision()
    with container.uow() as uow:
        uow.people.add(Person(name="Ny", email="ny2@example.dk"))
        uow.commit()
    assert reader() == (start[0] + 1, start[1] + 1)  # autocommit: no old snapshot kept
    reader._local.conn.close()  # the database went away under it (a restart)
    assert reader() == (start[0] + 1, start[1] + 1)
