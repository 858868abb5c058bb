"""Creating meetings from Danish text: right UTC across DST, clear errors, default sections."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain import MeetingStatus
from bot.errors import ConflictError, InputError, NotFoundError
from bot.meetings import planning as meetings
from bot.meetings.create import create_meeting
from bot.meetings.timeplan import item_number, ordered_items
from bot.people import committees
from handlers.bootstrap import Container
from tests.conftest import CPH, SAMPLE_COMMITTEE, FakeClock
from tests.dbdump import dump


@pytest.fixture
def klu(container: Container) -> Container:
    committees.setup_committee(container.uow(), SAMPLE_COMMITTEE)
    return container


def _create(c: Container, when: str, **kwargs: str) -> meetings.Meeting:
    with c.uow() as uow:
        committee = committees.find_committee(uow, None)
    return create_meeting(
        c.uow(), committee, meetings.NewMeeting(when=when, **kwargs), now=c.clock()
    )


def _reload(c: Container, meeting_id: int | None) -> meetings.Meeting:
    assert meeting_id is not None
    with c.uow() as uow:
        return meetings.get_meeting(uow, meeting_id)


@pytest.mark.parametrize(
    ("when", "start_local", "end_local"),
    [
        ("18. juni 2026 kl. 15-17", datetime(2026, 6, 18, 15), datetime(2026, 6, 18, 17)),
        ("17/9 15:00-17:00", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
        ("2026-09-17 15:00", datetime(2026, 9, 17, 15), datetime(2026, 9, 17, 17)),
        (
            "torsdag 17. september kl. 9.30-11",
            datetime(2026, 9, 17, 9, 30),
            datetime(2026, 9, 17, 11),
        ),
    ],
)
def test_meeting_from_danish_text(
    klu: Container, when: str, start_local: datetime, end_local: datetime
) -> None:
    created = _create(klu, when)
    meeting = _reload(klu, created.id)
    assert meeting.starts_at == start_local.replace(tzinfo=CPH)
    assert meeting.ends_at == end_local.replace(tzinfo=CPH)
    assert meeting.status == MeetingStatus.DRAFT
    assert meeting.title == "Møde i Kommunalt Lægeligt Udvalg"
    assert meeting.place == SAMPLE_COMMITTEE.default_place
    assert meeting.calendar_uid.endswith("@klu-bot")


def test_sections_1_and_4_are_there_by_default(klu: Container) -> None:
    meeting = _reload(klu, _create(klu, "17/9 kl. 15-17").id)
    items = ordered_items(meeting)
    assert [(item_number(meeting, i), i.title) for i in items] == [
        ("1.", "Godkendelse af dagsorden"),
        ("4.", "Eventuelt"),
    ]


@pytest.mark.parametrize(
    ("when", "utc_start", "utc_end"),
    [
        # summer time started at 02:00 that night: 15:00 is UTC+2
        ("29. marts 2026 kl. 15-17", datetime(2026, 3, 29, 13, 0), datetime(2026, 3, 29, 15, 0)),
        # winter time started at 03:00 that night: 15:00 is UTC+1
        (
            "25. oktober 2026 kl. 15-17",
            datetime(2026, 10, 25, 14, 0),
            datetime(2026, 10, 25, 16, 0),
        ),
        ("28. marts 2026 kl. 15-17", datetime(2026, 3, 28, 14, 0), datetime(2026, 3, 28, 16, 0)),
    ],
)
def test_meetings_on_dst_days_store_the_right_utc(
    klu: Container, clock: FakeClock, when: str, utc_start: datetime, utc_end: datetime
) -> None:
    clock.set_local("2026-01-10T10:00")
    meeting = _reload(klu, _create(klu, when).id)
    assert meeting.starts_at == utc_start.replace(tzinfo=UTC)
    assert meeting.ends_at == utc_end.replace(tzinfo=UTC)
    assert meeting.starts_at.astimezone(CPH).hour == 15


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("1. april 2026 kl. 15-17", "er allerede passeret"),
        ("12 13", "kan betyde flere ting"),
        ("31/2 kl. 15", "ikke en gyldig dato"),
        ("17/9 kl. 25", "ikke et gyldigt klokkeslæt"),
        ("17/9 kl. 17-15", "skal ligge efter starttidspunktet"),
        ("25/10 kl. 2:30", "forekommer to gange"),
        ("28. marts 2027 kl. 2:30", "findes ikke"),
        ("fredag 17/9 kl. 15", "er en torsdag, ikke en fredag"),
        ("", "ikke skrevet noget tidspunkt"),
        ("   ", "ikke skrevet noget tidspunkt"),
        ("engang til efteråret", "forstod ikke"),
    ],
)
def test_bad_times_are_refused_clearly_and_store_nothing(
    klu: Container, db_url: str, when: str, message: str
) -> None:
    before = dump(db_url)
    with pytest.raises(InputError, match=message):
        _create(klu, when)
    assert dump(db_url) == before


def test_over_long_place_or_title_is_refused(klu: Container, db_url: str) -> None:
    before = dump(db_url)
    with pytest.raises(InputError, match="Mødestedet er for lang"):
        _create(klu, "17/9", place="x" * 301)
    with pytest.raises(InputError, match="for lang"):
        _create(klu, "17/9", title="x" * 301)
    assert dump(db_url) == before


def test_next_and_resolve_meeting(klu: Container, clock: FakeClock) -> None:
    later = _create(klu, "17/9 kl. 15-17")
    sooner = _create(klu, "18/6 kl. 15-17")
    with klu.uow() as uow:
        committee = committees.find_committee(uow, None)
        assert meetings.next_meeting(uow, committee, clock()).id == sooner.id
        assert meetings.resolve_meeting(uow, committee, None, clock()).id == sooner.id
        assert meetings.resolve_meeting(uow, committee, f"#{later.id}", clock()).id == later.id
        for ref in ("999", "abc", "#"):
            with pytest.raises(NotFoundError, match="findes ikke"):
                meetings.resolve_meeting(uow, committee, ref, clock())
    clock.set_local("2026-06-18T16:59")  # still running: it is the "next" until it ends
    with klu.uow() as uow:
        assert meetings.next_meeting(uow, committee, clock()).id == sooner.id
    clock.set_local("2026-06-18T17:00")
    with klu.uow() as uow:
        assert meetings.next_meeting(uow, committee, clock()).id == later.id
    clock.set_local("2026-12-01T10:00")
    with klu.uow() as uow, pytest.raises(NotFoundError, match="ikke planlagt noget kommende"):
        meetings.next_meeting(uow, committee, clock())


def test_another_committees_meeting_is_not_found(klu: Container, clock: FakeClock) -> None:
    from dataclasses import replace

    mine = _create(klu, "17/9")
    other = committees.setup_committee(klu.uow(), replace(SAMPLE_COMMITTEE, short_name="FU"))
    with klu.uow() as uow, pytest.raises(NotFoundError):
        meetings.resolve_meeting(uow, other, str(mine.id), clock())


def test_cancelled_and_held_meetings_are_not_editable(klu: Container) -> None:
    meeting = _create(klu, "17/9")
    meeting.status = MeetingStatus.CANCELLED
    with pytest.raises(ConflictError, match="aflyst"):
        meeting.ensure_editable()
    meeting.status = MeetingStatus.HELD
    with pytest.raises(ConflictError, match="afholdt"):
        meeting.ensure_editable()
    meeting.status = MeetingStatus.CALLED
    meeting.ensure_editable()
