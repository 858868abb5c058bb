"""Guests for an agenda item: roster people, Slack users and e-mail-only guests."""

from __future__ import annotations

import pytest

from bot.errors import InputError, NotFoundError
from bot.meetings.agenda import NewItem
from bot.meetings.guests import GuestRef, add_item_with_guests, parse_guest_emails
from bot.meetings.planning import get_meeting
from handlers.bootstrap import Container


def test_emails_are_split_on_commas_semicolons_and_lines() -> None:
    refs = parse_guest_emails(" Ida@Fjordby.dk, <ole@x.dk>;\nper@y.dk ")
    assert [r.email for r in refs] == ["ida@fjordby.dk", "ole@x.dk", "per@y.dk"]
    assert parse_guest_emails("") == []


def test_a_name_can_go_with_the_address() -> None:
    refs = parse_guest_emails("Ida Nørgaard <ida.norgaard@fjordby.dk>\n ole@x.dk per@y.dk")
    assert [(r.name, r.email) for r in refs] == [
        ("Ida Nørgaard", "ida.norgaard@fjordby.dk"),
        ("", "ole@x.dk"),
        ("", "per@y.dk"),
    ]


def test_a_bad_address_is_named_in_danish() -> None:
    with pytest.raises(InputError, match=r"ida-fjordby\.dk"):
        parse_guest_emails("ole@x.dk, ida-fjordby.dk")


def test_new_guest_is_created_and_the_item_lists_them(sample: Container) -> None:
    spec = NewItem(title="Status på akutteamet", minutes=10)
    refs = [GuestRef("ny.gaest@region.dk"), GuestRef("x@y.dk", "Xenia Yde", "U0XY")]
    item = add_item_with_guests(sample.uow(), 1, spec, refs)
    with sample.uow() as uow:
        meeting = get_meeting(uow, 1)
        stored = next(i for i in meeting.items if i.id == item.id)
        names = sorted(p.name for g in stored.guests if (p := uow.people.get(g.person_id)))
        linked = uow.people.by_slack_id("U0XY")
    assert names == ["Ny Gaest", "Xenia Yde"]
    assert linked is not None and linked.email == "x@y.dk"


def test_nothing_is_written_when_the_item_is_invalid(sample: Container) -> None:
    spec = NewItem(title="", minutes=10)
    with pytest.raises(InputError):
        add_item_with_guests(sample.uow(), 1, spec, [GuestRef("ny.gaest@region.dk")])
    with sample.uow() as uow:
        assert uow.people.by_email("ny.gaest@region.dk") is None
    with pytest.raises(NotFoundError):
        add_item_with_guests(sample.uow(), 99, NewItem(title="x"), [])
