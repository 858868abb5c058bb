"""Load a whole meeting with its agenda from a YAML file the secretary wrote in an editor."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import yaml

from bot import texts
from bot.domain import Committee, Meeting, Person, Section
from bot.errors import InputError, KluError
from bot.meetings.agenda import NewItem, build_item, check_section, insert_item
from bot.meetings.create import carry_postponed
from bot.meetings.planning import (
    DEFAULT_ITEMS,
    NewMeeting,
    build_meeting,
    check_no_overlap,
)
from bot.people.roster_file import is_valid_email
from bot.ports import UnitOfWork
from bot.validation import one_line, optional_line

ITEM_KEYS = {
    "section", "title", "minutes", "presenter", "indstilling", "sagsbeskrivelse",
    "guests", "attachments", "referat", "beslutning",
}  # fmt: skip
TOP_KEYS = {"committee", "title", "when", "place", "case_no", "doc_no", "items", "guests"}
GUEST_KEYS = {"name", "email", "organisation", "title", "side", "phone"}
GUEST_LIMITS = {"organisation": 200, "title": 200, "side": 100, "phone": 50}


def read_meeting_file(data: bytes) -> dict[str, Any]:
    """Parse YAML into a mapping, with a Danish error naming the line on bad syntax."""
    try:
        doc = yaml.safe_load(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(texts.MEETING_FILE_NOT_UTF8) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else "?"
        raise InputError(texts.MEETING_FILE_SYNTAX.format(line=line)) from None
    if not isinstance(doc, dict):
        raise InputError(texts.MEETING_FILE_NOT_MAPPING)
    return doc


def _unknown(keys: Mapping[str, Any], allowed: set[str], where: str) -> None:
    extra = sorted(str(k) for k in keys if k not in allowed)
    if extra:
        raise InputError(texts.MEETING_FILE_UNKNOWN_KEYS.format(keys=", ".join(extra), where=where))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _item_spec(raw: Any, index: int) -> NewItem:
    where = texts.MEETING_FILE_ITEM.format(index=index)
    if not isinstance(raw, dict):
        raise InputError(texts.MEETING_FILE_ITEM_NOT_MAPPING.format(where=where))
    _unknown(raw, ITEM_KEYS, where)
    try:
        section = check_section(int(raw.get("section", Section.FOR_DECISION)))
    except (TypeError, ValueError, OverflowError):
        error = InputError(texts.BAD_SECTION.format(section=raw.get("section")))
        raise _in(where, error) from None
    except InputError as error:
        raise _in(where, error) from None
    guests = raw.get("guests") or []
    attachments = raw.get("attachments") or []
    if not isinstance(guests, list) or not isinstance(attachments, list):
        raise InputError(texts.MEETING_FILE_ITEM_NOT_MAPPING.format(where=where))
    return NewItem(
        title=_text(raw.get("title")),
        section=section,
        minutes=raw.get("minutes", 15),
        presenter=_text(raw.get("presenter")),
        indstilling=_text(raw.get("indstilling")),
        sagsbeskrivelse=_text(raw.get("sagsbeskrivelse")),
        referat=_text(raw.get("referat")),
        beslutning=_text(raw.get("beslutning")),
        guests=tuple(_text(g) for g in guests),
        attachments=tuple(_attachment(a, where) for a in attachments),
    )


def _in(where: str, error: KluError) -> KluError:
    """The same kind of error, saying which part of the file it is about."""
    return type(error)(texts.MEETING_FILE_ERROR_IN.format(where=where, message=error.message))


def _attachment(raw: Any, where: str) -> tuple[str, str]:
    if isinstance(raw, str):
        return raw, ""
    if isinstance(raw, dict) and "name" in raw:
        return _text(raw["name"]), _text(raw.get("url"))
    raise InputError(texts.MEETING_FILE_ATTACHMENT.format(where=where))


def _add_guests(uow: UnitOfWork, raw: Any) -> None:
    if raw is None:
        return
    if not isinstance(raw, list):
        raise InputError(texts.MEETING_FILE_GUESTS)
    for entry in raw:
        if not isinstance(entry, dict):
            raise InputError(texts.MEETING_FILE_GUESTS)
        _unknown(entry, GUEST_KEYS, texts.MEETING_FILE_GUEST_SECTION)
        email = _text(entry.get("email")).strip().lower()
        if not is_valid_email(email):
            raise InputError(texts.MEETING_FILE_GUEST_EMAIL.format(name=entry.get("name", "?")))
        person = uow.people.by_email(email)
        if person is None:
            person = Person(
                name=one_line(_text(entry.get("name")), texts.FIELD_NAME, limit=200), email=email
            )
            uow.people.add(person)
        for key, limit in GUEST_LIMITS.items():
            value = optional_line(_text(entry.get(key)), texts.FIELD_GUEST_DETAIL, limit=limit)
            if value:
                setattr(person, key, value)
    uow.flush()


def load_meeting(uow: UnitOfWork, committee: Committee, data: bytes, *, now: datetime) -> Meeting:
    """Create the meeting, its guests and its whole agenda in one transaction, or nothing."""
    doc = read_meeting_file(data)
    _unknown(doc, TOP_KEYS, texts.MEETING_FILE_TOP)
    if not doc.get("when"):
        raise InputError(texts.MEETING_FILE_NO_WHEN)
    raw_items = doc.get("items") or []
    if not isinstance(raw_items, list):
        raise InputError(texts.MEETING_FILE_ITEMS_NOT_LIST)
    specs = [(index, _item_spec(raw, index)) for index, raw in enumerate(raw_items, start=1)]
    meeting = build_meeting(
        committee,
        NewMeeting(
            when=_text(doc["when"]),
            place=_text(doc.get("place")),
            title=_text(doc.get("title")),
            case_no=_text(doc.get("case_no")),
            doc_no=_text(doc.get("doc_no")),
            default_items=False,
        ),
        now=now,
    )
    sections = {spec.section for _, spec in specs}
    defaults = [
        (0, NewItem(title=title, section=section, minutes=minutes))
        for section, title, minutes in DEFAULT_ITEMS
        if section not in sections
    ]
    with uow:
        check_no_overlap(uow, committee, meeting)
        _add_guests(uow, doc.get("guests"))
        for index, spec in sorted([*defaults, *specs], key=lambda pair: pair[1].section):
            try:
                item = build_item(uow, spec)
            except KluError as error:
                raise _in(texts.MEETING_FILE_ITEM.format(index=index), error) from None
            insert_item(meeting, item, None)
        uow.meetings.add(meeting)
        uow.flush()
        carry_postponed(uow, committee)
        uow.commit()
    return meeting
