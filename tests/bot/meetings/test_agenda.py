"""Building the agenda: add, move, remove; letters and positions follow; bad refs refused."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import Meeting, MeetingStatus
from bot.errors import ConflictError, InputError, NotFoundError
from bot.meetings import agenda
from bot.meetings import planning as meetings
from bot.meetings.timeplan import find_item, item_number, ordered_items
from bot.people import committees
from handlers.bootstrap import Container
from tests.dbdump import dump


def _meeting(c: Container) -> Meeting:
    with c.uow() as uow:
        committee = committees.find_committee(uow, None)
        return meetings.next_meeting(uow, committee, c.clock())


def _agenda(c: Container) -> list[tuple[str, str]]:
    """(number, first words of title) in order."""
    meeting = _meeting(c)
    return [(item_number(meeting, i), i.title.split()[0]) for i in ordered_items(meeting)]


def _positions(c: Container) -> list[tuple[int, int]]:
    return [(i.section, i.position) for i in ordered_items(_meeting(c))]


SAMPLE = [
    ("1.", "Godkendelse"),
    ("2.a", "Drøftelse"),
    ("2.b", "Godkendelse"),
    ("2.c", "Procedure"),
    ("2.d", "Henvisninger"),
    ("2.e", "Den"),
    ("3.a", "Orientering"),
    ("3.b", "Orientering"),
    ("4.", "Eventuelt"),
]


def _id(c: Container) -> int:
    meeting_id = _meeting(c).id
    assert meeting_id is not None
    return meeting_id


def test_sample_agenda_is_lettered_per_section(sample: Container) -> None:
    assert _agenda(sample) == SAMPLE
    assert _positions(sample) == [
        (1, 1),
        (2, 1),
        (2, 2),
        (2, 3),
        (2, 4),
        (2, 5),
        (3, 1),
        (3, 2),
        (4, 1),
    ]


def test_add_at_the_end_and_at_a_position(sample: Container) -> None:
    mid = _id(sample)
    item = agenda.add_item(sample.uow(), mid, agenda.NewItem(title="Sidst", minutes=5))
    assert item.id is not None and item.section == 2 and item.position == 6
    agenda.add_item(sample.uow(), mid, agenda.NewItem(title="Først", section=3, position=1))
    assert [n for n, _ in _agenda(sample)] == [
        "1.", "2.a", "2.b", "2.c", "2.d", "2.e", "2.f", "3.a", "3.b", "3.c", "4.",
    ]  # fmt: skip
    assert ("2.f", "Sidst") in _agenda(sample)
    assert ("3.a", "Først") in _agenda(sample)
    assert ("3.b", "Orientering") in _agenda(sample)
    assert _positions(sample)[7:10] == [(3, 1), (3, 2), (3, 3)]


def test_added_item_keeps_its_details(sample: Container) -> None:
    mid = _id(sample)
    agenda.add_item(
        sample.uow(),
        mid,
        agenda.NewItem(
            title="  Nyt punkt  ",
            minutes="20 min",  # type: ignore[arg-type]
            presenter="Jonas Friis",
            indstilling="Sundhedsfremme indstiller, at punktet drøftes.",
            guests=("ida.norgaard@fjordby.dk", "Ida Nørgaard"),
            attachments=(("Notat", "https://fjordby.dk/notat.pdf"),),
        ),
    )
    meeting = _meeting(sample)
    item = find_item(meeting, "2.f")
    assert item.title == "Nyt punkt"
    assert item.planned_minutes == 20
    assert item.presenter == "Jonas Friis"
    assert len(item.guests) == 1  # the same person twice is one guest
    assert [(a.name, a.url) for a in item.attachments] == [
        ("Notat", "https://fjordby.dk/notat.pdf")
    ]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://fjordby.dk/x",
        "fjordby.dk/notat.pdf",
        "https://",
        "https://x.dk/a b",
    ],
)
def test_a_bilag_link_must_be_http_or_https(sample: Container, url: str) -> None:
    before = dump(sample.settings.database_url)
    spec = agenda.NewItem(title="Punkt med bilag", attachments=(("Notat", url),))
    with pytest.raises(InputError, match="er ikke et link"):
        agenda.add_item(sample.uow(), _id(sample), spec)
    assert dump(sample.settings.database_url) == before


def test_bilag_lines_from_the_item_form() -> None:
    text = "Notat | https://fjordby.dk/notat.pdf\n\n  https://fjordby.dk/tal.xlsx \nPjece\nA | B | http://x.dk"
    assert agenda.parse_attachments(text) == (
        ("Notat", "https://fjordby.dk/notat.pdf"),
        ("https://fjordby.dk/tal.xlsx", "https://fjordby.dk/tal.xlsx"),
        ("Pjece", ""),
        ("A | B", "http://x.dk"),
    )
    with pytest.raises(InputError, match="Linje 2: bilaget mangler et navn"):
        agenda.parse_attachments("Notat | https://x.dk\n | https://y.dk")
    with pytest.raises(InputError, match=r"Linje 1: »mailto:a@b\.dk« er ikke et link"):
        agenda.parse_attachments("Skriv | mailto:a@b.dk")


def test_move_within_a_section(sample: Container) -> None:
    mid = _id(sample)
    moved = agenda.move_item(sample.uow(), mid, "2.d", section=None, position=1)
    assert moved.position == 1
    assert [t for n, t in _agenda(sample) if n.startswith("2")] == [
        "Henvisninger", "Drøftelse", "Godkendelse", "Procedure", "Den",
    ]  # fmt: skip
    agenda.move_item(sample.uow(), mid, "2.a", section=None, position=None)  # to the end
    assert [t for n, t in _agenda(sample) if n.startswith("2")][-1] == "Henvisninger"
    assert _positions(sample)[1:6] == [(2, p) for p in range(1, 6)]


def test_move_across_sections_reletters_both(sample: Container) -> None:
    mid = _id(sample)
    agenda.move_item(sample.uow(), mid, "2.b", section=3, position=2)
    assert _agenda(sample) == [
        ("1.", "Godkendelse"),
        ("2.a", "Drøftelse"),
        ("2.b", "Procedure"),
        ("2.c", "Henvisninger"),
        ("2.d", "Den"),
        ("3.a", "Orientering"),
        ("3.b", "Godkendelse"),
        ("3.c", "Orientering"),
        ("4.", "Eventuelt"),
    ]
    assert _positions(sample) == [
        (1, 1),
        (2, 1),
        (2, 2),
        (2, 3),
        (2, 4),
        (3, 1),
        (3, 2),
        (3, 3),
        (4, 1),
    ]
    # the item keeps its identity (and so its guests) when moved
    agenda.move_item(sample.uow(), mid, "2.b", section=4, position=1)
    meeting = _meeting(sample)
    moved = find_item(meeting, "4.a")
    assert moved.title.startswith("Procedure") and len(moved.guests) == 1
    assert item_number(meeting, find_item(meeting, "4.b")) == "4.b"


def test_remove_reletters(sample: Container) -> None:
    mid = _id(sample)
    removed = agenda.remove_item(sample.uow(), mid, "2.a")
    assert removed.title.startswith("Drøftelse")
    assert [t for n, t in _agenda(sample) if n.startswith("2")] == [
        "Godkendelse", "Procedure", "Henvisninger", "Den",
    ]  # fmt: skip
    assert _positions(sample)[1:5] == [(2, p) for p in range(1, 5)]
    agenda.remove_item(sample.uow(), mid, "4")
    assert _agenda(sample)[-1] == ("3.b", "Orientering")


@pytest.mark.parametrize(
    ("action", "error", "message"),
    [
        (
            lambda c, m: agenda.add_item(c, m, agenda.NewItem(title="X", section=5)),
            InputError,
            "Afsnit 5 findes ikke",
        ),
        (
            lambda c, m: agenda.add_item(c, m, agenda.NewItem(title="X", section=0)),
            InputError,
            "Afsnit 0 findes ikke",
        ),
        (
            lambda c, m: agenda.add_item(c, m, agenda.NewItem(title="X", position=7)),
            InputError,
            "Pladsen »7« findes ikke i afsnit 2 \\(1-6\\)",
        ),
        (
            lambda c, m: agenda.add_item(c, m, agenda.NewItem(title="X", position=0)),
            InputError,
            "Pladsen »0«",
        ),
        (
            lambda c, m: agenda.add_item(c, m, agenda.NewItem(title="   ")),
            InputError,
            "Punktets titel mangler",
        ),
        (
            lambda c, m: agenda.add_item(c, m, agenda.NewItem(title="x" * 501)),
            InputError,
            "for lang",
        ),
        (
            lambda c, m: agenda.add_item(c, m, agenda.NewItem(title="X", minutes=-5)),
            InputError,
            "Varigheden »-5«",
        ),
        (
            lambda c, m: agenda.add_item(c, m, agenda.NewItem(title="X", minutes="kvarter")),
            InputError,
            "Varigheden",
        ),  # type: ignore[arg-type]
        (
            lambda c, m: agenda.add_item(
                c, m, agenda.NewItem(title="X", guests=("nogen@fjordby.dk",))
            ),
            NotFoundError,
            "nogen@fjordby.dk",
        ),
        (
            lambda c, m: agenda.add_item(c, m, agenda.NewItem(title="X", presenter="p" * 301)),
            InputError,
            "for lang",
        ),
        (
            lambda c, m: agenda.add_item(c, 999, agenda.NewItem(title="X")),
            NotFoundError,
            "Mødet »999« findes ikke",
        ),
        (
            lambda c, m: agenda.move_item(c, m, "2.x", section=None, position=1),
            NotFoundError,
            "Punkt »2.x« findes ikke",
        ),
        (
            lambda c, m: agenda.move_item(c, m, "2", section=None, position=1),
            NotFoundError,
            "Punkt »2« findes ikke",
        ),
        (
            lambda c, m: agenda.move_item(c, m, "5.a", section=None, position=1),
            InputError,
            "ikke et punktnummer",
        ),
        (
            lambda c, m: agenda.move_item(c, m, "to b", section=None, position=1),
            InputError,
            "ikke et punktnummer",
        ),
        (lambda c, m: agenda.move_item(c, m, "2.a", section=7, position=1), InputError, "Afsnit 7"),
        (
            lambda c, m: agenda.move_item(c, m, "2.a", section=None, position=6),
            InputError,
            "Pladsen »6«",
        ),
        (
            lambda c, m: agenda.move_item(c, m, "2.a", section=3, position=4),
            InputError,
            "Pladsen »4«",
        ),
        (lambda c, m: agenda.remove_item(c, m, "3.c"), NotFoundError, "Punkt »3.c«"),
        (lambda c, m: agenda.remove_item(c, m, ""), InputError, "ikke et punktnummer"),
        (lambda c, m: agenda.set_item_minutes(c, m, "2.a", 601), InputError, "Varigheden »601«"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(
    sample: Container, db_url: str, action: object, error: type[Exception], message: str
) -> None:
    mid = _id(sample)
    before = dump(db_url)
    with pytest.raises(error, match=message):
        action(sample.uow(), mid)  # type: ignore[operator]
    assert dump(db_url) == before


@pytest.mark.parametrize("status", [MeetingStatus.CANCELLED, MeetingStatus.HELD])
def test_a_cancelled_or_held_meeting_cannot_be_edited(
    sample: Container, db_url: str, status: MeetingStatus
) -> None:
    mid = _id(sample)
    with sample.uow() as uow:
        meetings.get_meeting(uow, mid).status = status
        uow.commit()
    before = dump(db_url)
    for action in (
        lambda: agenda.add_item(sample.uow(), mid, agenda.NewItem(title="X")),
        lambda: agenda.move_item(sample.uow(), mid, "2.a", section=3, position=1),
        lambda: agenda.remove_item(sample.uow(), mid, "2.a"),
        lambda: agenda.set_item_minutes(sample.uow(), mid, "2.a", 5),
    ):
        with pytest.raises(ConflictError, match="aflyst" if status == "aflyst" else "afholdt"):
            action()
    assert dump(db_url) == before


def test_item_refs_accept_common_spellings(sample: Container) -> None:
    meeting = _meeting(sample)
    for ref in ("2.b", "2b", "2 b", " 2.B. ", "2.b."):
        assert find_item(meeting, ref).title.startswith("Godkendelse af vejledning")
    assert find_item(meeting, "4.").title == "Eventuelt"
    assert find_item(meeting, "4.a").title == "Eventuelt"


# --- property: any sequence of edits keeps positions 1..n and letters a, b, c … per section ------

ops = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.integers(1, 4), st.integers(0, 8)),
        st.tuples(st.just("move"), st.integers(0, 12), st.integers(1, 4), st.integers(0, 8)),
        st.tuples(st.just("remove"), st.integers(0, 12)),
    ),
    max_size=6,
)


def _apply(c: Container, mid: int, op: tuple[Any, ...]) -> None:
    meeting = _meeting(c)
    numbers = [item_number(meeting, i) for i in ordered_items(meeting)]
    pick = numbers[op[1] % len(numbers)] if numbers else "2.a"
    try:
        if op[0] == "add":
            spec = agenda.NewItem(title="Nyt", section=op[1], position=op[2] or None, minutes=5)
            agenda.add_item(c.uow(), mid, spec)
        elif op[0] == "move":
            agenda.move_item(c.uow(), mid, pick, section=op[2], position=op[3] or None)
        else:
            agenda.remove_item(c.uow(), mid, pick)
    except (InputError, NotFoundError):
        pass  # a position past the end, or a section emptied: refused, and checked below


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops)
def test_any_sequence_of_edits_keeps_the_agenda_well_numbered(
    sample: Container, sequence: list[tuple[Any, ...]]
) -> None:
    mid = _id(sample)
    for op in sequence:
        _apply(sample, mid, op)
        meeting = _meeting(sample)
        for section in (1, 2, 3, 4):
            items = [i for i in ordered_items(meeting) if i.section == section]
            assert [i.position for i in items] == list(range(1, len(items) + 1))
            numbers = [item_number(meeting, i) for i in items]
            if len(items) == 1 and section in (1, 4):
                assert numbers == [f"{section}."]
            else:
                assert numbers == [f"{section}.{chr(ord('a') + n)}" for n in range(len(items))]
