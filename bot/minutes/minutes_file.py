"""Importing minutes from a text file laid out like the municipality's; loading the document."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot import texts
from bot.domain import Committee, Person
from bot.errors import NotFoundError
from bot.meetings.planning import get_meeting
from bot.meetings.timeplan import find_item, item_number
from bot.minutes.corrections import FieldChange, after_change
from bot.minutes.model import AGENDA, MINUTES, MinutesDoc, build_agenda_doc, build_doc
from bot.minutes.record import load_record
from bot.minutes.recording import ItemMinutes, apply_item_minutes, mark_held, recordable
from bot.minutes.text_import import decode, infer_outcome, parse_minutes_text
from bot.ports import UnitOfWork


@dataclass
class MinutesImport:
    """Which item numbers were filled in, and which headings had no item on the agenda."""

    matched: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)


def import_minutes(
    uow: UnitOfWork,
    committee: Committee,
    meeting_id: int,
    data: bytes,
    *,
    actor: Person | None,
    now: datetime,
) -> MinutesImport:
    """Fill referat/beslutning (and empty descriptions) of the numbered items; all or none."""
    found = parse_minutes_text(decode(data))
    report = MinutesImport()
    with uow:
        meeting = get_meeting(uow, meeting_id)
        recordable(meeting, committee, now)
        changes: list[FieldChange] = []
        for imported in found:
            try:
                item = find_item(meeting, imported.number)
            except NotFoundError:
                report.unmatched.append(imported.number)
                continue
            parts = imported.parts
            outcome = None
            if "beslutning" in parts and item.outcome is None:
                outcome = infer_outcome(parts["beslutning"])
            spec = ItemMinutes(
                referat=parts.get("referat"), beslutning=parts.get("beslutning"), outcome=outcome
            )
            changes += apply_item_minutes(uow, committee, meeting, item, spec, now=now)
            if not item.sagsbeskrivelse and parts.get("sagsbeskrivelse"):
                item.sagsbeskrivelse = parts["sagsbeskrivelse"][:50000]
            if not item.indstilling and parts.get("indstilling"):
                item.indstilling = parts["indstilling"][:20000]
            report.matched.append(item_number(meeting, item))
        mark_held(meeting)
        after_change(uow, committee, meeting, changes, actor=actor, now=now)
        uow.commit()
    return report


def load_doc(
    uow: UnitOfWork, committee: Committee, meeting_id: int, kind: str = MINUTES
) -> MinutesDoc:
    """The meeting's referat, or with kind=AGENDA its dagsorden."""
    with uow:
        meeting = get_meeting(uow, meeting_id)
        if meeting.committee_id != committee.id:
            raise NotFoundError(texts.UNKNOWN_MEETING.format(ref=meeting_id))
        record = load_record(uow, committee, meeting)
        return build_agenda_doc(record) if kind == AGENDA else build_doc(record)
