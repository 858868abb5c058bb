"""Building the agenda: add, move and remove items; letters follow from positions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from bot import texts
from bot.domain import (
    AgendaItem,
    Attachment,
    ItemGuest,
    Meeting,
    Section,
)
from bot.errors import InputError
from bot.meetings.changes import note_change
from bot.meetings.planning import get_meeting
from bot.meetings.timeplan import find_item, section_items
from bot.people.roster import find_person
from bot.ports import UnitOfWork
from bot.validation import one_line, optional_line, optional_text, parse_minutes

MAX_TITLE = 500


@dataclass(frozen=True)
class NewItem:
    """An agenda item as the secretary describes it; guests by e-mail or name."""

    title: str
    section: int = Section.FOR_DECISION
    minutes: int = 15
    presenter: str = ""
    indstilling: str = ""
    sagsbeskrivelse: str = ""
    guests: tuple[str, ...] = ()
    attachments: tuple[tuple[str, str], ...] = ()
    position: int | None = None
    topic_id: int | None = None
    postponed_from_id: int | None = None
    referat: str = ""
    beslutning: str = ""


def check_section(section: int) -> int:
    """Sections are 1-4."""
    if section not in Section.ALL:
        raise InputError(texts.BAD_SECTION.format(section=section))
    return section


def renumber(meeting: Meeting, section: int) -> None:
    """Positions 1..n in the section, keeping the current order."""
    for position, item in enumerate(section_items(meeting, section), start=1):
        item.position = position


def insert_item(meeting: Meeting, item: AgendaItem, position: int | None) -> None:
    siblings = section_items(meeting, item.section)
    count = len(siblings) + 1
    if position is None:
        position = count
    if not 1 <= position <= count:
        raise InputError(
            texts.BAD_POSITION.format(value=position, section=item.section, count=count)
        )
    for sibling in siblings:
        if sibling.position >= position:
            sibling.position += 1
    item.position = position
    if item not in meeting.items:
        meeting.items.append(item)
    renumber(meeting, item.section)


def build_item(uow: UnitOfWork, spec: NewItem) -> AgendaItem:
    """Validate an item description into an AgendaItem (guests resolved to people)."""
    item = AgendaItem(
        section=check_section(spec.section),
        position=0,
        title=one_line(spec.title, texts.FIELD_TITLE, limit=MAX_TITLE),
        planned_minutes=parse_minutes(spec.minutes),
        presenter=optional_line(spec.presenter, texts.FIELD_TITLE, limit=300),
        indstilling=optional_text(spec.indstilling, texts.FIELD_DESCRIPTION, limit=20000),
        sagsbeskrivelse=optional_text(spec.sagsbeskrivelse, texts.FIELD_DESCRIPTION, limit=50000),
        referat=optional_text(spec.referat, texts.FIELD_DESCRIPTION, limit=50000),
        beslutning=optional_text(spec.beslutning, texts.FIELD_DESCRIPTION, limit=20000),
        topic_id=spec.topic_id,
        postponed_from_id=spec.postponed_from_id,
    )
    seen: set[int] = set()
    for ref in spec.guests:
        person = find_person(uow, ref)
        assert person.id is not None
        if person.id not in seen:
            seen.add(person.id)
            item.guests.append(ItemGuest(person_id=person.id))
    item.attachments = attachments_of(spec.attachments)
    return item


def is_link(url: str) -> bool:
    """An http(s) address with a host and no spaces (what a bilag may point at)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (
        parts.scheme.lower() in ("http", "https")
        and bool(parts.netloc)
        and url.isprintable()
        and " " not in url
    )


def attachments_of(pairs: Sequence[tuple[str, str]]) -> list[Attachment]:
    """Bilag as stored: a name and an http(s) link (or no link: handed out at the meeting)."""
    found = []
    for name, url in pairs:
        url = url.strip()
        if url and not is_link(url):
            raise InputError(texts.ATTACHMENT_BAD_LINK.format(url=url))
        found.append(Attachment(name=one_line(name, texts.FIELD_TITLE, limit=300), url=url))
    return found


