"""Block Kit for the minutes: the item list with "Skriv referat" buttons and the item modal."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import (
    ActionItem,
    AgendaItem,
    AttendanceStatus,
    Meeting,
    MeetingStatus,
    Outcome,
    Person,
    Section,
)
from bot.meetings.timeplan import item_number, ordered_items
from bot.minutes.grammar import action_line
from bot.minutes.model import outcome_text
from bot.time.parse import format_date
from handlers.slack import blocks as b
from handlers.slack.inbound import submitted as field_value
from handlers.slack.render import MINUTES_ACTION

OPEN_ACTION = MINUTES_ACTION  # value: meeting id (also on the secretary's "minutes due" DM)
ITEM_ACTION = "referat_item"  # value: "<meeting id>:<item id>"
APPROVE_ACTION = "referat_approve"  # value: meeting id
MINUTES_ITEM_VIEW = "referat_item_view"
ATTENDANCE_ACTION = "referat_attendance"  # value: meeting id
ATTENDANCE_VIEW = "referat_attendance_view"
ATTENDANCE_BLOCKS = (
    ("came", AttendanceStatus.ATTENDING, texts.MINUTES_SLACK_CAME),
    ("regrets", AttendanceStatus.REGRETS, texts.MINUTES_SLACK_REGRETS),
    ("no_show", AttendanceStatus.NO_SHOW, texts.MINUTES_SLACK_NO_SHOW),
)
NO_OUTCOME = "-"
ITEM_FIELDS = ("referat", "beslutning", "outcome", "actions", "next")
MODAL_TEXT = 3000


def item_summary(item: AgendaItem) -> str:
    """What the list shows under an item: decision, else outcome, else 'nothing yet'."""
    text = item.beslutning or outcome_text(item) or item.referat
    return b.escape(text) if text else texts.MINUTES_SLACK_EMPTY_ITEM


def minutes_list(meeting: Meeting, tz: ZoneInfo) -> dict[str, Any]:
    """The message that `/klu referat` answers with (ephemeral)."""
    date = format_date(meeting.starts_at.astimezone(tz).date())
    title = texts.MINUTES_SLACK_HEADER.format(title=meeting.title, date=date)
    blocks: list[b.Block] = [b.header(title)]
    for item in ordered_items(meeting):
        number = item_number(meeting, item)
        has = bool(item.beslutning or item.referat or item.outcome)
        button = b.button(
            texts.MINUTES_SLACK_EDIT if has else texts.MINUTES_SLACK_WRITE,
            ITEM_ACTION,
            f"{meeting.id}:{item.id}",
        )
        text = f"*{b.escape(number)} {b.escape(item.title)}*\n{item_summary(item)}"
        blocks.append(b.section(b.clip(text, b.SECTION_TEXT), accessory=button))
    buttons = [b.button(texts.MINUTES_SLACK_ATTENDANCE, ATTENDANCE_ACTION, str(meeting.id))]
    if meeting.status != MeetingStatus.MINUTES_APPROVED:
        buttons.append(
            b.button(texts.MINUTES_SLACK_APPROVE, APPROVE_ACTION, str(meeting.id), style="primary")
        )
    blocks.append(b.actions(buttons))
    return b.message(b.escape(title), blocks)


def _input(
    block_id: str, label: str, initial: str, *, hint: str = "", multiline: bool = True
) -> b.Block:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": "value",
        "multiline": multiline,
    }
    if initial:
        element["initial_value"] = initial[:MODAL_TEXT]
    block: b.Block = {
        "type": "input",
        "block_id": block_id,
        "optional": True,
        "label": b.plain(label, 2000),
        "element": element,
    }
    if hint:
        block["hint"] = b.plain(hint, 2000)
    return block


def _outcome_select(current: Outcome | None) -> b.Block:
    options = [b.option(texts.MINUTES_SLACK_NO_OUTCOME, NO_OUTCOME)]
    options += [b.option(texts.OUTCOME_NAMES[o], o.value) for o in Outcome]
    element: dict[str, Any] = {"type": "static_select", "action_id": "value", "options": options}
    if current is not None:
        element["initial_option"] = options[[o.value for o in Outcome].index(current) + 1]
    return {
        "type": "input",
        "block_id": "outcome",
        "optional": True,
        "label": b.plain(texts.MINUTES_SLACK_OUTCOME_LABEL, 2000),
        "element": element,
    }


def minutes_item_modal(
    meeting: Meeting, item: AgendaItem, actions: Sequence[ActionItem]
) -> dict[str, Any]:
    """The modal for one item's referat, beslutning, outcome and actions."""
    number = item_number(meeting, item)
    blocks: list[b.Block] = [b.section(f"*{b.escape(number)} {b.escape(item.title)}*")]
    if item.indstilling:
        blocks.append(b.context(b.escape(item.indstilling)))
    blocks += [
        _input("referat", texts.MINUTES_SLACK_REFERAT_LABEL, item.referat),
        _input("beslutning", texts.MINUTES_SLACK_BESLUTNING_LABEL, item.beslutning),
        _outcome_select(item.outcome),
        _input(
            "actions",
            texts.MINUTES_SLACK_ACTIONS_LABEL,
            "\n".join(action_line(a) for a in actions),
            hint=texts.MINUTES_SLACK_ACTIONS_HINT,
        ),
    ]
    if item.section == Section.AOB:
        blocks.append(
            _input(
                "next", texts.MINUTES_SLACK_NEXT_LABEL, meeting.next_meeting_note, multiline=False
            )
        )
    return {
        "type": "modal",
        "callback_id": MINUTES_ITEM_VIEW,
        "title": b.plain(texts.MINUTES_SLACK_MODAL_TITLE.format(number=number), b.MODAL_TITLE),
        "submit": b.plain(texts.MINUTES_SLACK_SAVE, b.MODAL_TITLE),
        "close": b.plain(texts.MINUTES_SLACK_CANCEL, b.MODAL_TITLE),
        "private_metadata": json.dumps({"meeting_id": meeting.id, "item_id": item.id}),
        "blocks": blocks,
    }


