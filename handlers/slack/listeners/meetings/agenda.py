"""The agenda as Block Kit with its time plan; for the secretary, Flyt/Fjern on each item."""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import AgendaItem, Committee, Meeting, Person
from bot.meetings.timeplan import time_plan
from bot.time.parse import format_span, format_time
from handlers.slack.blocks import (
    Block,
    actions,
    button,
    clip,
    context,
    escape,
    option,
    overflow,
    section,
)
from handlers.slack.listeners.meetings.views import ADD_ITEM_BUTTON, ITEM_MENU

DESCRIPTION_TEXT = 1200  # of an item's sagsbeskrivelse in the agenda message
AGENDA_SECTION_CHARS = 2900  # Slack's section text holds 3000


def agenda_blocks(
    meeting: Meeting, committee: Committee, people: Mapping[int, Person], *, editable: bool
) -> list[Block]:
    """The agenda with its time plan; for the secretary each item gets a Flyt/Fjern menu."""
    tz = ZoneInfo(committee.timezone)
    plan = time_plan(meeting)
    when = format_span(meeting.starts_at, meeting.ends_at, tz)
    head = f"*{escape(meeting.title)}* (#{meeting.id})\n{escape(when)}"
    if meeting.place:
        head += f"\n{escape(meeting.place)}"
    blocks: list[Block] = [section(head)]
    current = 0
    for slot in plan.slots:
        if slot.item.section != current:
            current = slot.item.section
            blocks.append(context(f"*{current}. {escape(texts.SECTION_TITLES[current])}*"))
        span = f"{format_time(slot.start, tz)}–{format_time(slot.end, tz)}"
        blocks.append(_item_block(meeting, slot.item, slot.number, people, editable, span))
    if not plan.slots:
        blocks.append(section(escape(texts.AGENDA_NO_ITEMS)))
    if plan.overrun:
        minutes = int(plan.overrun.total_seconds() // 60)
        end = format_time(meeting.ends_at, tz)
        blocks.append(
            section(":warning: " + escape(texts.AGENDA_OVERRUN.format(minutes=minutes, end=end)))
        )
    if editable:
        add = button(texts.SEC_ADD_ITEM_BUTTON, ADD_ITEM_BUTTON, str(meeting.id))
        blocks.append(actions([add]))
    return blocks


def _link(url: str, name: str) -> str:
    """A Slack link to a bilag; the name escaped, its »|« (which would end the link) softened."""
    return f"<{escape(url)}|{escape(name).replace('|', '¦')}>"


def _item_block(
    meeting: Meeting,
    item: AgendaItem,
    number: str,
    people: Mapping[int, Person],
    editable: bool,
    span: str,
) -> Block:
    lines = [f"`{span}` *{escape(number)}* {escape(item.title)} ({item.planned_minutes} min.)"]
    if item.presenter:
        lines.append(escape(texts.AGENDA_PRESENTER.format(presenter=item.presenter).strip()))
    names = [people[g.person_id].name for g in item.guests if g.person_id in people]
    if names:
        lines.append(escape(texts.AGENDA_GUESTS.format(guests=", ".join(names)).strip()))
    if item.sagsbeskrivelse:
        text = clip(escape(item.sagsbeskrivelse), DESCRIPTION_TEXT)
        lines.append(f"_{escape(texts.AGENDA_SAGSBESKRIVELSE.strip())}_\n{text}")
    if item.attachments:
        links = [_link(a.url, a.name) if a.url else escape(a.name) for a in item.attachments]
        lines.append(
            escape(texts.AGENDA_ATTACHMENTS.format(attachments="").strip()) + " " + ", ".join(links)
        )
    menu = None
    if editable and item.id is not None:
        ref = f"{meeting.id}:{item.id}"
        menu = overflow(
            ITEM_MENU,
            [
                option(texts.SEC_MENU_EDIT, f"edit:{ref}"),
                option(texts.SEC_MENU_MOVE, f"move:{ref}"),
                option(texts.SEC_MENU_REMOVE, f"remove:{ref}"),
            ],
        )
    return section(clip("\n".join(lines), AGENDA_SECTION_CHARS), menu)
