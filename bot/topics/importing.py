"""Import a bruttoliste kept in Excel (CSV): every row or none; a row already there is skipped."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import Committee, Topic, TopicEvent
from bot.errors import InputError, KluError
from bot.people.roster import find_person
from bot.people.roster_file import decode_roster
from bot.ports import UnitOfWork
from bot.time.parse import parse_date
from bot.validation import clean_text, optional_text

HEADERS = {
    "emne": "text", "topic": "text", "tekst": "text",
    "forslagsstiller": "proposer", "proposer": "proposer", "af": "proposer",
    "dato": "date", "date": "date",
    "hvor": "origin", "origin": "origin", "oprindelse": "origin",
    "note": "note", "beskrivelse": "description", "description": "description",
}  # fmt: skip


@dataclass(frozen=True)
class TopicImport:
    """How many topics were added and how many were on the list already."""

    added: int
    skipped: int


def _rows(data: bytes) -> list[dict[str, str]]:
    text = decode_roster(data)
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    lines = [row for row in reader if any(cell.strip() for cell in row)]
    if len(lines) < 2:
        raise InputError(texts.TOPIC_IMPORT_EMPTY)
    fields = [HEADERS.get(h.strip().lower(), "") for h in lines[0]]
    if "text" not in fields or "proposer" not in fields:
        raise InputError(texts.TOPIC_IMPORT_HEADERS)
    return [
        {f: cell.strip() for f, cell in zip(fields, row, strict=False) if f} for row in lines[1:]
    ]


def import_topics(
    uow: UnitOfWork, committee: Committee, data: bytes, *, now: datetime
) -> TopicImport:
    """Add the file's topics with their proposer, date and origin, in one transaction."""
    assert committee.id is not None
    tz = ZoneInfo(committee.timezone)
    rows = _rows(data)
    errors: list[str] = []
    added = skipped = 0
    with uow:
        existing = {(t.text, t.proposer_id) for t in uow.topics.for_committee(committee.id)}
        for line, row in enumerate(rows, start=2):
            try:
                topic_text = clean_text(row.get("text"), texts.FIELD_TOPIC)
                proposer = find_person(uow, row.get("proposer", ""))
                day = (
                    parse_date(row["date"], tz=tz, now=now, allow_past=True)
                    if row.get("date")
                    else now.astimezone(tz).date()
                )
                note = optional_text(row.get("note"), texts.FIELD_NOTE)
                description = optional_text(row.get("description"), texts.FIELD_DESCRIPTION)
            except KluError as exc:
                errors.append(texts.TOPIC_IMPORT_LINE.format(line=line, error=exc.message))
                continue
            if (topic_text, proposer.id) in existing:
                skipped += 1
                continue
            assert proposer.id is not None
            existing.add((topic_text, proposer.id))
            at = datetime.combine(day, time(12, 0), tz)
            topic = Topic(
                committee_id=committee.id,
                text=topic_text,
                proposer_id=proposer.id,
                proposed_at=at,
                origin=row.get("origin", "")[:300],
                note=note,
                description=description,
            )
            topic.events.append(TopicEvent(at=at, kind="proposed", actor_id=proposer.id))
            uow.topics.add(topic)
            added += 1
        if errors:
            raise InputError("\n".join([texts.TOPIC_IMPORT_FAILED, *errors[:25]]))
        uow.commit()
    return TopicImport(added, skipped)
