"""Item numbering (1., 2.a, 2.b …) and the time plan that gives every item its slot."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot import texts
from bot.domain import AgendaItem, Meeting, Section
from bot.errors import InputError, NotFoundError

_REF = re.compile(r"^\s*([1-4])\s*\.?\s*([a-zA-Z]{0,2})\s*\.?\s*$")


def ordered_items(meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order: by section, then position."""
    return sorted(meeting.items, key=lambda i: (i.section, i.position))


def section_items(meeting: Meeting, section: int) -> list[AgendaItem]:
    """One section's items in order."""
    return [i for i in ordered_items(meeting) if i.section == section]


def _letter(index: int) -> str:
    letters = string.ascii_lowercase
    if index < len(letters):
        return letters[index]
    return letters[index // len(letters) - 1] + letters[index % len(letters)]


def item_number(meeting: Meeting, item: AgendaItem) -> str:
    """'2.a' style; sections 1 and 4 with a single item are just '1.' and '4.'."""
    siblings = section_items(meeting, item.section)
    lone = len(siblings) == 1 and item.section in (Section.APPROVAL, Section.AOB)
    if lone:
        return f"{item.section}."
    return f"{item.section}.{_letter(siblings.index(item))}"


def find_item(meeting: Meeting, ref: str) -> AgendaItem:
    """Find an item by its number ('2.b', '2b', '4', '4.')."""
    match = _REF.match(ref or "")
    if match is None:
        raise InputError(texts.BAD_ITEM_REF.format(ref=ref))
    section, letter = int(match.group(1)), match.group(2).lower()
    siblings = section_items(meeting, section)
    if not letter:
        if len(siblings) == 1:
            return siblings[0]
        raise NotFoundError(texts.UNKNOWN_ITEM.format(ref=ref))
    for index, item in enumerate(siblings):
        if _letter(index) == letter:
            return item
    raise NotFoundError(texts.UNKNOWN_ITEM.format(ref=ref))


@dataclass(frozen=True)
class Slot:
    """One item's place in the time plan."""

    item: AgendaItem
    number: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class TimePlan:
    """Every item's slot, and how far the plan runs past the meeting's end (if at all)."""

    slots: tuple[Slot, ...]
    overrun: timedelta

    def slot_of(self, item: AgendaItem) -> Slot:
        """The slot of one item."""
        for slot in self.slots:
            if slot.item is item:
                return slot
        raise KeyError(item.id)


def time_plan(meeting: Meeting) -> TimePlan:
    """Lay the items end to end from the meeting's start, in agenda order.

    The arithmetic is done in UTC: adding minutes to a datetime in a DST zone adds wall-clock
    time, which is wrong on the nights the clocks change. Slots come back in UTC.
    """
    cursor = meeting.starts_at.astimezone(UTC)
    slots: list[Slot] = []
    for item in ordered_items(meeting):
        end = cursor + timedelta(minutes=item.planned_minutes)
        slots.append(Slot(item, item_number(meeting, item), cursor, end))
        cursor = end
    overrun = max(cursor - meeting.ends_at.astimezone(UTC), timedelta(0))
    return TimePlan(tuple(slots), overrun)
