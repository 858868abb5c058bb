"""Postponed items move to the next meeting by themselves, once; the old minutes stay as they were.

Runs when minutes are approved and when a meeting is created; idempotent because every copy
records its origin in AgendaItem.postponed_from_id.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import (
    LIVE,
    AgendaItem,
    Attachment,
    Committee,
    ItemGuest,
    Meeting,
    MeetingStatus,
    Outcome,
    Section,
)
from bot.meetings.agenda import insert_item
from bot.meetings.timeplan import item_number, ordered_items
from bot.ports import UnitOfWork
from bot.time.parse import format_date

NOT_CARRIED = (Section.APPROVAL, Section.AOB)


def carry_forward(uow: UnitOfWork, committee: Committee) -> list[tuple[AgendaItem, Meeting]]:
    """Copy every uncarried postponed item of approved minutes onto the next live meeting."""
    assert committee.id is not None
    meetings = list(uow.meetings.for_committee(committee.id))
    carried = {i.postponed_from_id for m in meetings for i in m.items if i.postponed_from_id}
    added: list[tuple[AgendaItem, Meeting]] = []
    for source in meetings:
        if source.status != MeetingStatus.MINUTES_APPROVED:
            continue
        target = next(
            (m for m in meetings if m.starts_at > source.starts_at and m.status in LIVE), None
        )
        if target is None:
            continue
        for item in ordered_items(source):
            if item.outcome != Outcome.POSTPONED or item.section in NOT_CARRIED:
                continue
            if item.id is None or item.id in carried:
                continue
            copy = copy_item(committee, source, item)
            insert_item(target, copy, None)
            carried.add(item.id)
            added.append((copy, target))
    if added:
        uow.flush()
    return added


def copy_item(committee: Committee, source: Meeting, item: AgendaItem) -> AgendaItem:
    """The item as it stood on the agenda, with a note of where it came from."""
    tz = ZoneInfo(committee.timezone)
    note = texts.MINUTES_CARRY_NOTE.format(
        date=format_date(source.starts_at.astimezone(tz).date()),
        number=item_number(source, item),
    )
    description = f"{note}\n\n{item.sagsbeskrivelse}" if item.sagsbeskrivelse else note
    return AgendaItem(
        section=item.section,
        position=0,
        title=item.title,
        planned_minutes=item.planned_minutes,
        indstilling=item.indstilling,
        sagsbeskrivelse=description,
        presenter=item.presenter,
        topic_id=item.topic_id,
        postponed_from_id=item.id,
        guests=[ItemGuest(person_id=g.person_id) for g in item.guests],
        attachments=[Attachment(name=a.name, url=a.url) for a in item.attachments],
    )
