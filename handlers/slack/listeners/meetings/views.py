"""Block Kit modals and messages for the secretary: committee, meeting, agenda items."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import AgendaItem, Committee, Meeting, Person
from bot.time.parse import format_span
from handlers.slack.blocks import (
    MODAL_TITLE,
    VIEW_BLOCKS,
    Block,
    context,
    divider,
    escape,
    fit,
    option,
    plain,
    section,
)

View = dict[str, Any]

SETUP_VIEW = "klu_sec_setup"
MEETING_VIEW = "klu_sec_meeting"
AGENDA_ITEM_VIEW = "klu_sec_item"
ITEM_EDIT_VIEW = "klu_sec_item_edit"
MOVE_VIEW = "klu_sec_move"
REMOVE_VIEW = "klu_sec_remove"
DONE_VIEW = "klu_sec_done"
ITEM_MENU = "klu_sec_item_menu"
ADD_ITEM_BUTTON = "klu_sec_add_item"
LABEL_TEXT = 2000
PLACEHOLDER_TEXT = 150
MAX_OPTIONS = 100
INPUT_TEXT = 3000  # Slack's longest plain_text_input


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool) -> Block:
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, LABEL_TEXT),
        "optional": optional,
        "element": element,
    }


def _text_input(
    block_id: str,
    label: str,
    *,
    initial: str = "",
    optional: bool = False,
    multiline: bool = False,
    hint: str = "",
    placeholder: str = "",
) -> Block:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": "value"}
    if multiline:
        element["multiline"] = True
    if initial:
        element["initial_value"] = initial
    if placeholder:
        element["placeholder"] = plain(placeholder, PLACEHOLDER_TEXT)
    block = _input(block_id, label, element, optional=optional)
    if hint:
        block["hint"] = plain(hint, LABEL_TEXT)
    return block


def _select(
    block_id: str, label: str, options: Sequence[tuple[str, str]], initial: str | None
) -> Block:
    opts = [option(text, value) for text, value in options]
    element: dict[str, Any] = {"type": "static_select", "action_id": "value", "options": opts}
    chosen = [o for o in opts if o["value"] == initial]
    if chosen:
        element["initial_option"] = chosen[0]
    return _input(block_id, label, element, optional=False)


def _modal(callback_id: str, title: str, blocks: list[Block], meta: Mapping[str, Any]) -> View:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, MODAL_TITLE),
        "submit": plain(texts.SEC_SUBMIT, MODAL_TITLE),
        "close": plain(texts.SEC_CANCEL, MODAL_TITLE),
        "private_metadata": json.dumps(dict(meta)),
        "blocks": blocks,
    }


def _sections() -> list[tuple[str, str]]:
    return [(f"{n}. {title}", str(n)) for n, title in texts.SECTION_TITLES.items()]


def setup_modal(
    committee: Committee | None,
    channel_id: str,
    name: str = "",
    secretariat: tuple[str, str] = ("", ""),
) -> View:
    """Everything calling a meeting needs: name, short name, organising unit, secretariat
    (name, e-mail, phone), default place and hours; pre-filled from the committee when it
    exists (a new one starts with the caller as secretariat). Binds the channel on submit."""
    c = committee
    sec_name, sec_email = (
        (c.secretariat_name, c.secretariat_email) if c is not None else secretariat
    )

    def text(block_id: str, label: str, initial: str, **kw: Any) -> Block:
        return _text_input(block_id, label, initial=initial, **kw)

    blocks = [
        text("name", texts.SEC_LABEL_NAME, c.name if c else name),
        text("short_name", texts.SEC_LABEL_SHORT, c.short_name if c else ""),
        text(
            "unit",
            texts.SEC_LABEL_UNIT,
            c.organiser_unit if c else "",
            optional=True,
            placeholder=texts.SEC_PLACEHOLDER_UNIT,
        ),
        text(
            "secretariat_name",
            texts.SEC_LABEL_SECRETARIAT_NAME,
            sec_name,
            hint=texts.SEC_HINT_SECRETARIAT,
        ),
        text("secretariat_email", texts.SEC_LABEL_SECRETARIAT_EMAIL, sec_email),
        text(
            "secretariat_phone",
            texts.SEC_LABEL_SECRETARIAT_PHONE,
            c.secretariat_phone if c else "",
            optional=True,
        ),
        text("place", texts.SEC_LABEL_PLACE, c.default_place if c else "", optional=True),
        text("start", texts.SEC_LABEL_START, c.default_start if c else "15:00"),
        text("end", texts.SEC_LABEL_END, c.default_end if c else "17:00"),
    ]
    return _modal(SETUP_VIEW, texts.SEC_SETUP_TITLE, blocks, {"channel": channel_id})


def meeting_modal(committee: Committee) -> View:
    """When (Danish free text), place, title, case and document numbers."""
    blocks = [
        _text_input(
            "when",
            texts.SEC_LABEL_WHEN,
            hint=texts.SEC_HINT_WHEN,
            placeholder=texts.SEC_PLACEHOLDER_WHEN,
        ),
        _text_input("place", texts.SEC_LABEL_PLACE, initial=committee.default_place, optional=True),
        _text_input(
            "title",
            texts.SEC_LABEL_TITLE,
            optional=True,
            placeholder=texts.DEFAULT_MEETING_TITLE.format(name=committee.name),
        ),
        _text_input("case_no", texts.SEC_LABEL_CASE_NO, optional=True),
        _text_input("doc_no", texts.SEC_LABEL_DOC_NO, optional=True),
    ]
    return _modal(MEETING_VIEW, texts.SEC_MEETING_TITLE, blocks, {"committee": committee.id})


def meeting_label(meeting: Meeting, tz: ZoneInfo) -> str:
    """'#3 torsdag 17. september 2026 kl. 15:00–17:00' for selects."""
    return f"#{meeting.id} {format_span(meeting.starts_at, meeting.ends_at, tz)}"


def _item_fields(item: AgendaItem | None, people: Mapping[int, Person]) -> list[Block]:
    """Title, minutes, presenter, guests, indstilling, sagsbeskrivelse and bilag, pre-filled
    from an item when it is edited."""
    i = item
    guests = [people[g.person_id] for g in i.guests if g.person_id in people] if i else []
    users: dict[str, Any] = {"type": "multi_users_select", "action_id": "value"}
    in_slack = [p.slack_user_id for p in guests if p.slack_user_id]
    if in_slack:
        users["initial_users"] = in_slack
    by_mail = "\n".join(f"{p.name} <{p.email}>" for p in guests if p.email and not p.slack_user_id)
    bilag = (
        "\n".join(f"{a.name} | {a.url}" if a.url else a.name for a in i.attachments) if i else ""
    )
    blocks = [
        _text_input("title", texts.SEC_LABEL_ITEM_TITLE, initial=i.title if i else ""),
        _text_input(
            "minutes", texts.SEC_LABEL_MINUTES, initial=str(i.planned_minutes) if i else "15"
        ),
        _text_input(
            "presenter", texts.SEC_LABEL_PRESENTER, initial=i.presenter if i else "", optional=True
        ),
        _input("guests_slack", texts.SEC_LABEL_GUESTS_SLACK, users, optional=True),
        _text_input(
            "guests_email",
            texts.SEC_LABEL_GUESTS_EMAIL,
            initial=by_mail,
            optional=True,
            multiline=True,
            hint=texts.SEC_HINT_GUESTS_EMAIL,
        ),
        _text_input(
            "indstilling",
            texts.SEC_LABEL_INDSTILLING,
            initial=i.indstilling if i else "",
            optional=True,
            multiline=True,
        ),
    ]
    if i is None or len(i.sagsbeskrivelse) <= INPUT_TEXT:
        sagsbeskrivelse = _text_input(
            "sagsbeskrivelse",
            texts.SEC_LABEL_SAGSBESKRIVELSE,
            initial=i.sagsbeskrivelse if i else "",
            optional=True,
            multiline=True,
        )
        sagsbeskrivelse["element"]["max_length"] = INPUT_TEXT
        blocks.append(sagsbeskrivelse)
    else:  # longer than Slack lets a field hold (from the meeting file): kept as it is
        blocks.append(context(escape(texts.SEC_SAGSBESKRIVELSE_TOO_LONG)))
    blocks.append(
        _text_input(
            "attachments",
            texts.SEC_LABEL_ATTACHMENTS,
            initial=bilag,
            optional=True,
            multiline=True,
            hint=texts.SEC_HINT_ATTACHMENTS,
            placeholder=texts.SEC_PLACEHOLDER_ATTACHMENTS,
        )
    )
    return blocks


def agenda_item_modal(
    committee: Committee, meetings: Sequence[Meeting], meeting_id: int | None
) -> View:
    """Add an item: meeting, section, then the item's fields (see _item_fields)."""
    tz = ZoneInfo(committee.timezone)
    meeting_options = [(meeting_label(m, tz), str(m.id)) for m in meetings][:MAX_OPTIONS]
    initial = str(meeting_id) if meeting_id is not None else meeting_options[0][1]
    blocks = [
        _select("meeting", texts.SEC_LABEL_MEETING, meeting_options, initial),
        _select("section", texts.SEC_LABEL_SECTION, _sections(), "2"),
        *_item_fields(None, {}),
    ]
    return _modal(AGENDA_ITEM_VIEW, texts.SEC_ITEM_TITLE, blocks, {"committee": committee.id})


