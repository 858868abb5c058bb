"""The bruttoliste: propose, list, annotate, schedule onto a meeting, withdraw; with history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain import Committee, Meeting, Person, Topic, TopicStatus
from bot.errors import ConflictError, InputError, NotFoundError
from bot.meetings import agenda
from bot.meetings import planning as meetings
from bot.meetings.text import topics_text
from bot.meetings.timeplan import find_item, item_number, ordered_items
from bot.people import committees
from bot.people import roster as people
from bot.ports import UnitOfWork
from bot.topics import proposals as topics
from handlers.bootstrap import Container
from tests.conftest import FakeClock
from tests.dbdump import dump


def _ctx(c: Container) -> tuple[Committee, Meeting, Person, Person]:
    with c.uow() as uow:
        committee = committees.find_committee(uow, None)
        meeting = meetings.next_meeting(uow, committee, c.clock())
        mads = people.find_person(uow, "mads.kjaer@plo-fjordby.dk")
        camilla = people.find_person(uow, "camilla.juul@fjordby.dk")
    return committee, meeting, mads, camilla


def _propose(c: Container, text: str, by: Person, **kwargs: str) -> Topic:
    committee = _ctx(c)[0]
    return topics.propose_topic(
        c.uow(), committee, by, topics.NewTopic(text=text, **kwargs), now=c.clock()
    )


def _topic(c: Container, topic_id: int | None) -> Topic:
    assert topic_id is not None
    with c.uow() as uow:
        topic = uow.topics.get(topic_id)
    assert topic is not None
    return topic


def test_propose_and_list_open_first_with_proposer_date_and_origin(
    sample: Container, clock: FakeClock
) -> None:
    committee, meeting, mads, camilla = _ctx(sample)
    first = _propose(sample, "Samarbejde om hjemmebesøg", mads, origin="KLU-møde 19. marts")
    clock.advance(days=2)
    second = _propose(sample, "  Sårbare gravide  ", camilla, note="afstemmes med Tina Marie")
    clock.advance(days=1)
    third = _propose(sample, "Vaccination af ældre", mads)
    assert first.status == TopicStatus.OPEN and first.proposer_id == mads.id
    assert second.text == "Sårbare gravide"
    assert first.proposed_at == datetime(2026, 5, 1, 8, 0, tzinfo=UTC)
    topics.schedule_topic(
        sample.uow(), committee, first.id or 0, meeting.id or 0, actor=camilla, now=clock()
    )
    topics.withdraw_topic(sample.uow(), committee, f"#{third.id}", actor=mads, now=clock())
    with sample.uow() as uow:
        listed = topics.list_topics(uow, committee)
        everything = topics.list_topics(uow, committee, include_closed=True)
        everyone = {p.id: p for p in uow.people.list() if p.id is not None}
    assert [t.text for t in listed] == ["Sårbare gravide", "Samarbejde om hjemmebesøg"]
    assert [t.status for t in everything] == [
        TopicStatus.OPEN,
        TopicStatus.SCHEDULED,
        TopicStatus.WITHDRAWN,
    ]
    text = topics_text(committee, listed, everyone)
    assert text.splitlines() == [
        "Bruttoliste for Kommunalt Lægeligt Udvalg",
        f"#{second.id} [åben] Sårbare gravide — foreslået af Camilla Juul 3. maj 2026",
        "    Note: afstemmes med Tina Marie",
        f"#{first.id} [planlagt] Samarbejde om hjemmebesøg — foreslået af Mads Kjær 1. maj 2026 "
        "(KLU-møde 19. marts)",
    ]


def test_annotate_records_history(sample: Container, clock: FakeClock) -> None:
    committee, _, mads, camilla = _ctx(sample)
    topic = _propose(sample, "Emne", mads)
    clock.advance(hours=1)
    topics.annotate_topic(
        sample.uow(), committee, str(topic.id), " afstemmes med Tina ", actor=camilla, now=clock()
    )
    stored = _topic(sample, topic.id)
    assert stored.note == "afstemmes med Tina"
    assert [(e.kind, e.detail, e.actor_id) for e in stored.events] == [
        ("proposed", "", mads.id),
        ("annotated", "afstemmes med Tina", camilla.id),
    ]
    assert stored.events[1].at == clock()


def test_schedule_puts_an_item_carrying_the_topic_on_the_agenda(sample: Container) -> None:
    committee, meeting, mads, camilla = _ctx(sample)
    topic = _propose(sample, "Samarbejde om hjemmebesøg", mads, description="Baggrund for emnet.")
    assert topic.id is not None and meeting.id is not None
    scheduled = topics.schedule_topic(
        sample.uow(),
        committee,
        topic.id,
        meeting.id,
        actor=camilla,
        now=sample.clock(),
        section=3,
        minutes=10,
    )
    assert scheduled.status == TopicStatus.SCHEDULED
    _, meeting, _, _ = _ctx(sample)
    item = find_item(meeting, "3.c")
    assert item.title == "Samarbejde om hjemmebesøg"
    assert item.topic_id == topic.id
    assert item.planned_minutes == 10
    assert item.sagsbeskrivelse == "Baggrund for emnet."
    stored = _topic(sample, topic.id)
    assert stored.status == TopicStatus.SCHEDULED
    assert [(e.kind, e.detail) for e in stored.events][-1] == ("scheduled", str(meeting.id))


def test_removing_the_item_reopens_the_topic(sample: Container) -> None:
    committee, meeting, mads, camilla = _ctx(sample)
    topic = _propose(sample, "Emne", mads)
    assert topic.id is not None and meeting.id is not None
    topics.schedule_topic(
        sample.uow(), committee, topic.id, meeting.id, actor=camilla, now=sample.clock()
    )
    agenda.remove_item(sample.uow(), meeting.id, "2.f", now=sample.clock())
    stored = _topic(sample, topic.id)
    assert stored.status == TopicStatus.OPEN
    assert [e.kind for e in stored.events] == ["proposed", "scheduled", "unscheduled"]
    # and it can be scheduled again
    topics.schedule_topic(
        sample.uow(), committee, topic.id, meeting.id, actor=camilla, now=sample.clock()
    )
    assert _topic(sample, topic.id).status == TopicStatus.SCHEDULED


def test_moving_the_item_keeps_the_topic_scheduled(sample: Container) -> None:
    committee, meeting, mads, camilla = _ctx(sample)
    topic = _propose(sample, "Emne", mads)
    assert topic.id is not None and meeting.id is not None
    topics.schedule_topic(
        sample.uow(), committee, topic.id, meeting.id, actor=camilla, now=sample.clock()
    )
    agenda.move_item(sample.uow(), meeting.id, "2.f", section=3, position=1)
    _, meeting, _, _ = _ctx(sample)
    assert find_item(meeting, "3.a").topic_id == topic.id
    assert _topic(sample, topic.id).status == TopicStatus.SCHEDULED


def test_withdraw_records_the_reason(sample: Container) -> None:
    committee, _, mads, _ = _ctx(sample)
    topic = _propose(sample, "Emne", mads)
    topics.withdraw_topic(
        sample.uow(), committee, topic.id or 0, actor=mads, now=sample.clock(), reason="Løst"
    )
    stored = _topic(sample, topic.id)
    assert stored.status == TopicStatus.WITHDRAWN
    assert [(e.kind, e.detail) for e in stored.events][-1] == ("withdrawn", "Løst")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Emnets tekst mangler"),
        ("   \n\t ", "Emnets tekst mangler"),
        ("x" * 2001, "Emnets tekst er for lang \\(2001 tegn\\). Den må højst være 2000 tegn"),
    ],
)
def test_bad_topic_text_is_refused(sample: Container, db_url: str, text: str, message: str) -> None:
    _, _, mads, _ = _ctx(sample)
    before = dump(db_url)
    with pytest.raises(InputError, match=message):
        _propose(sample, text, mads)
    assert dump(db_url) == before


def test_exactly_2000_characters_is_allowed(sample: Container) -> None:
    _, _, mads, _ = _ctx(sample)
    assert len(_propose(sample, "x" * 2000, mads).text) == 2000


def test_bad_requests_are_refused_and_change_nothing(
    sample: Container, db_url: str, clock: FakeClock
) -> None:
    committee, meeting, mads, _ = _ctx(sample)
    topic = _propose(sample, "Emne", mads)
    gone = _propose(sample, "Væk", mads)
    topics.withdraw_topic(sample.uow(), committee, gone.id or 0, actor=mads, now=clock())
    assert topic.id is not None and meeting.id is not None and gone.id is not None
    before = dump(db_url)
    now = clock()
    cases = [
        (
            lambda: topics.annotate_topic(
                sample.uow(), committee, topic.id, "  ", actor=None, now=now
            ),
            "Noten mangler",
        ),
        (
            lambda: topics.annotate_topic(
                sample.uow(), committee, topic.id, "n" * 2001, actor=None, now=now
            ),
            "for lang",
        ),
        (
            lambda: topics.annotate_topic(
                sample.uow(), committee, "999", "note", actor=None, now=now
            ),
            "»999« findes ikke",
        ),
        (
            lambda: topics.annotate_topic(
                sample.uow(), committee, "abc", "note", actor=None, now=now
            ),
            "»abc« findes ikke",
        ),
        (
            lambda: topics.schedule_topic(
                sample.uow(), committee, topic.id, 999, actor=None, now=now
            ),
            "Mødet »999«",
        ),
        (
            lambda: topics.schedule_topic(
                sample.uow(), committee, topic.id, meeting.id, actor=None, now=now, section=9
            ),
            "Afsnit 9",
        ),
        (
            lambda: topics.schedule_topic(
                sample.uow(), committee, topic.id, meeting.id, actor=None, now=now, minutes=-1
            ),
            "Varigheden",
        ),
        (
            lambda: topics.schedule_topic(
                sample.uow(), committee, gone.id, meeting.id, actor=None, now=now
            ),
            "ikke længere åbent",
        ),
        (
            lambda: topics.withdraw_topic(sample.uow(), committee, gone.id, actor=None, now=now),
            "allerede trukket tilbage",
        ),
        (
            lambda: topics.withdraw_topic(sample.uow(), committee, "#", actor=None, now=now),
            "findes ikke",
        ),
        (
            lambda: topics.withdraw_topic(
                sample.uow(), committee, topic.id, actor=None, now=now, reason="r" * 2001
            ),
            "for lang",
        ),
    ]
    for action, message in cases:
        with pytest.raises((InputError, NotFoundError, ConflictError), match=message):
            action()
    assert dump(db_url) == before


def test_schedule_refuses_past_and_cancelled_meetings(sample: Container, clock: FakeClock) -> None:
    committee, meeting, mads, _ = _ctx(sample)
    topic = _propose(sample, "Emne", mads)
    assert topic.id is not None and meeting.id is not None
    clock.set_local("2026-06-18T17:30")
    with pytest.raises(ConflictError, match="allerede afholdt"):
        topics.schedule_topic(
            sample.uow(), committee, topic.id, meeting.id, actor=None, now=clock()
        )
    with sample.uow() as uow:
        meetings.get_meeting(uow, meeting.id).status = "aflyst"  # type: ignore[assignment]
        uow.commit()
    clock.set_local("2026-05-02T10:00")
    with pytest.raises(ConflictError, match="aflyst"):
        topics.schedule_topic(
            sample.uow(), committee, topic.id, meeting.id, actor=None, now=clock()
        )
    assert _topic(sample, topic.id).status == TopicStatus.OPEN


def test_a_scheduled_topic_cannot_be_withdrawn_while_on_the_agenda(sample: Container) -> None:
    committee, meeting, mads, _ = _ctx(sample)
    topic = _propose(sample, "Emne", mads)
    assert topic.id is not None and meeting.id is not None
    topics.schedule_topic(
        sample.uow(), committee, topic.id, meeting.id, actor=None, now=sample.clock()
    )
    with pytest.raises(ConflictError, match="står på dagsordenen"):
        topics.withdraw_topic(sample.uow(), committee, topic.id, actor=None, now=sample.clock())
    _, meeting, _, _ = _ctx(sample)
    assert [item_number(meeting, i) for i in ordered_items(meeting) if i.topic_id == topic.id] == [
        "2.f"
    ]


def test_what_follows_a_proposal_is_stored_with_it_or_not_at_all(
    sample: Container, db_url: str
) -> None:
    committee, _, mads, _ = _ctx(sample)
    seen: list[int | None] = []

    def then(uow: UnitOfWork, topic: Topic) -> None:
        seen.append(topic.id)  # the topic has its id inside the same transaction
        raise InputError("stop")

    before = dump(db_url)
    with pytest.raises(InputError):
        topics.propose_topic(
            sample.uow(),
            committee,
            mads,
            topics.NewTopic("Nyt emne"),
            now=sample.clock(),
            then=then,
        )
    assert seen and seen[0] is not None
    assert dump(db_url) == before