def parse_attachments(text: str) -> tuple[tuple[str, str], ...]:
    """'Navn | https://link' per line (a bare link is its own name, a bare name has no link);
    a bad line is named by its number."""
    found = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        name, bar, url = (part.strip() for part in line.rpartition("|"))
        if not bar:
            name, url = (
                (line, line) if "://" in line or line.lower().startswith("www.") else (line, "")
            )
        if not name:
            raise InputError(texts.SEC_BAD_ATTACHMENT_NAME.format(line=number))
        if url and not is_link(url):
            raise InputError(texts.SEC_BAD_ATTACHMENT_LINK.format(line=number, url=url))
        found.append((name, url))
    return tuple(found)


def update_item_in(
    uow: UnitOfWork, meeting: Meeting, item: AgendaItem, spec: NewItem, now: datetime | None
) -> AgendaItem:
    """Give an item new contents (title, duration, presenter, guests, indstilling,
    sagsbeskrivelse, bilag); its place on the agenda stays (moving is move_item)."""
    meeting.ensure_editable()
    fresh = build_item(uow, spec)
    for key in ("title", "planned_minutes", "presenter", "indstilling", "sagsbeskrivelse"):
        setattr(item, key, getattr(fresh, key))
    wanted = [g.person_id for g in fresh.guests]
    item.guests[:] = [g for g in item.guests if g.person_id in wanted]
    held = {g.person_id for g in item.guests}
    item.guests.extend(ItemGuest(person_id=pid) for pid in wanted if pid not in held)
    item.attachments[:] = [Attachment(name=a.name, url=a.url) for a in fresh.attachments]
    note_change(uow, meeting, now)
    return item


def add_item_in(
    uow: UnitOfWork, meeting: Meeting, spec: NewItem, *, now: datetime | None = None
) -> AgendaItem:
    """Add an item to a loaded meeting inside an open unit of work (no commit)."""
    meeting.ensure_editable()
    item = build_item(uow, spec)
    insert_item(meeting, item, spec.position)
    note_change(uow, meeting, now)
    return item


def add_item(
    uow: UnitOfWork, meeting_id: int, spec: NewItem, *, now: datetime | None = None
) -> AgendaItem:
    """Add an item to a section (at the end, or at a position); letters are recomputed."""
    with uow:
        item = add_item_in(uow, get_meeting(uow, meeting_id), spec, now=now)
        uow.commit()
        return item


def move_item(
    uow: UnitOfWork,
    meeting_id: int,
    ref: str,
    *,
    section: int | None,
    position: int | None,
    now: datetime | None = None,
) -> AgendaItem:
    """Move an item within or between sections; both sections are relettered."""
    with uow:
        meeting = get_meeting(uow, meeting_id)
        meeting.ensure_editable()
        item = find_item(meeting, ref)
        old_section = item.section
        meeting.items.remove(item)
        renumber(meeting, old_section)
        item.section = check_section(section if section is not None else old_section)
        insert_item(meeting, item, position)
        note_change(uow, meeting, now)
        uow.commit()
        return item


def remove_item(
    uow: UnitOfWork, meeting_id: int, ref: str, *, now: datetime | None = None
) -> AgendaItem:
    """Remove an item; a topic it carried goes back to the bruttoliste as open."""
    with uow:
        meeting = get_meeting(uow, meeting_id)
        meeting.ensure_editable()
        item = find_item(meeting, ref)
        meeting.items.remove(item)
        renumber(meeting, item.section)
        topic = uow.topics.get(item.topic_id) if item.topic_id is not None else None
        if topic is not None:
            topic.unschedule(meeting_id, now)
        note_change(uow, meeting, now)
        uow.commit()
        return item


def set_item_minutes(
    uow: UnitOfWork, meeting_id: int, ref: str, minutes: int, *, now: datetime | None = None
) -> AgendaItem:
    """Change an item's planned duration (the time plan follows)."""
    with uow:
        meeting = get_meeting(uow, meeting_id)
        meeting.ensure_editable()
        item = find_item(meeting, ref)
        item.planned_minutes = parse_minutes(minutes)
        note_change(uow, meeting, now)
        uow.commit()
        return item