def item_edit_modal(
    meeting: Meeting, item: AgendaItem, number: str, people: Mapping[int, Person]
) -> View:
    """Edit an item's contents, pre-filled (its place is changed with Flyt)."""
    heading = texts.SEC_ITEM_HEADING.format(number=number, title=escape(item.title))
    blocks = [section(heading), *_item_fields(item, people)]
    meta = {"meeting": meeting.id, "item": item.id}
    return _modal(ITEM_EDIT_VIEW, texts.SEC_ITEM_EDIT_TITLE, blocks, meta)


def move_modal(meeting: Meeting, item: AgendaItem, number: str) -> View:
    """Choose the item's new section and (optionally) its place in it."""
    heading = texts.SEC_ITEM_HEADING.format(number=number, title=escape(item.title))
    blocks = [
        section(heading),
        _select("section", texts.SEC_LABEL_SECTION, _sections(), str(item.section)),
        _text_input(
            "position", texts.SEC_LABEL_POSITION, optional=True, hint=texts.SEC_HINT_POSITION
        ),
    ]
    return _modal(MOVE_VIEW, texts.SEC_MOVE_TITLE, blocks, {"meeting": meeting.id, "item": item.id})


def remove_modal(meeting: Meeting, item: AgendaItem, number: str) -> View:
    """Ask before removing an item."""
    question = texts.SEC_REMOVE_CONFIRM.format(number=number, title=escape(item.title))
    meta = {"meeting": meeting.id, "item": item.id}
    view = _modal(REMOVE_VIEW, texts.SEC_REMOVE_TITLE, [section(question)], meta)
    view["submit"] = plain(texts.SEC_REMOVE_SUBMIT, MODAL_TITLE)
    return view


def done_view(title: str, message: str, blocks: Sequence[Block]) -> View:
    """The modal after a change: what happened, then the agenda as it is now."""
    return {
        "type": "modal",
        "callback_id": DONE_VIEW,
        "title": plain(title, MODAL_TITLE),
        "close": plain(texts.SEC_CLOSE, MODAL_TITLE),
        "blocks": fit([section(escape(message)), divider(), *blocks], VIEW_BLOCKS),
    }
