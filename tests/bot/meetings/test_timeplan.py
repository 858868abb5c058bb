"""The time plan: each item's slot from the meeting's start and the planned minutes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import AgendaItem, Meeting
from bot.meetings import agenda
from bot.meetings import planning as meetings
from bot.meetings.create import create_meeting
from bot.meetings.text import agenda_text, overrun_warning
from bot.meetings.timeplan import time_plan
from bot.people import committees
from bot.time.parse import format_time
from handlers.bootstrap import Container
from tests.conftest import CPH, FakeClock

SAMPLE_PLAN = [
    ("15:00", "15:05", "1."),
    ("15:05", "15:30", "2.a"),
    ("15:30", "15:50", "2.b"),
    ("15:50", "16:10", "2.c"),
    ("16:10", "16:25", "2.d"),
    ("16:25", "16:35", "2.e"),
    ("16:35", "16:45", "3.a"),
    ("16:45", "16:55", "3.b"),
    ("16:55", "17:00", "4."),
]


def _sample_meeting(c: Container) -> Meeting:
    with c.uow() as uow:
        committee = committees.find_committee(uow, None)
        return meetings.next_meeting(uow, committee, c.clock())


def _local(plan_meeting: Meeting) -> list[tuple[str, str, str]]:
    return [
        (format_time(s.start, CPH), format_time(s.end, CPH), s.number)
        for s in time_plan(plan_meeting).slots
    ]


def test_the_sample_meeting_plan(sample: Container) -> None:
    meeting = _sample_meeting(sample)
    assert _local(meeting) == SAMPLE_PLAN
    plan = time_plan(meeting)
    assert plan.overrun == timedelta(0)
    assert plan.slots[3].item.title.startswith("Procedure for lægeerklæringer")
    assert plan.slots[0].start == datetime(2026, 6, 18, 13, 0, tzinfo=UTC)


def test_changing_a_duration_moves_every_later_slot_and_warns_of_overrun(sample: Container) -> None:
    meeting = _sample_meeting(sample)
    assert meeting.id is not None
    agenda.set_item_minutes(sample.uow(), meeting.id, "2.b", 35)
    meeting = _sample_meeting(sample)
    local = _local(meeting)
    assert local[:3] == [*SAMPLE_PLAN[:2], ("15:30", "16:05", "2.b")]
    assert local[3] == ("16:05", "16:25", "2.c")
    assert local[-1] == ("17:10", "17:15", "4.")
    plan = time_plan(meeting)
    assert plan.overrun == timedelta(minutes=15)
    assert overrun_warning(plan, meeting, CPH) == (
        "Advarsel: tidsplanen går 15 min. over mødets sluttid (17:00)."
    )
    with sample.uow() as uow:
        committee = committees.find_committee(uow, None)
    text = agenda_text(meeting, committee, {})
    assert "16:05–16:25  2.c Procedure for lægeerklæringer" in text
    assert text.rstrip().endswith("Advarsel: tidsplanen går 15 min. over mødets sluttid (17:00).")


def _meeting(start: datetime, end: datetime, minutes: list[int]) -> Meeting:
    meeting = Meeting(committee_id=1, title="Møde", starts_at=start, ends_at=end)
    for position, m in enumerate(minutes, start=1):
        meeting.items.append(
            AgendaItem(section=2, position=position, title=f"P{position}", planned_minutes=m)
        )
    return meeting


@pytest.mark.parametrize("as_stored", [False, True], ids=["local start", "utc start"])
def test_plan_across_the_autumn_dst_change_is_right_in_local_time(as_stored: bool) -> None:
    """25 October 2026: 03:00 summer time becomes 02:00 winter time."""
    start = datetime(2026, 10, 25, 1, 0, tzinfo=CPH)
    end = datetime(2026, 10, 25, 4, 0, tzinfo=CPH)  # four real hours
    if as_stored:
        start, end = start.astimezone(UTC), end.astimezone(UTC)
    meeting = _meeting(start, end, [60, 60, 60, 60])
    plan = time_plan(meeting)
    assert [s.end - s.start for s in plan.slots] == [timedelta(hours=1)] * 4
    assert [(s.start.astimezone(UTC).hour, s.end.astimezone(UTC).hour) for s in plan.slots] == [
        (23, 0), (0, 1), (1, 2), (2, 3),
    ]  # fmt: skip
    assert _local(meeting) == [
        ("01:00", "02:00", "2.a"),
        ("02:00", "02:00", "2.b"),  # 02:00 summer time to 02:00 winter time: one real hour
        ("02:00", "03:00", "2.c"),
        ("03:00", "04:00", "2.d"),
    ]
    assert plan.overrun == timedelta(0)


@pytest.mark.parametrize("as_stored", [False, True], ids=["local start", "utc start"])
def test_plan_across_the_spring_dst_change_is_right_in_local_time(as_stored: bool) -> None:
    """29 March 2026: 02:00 winter time becomes 03:00 summer time."""
    start = datetime(2026, 3, 29, 1, 0, tzinfo=CPH)
    end = datetime(2026, 3, 29, 5, 0, tzinfo=CPH)  # three real hours
    if as_stored:
        start, end = start.astimezone(UTC), end.astimezone(UTC)
    meeting = _meeting(start, end, [60, 60, 90])
    plan = time_plan(meeting)
    assert _local(meeting) == [
        ("01:00", "03:00", "2.a"),
        ("03:00", "04:00", "2.b"),
        ("04:00", "05:30", "2.c"),
    ]
    assert plan.overrun == timedelta(minutes=30)


def test_plan_on_the_dst_days_afternoon(clock: FakeClock, container: Container) -> None:
    from tests.conftest import SAMPLE_COMMITTEE

    clock.set_local("2026-01-10T10:00")
    committee = committees.setup_committee(container.uow(), SAMPLE_COMMITTEE)
    created = create_meeting(
        container.uow(),
        committee,
        meetings.NewMeeting(when="25. oktober 2026 kl. 15-17"),
        now=clock(),
    )
    assert created.id is not None
    agenda.add_item(container.uow(), created.id, agenda.NewItem(title="Punkt", minutes=30))
    with container.uow() as uow:
        meeting = meetings.get_meeting(uow, created.id)
    assert _local(meeting) == [
        ("15:00", "15:05", "1."),
        ("15:05", "15:35", "2.a"),
        ("15:35", "15:45", "4."),
    ]
    assert _local(created) == [("15:00", "15:05", "1."), ("15:05", "15:15", "4.")]


def test_empty_agenda_has_an_empty_plan() -> None:
    start = datetime(2026, 9, 17, 15, tzinfo=CPH)
    plan = time_plan(_meeting(start, start + timedelta(hours=2), []))
    assert plan.slots == ()
    assert plan.overrun == timedelta(0)