def submitted_item(view: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """(private metadata, field -> value) of a submitted item modal; absent fields are left out."""
    values = (view.get("state") or {}).get("values") or {}
    found: dict[str, str] = {}
    for field in ITEM_FIELDS:
        if field not in values:
            continue
        element: dict[str, Any] = values[field].get("value") or next(
            iter(values[field].values()), {}
        )
        if "selected_option" in element:
            option = element.get("selected_option") or {}
            value = str(option.get("value") or "")
            found[field] = "" if value == NO_OUTCOME else value
        else:
            found[field] = field_value(element.get("value"))
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    return (meta if isinstance(meta, dict) else {}), found


def attendance_modal(
    meeting: Meeting,
    people: Sequence[Person],
    statuses: dict[int, AttendanceStatus],
    notes: Sequence[str] = (texts.MINUTES_SLACK_ATTENDANCE_HINT,),
) -> dict[str, Any]:
    """Who came, sent regrets or did not show: three multi-selects over members and guests.

    The notes (the rule, and what the minutes show now) lead the form.
    """
    options = {p.id: b.option(p.name, f"#{p.id}") for p in people[:100] if p.id is not None}
    blocks: list[b.Block] = [b.context(note) for note in notes]
    for block_id, status, label in ATTENDANCE_BLOCKS:
        element: dict[str, Any] = {
            "type": "multi_static_select",
            "action_id": "value",
            "options": list(options.values()),
        }
        chosen = [options[pid] for pid, st in statuses.items() if st == status and pid in options]
        if chosen:
            element["initial_options"] = chosen
        blocks.append(
            {
                "type": "input",
                "block_id": block_id,
                "optional": True,
                "label": b.plain(label, 2000),
                "element": element,
            }
        )
    return {
        "type": "modal",
        "callback_id": ATTENDANCE_VIEW,
        "title": b.plain(texts.MINUTES_SLACK_ATTENDANCE, b.MODAL_TITLE),
        "submit": b.plain(texts.MINUTES_SLACK_SAVE, b.MODAL_TITLE),
        "close": b.plain(texts.MINUTES_SLACK_CANCEL, b.MODAL_TITLE),
        "private_metadata": json.dumps({"meeting_id": meeting.id}),
        "blocks": blocks,
    }


def chosen_people(view: dict[str, Any]) -> dict[str, list[str]]:
    """Block id -> the '#id' values chosen in the attendance modal."""
    values = (view.get("state") or {}).get("values") or {}
    found: dict[str, list[str]] = {}
    for block_id, _, _ in ATTENDANCE_BLOCKS:
        element = (values.get(block_id) or {}).get("value") or {}
        found[block_id] = [str(o.get("value")) for o in element.get("selected_options") or []]
    return found
