"""`/klu søg <ord>`: earlier decisions and bruttoliste topics that mention a word, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import Committee, MeetingStatus
from bot.errors import InputError
from bot.meetings.timeplan import item_number, ordered_items
from bot.ports import UnitOfWork
from bot.time.parse import format_date

MAX_QUERY = 200


@dataclass(frozen=True)
class Hit:
    """One match: an agenda item (with its meeting) or a topic."""

    kind: str  # "item" or "topic"
    at: datetime
    title: str
    text: str
    meeting_id: int | None = None
    number: str = ""
    topic_id: int | None = None
    status: str = ""


def search(uow: UnitOfWork, committee: Committee, query: str) -> list[Hit]:
    """Case-insensitive search in items (title, decision, minutes) and topics, newest first."""
    words = (query or "").strip().casefold().split()
    if not words or len(query) > MAX_QUERY:
        raise InputError(texts.SEARCH_USAGE)
    assert committee.id is not None
    hits: list[Hit] = []
    for meeting in uow.meetings.for_committee(committee.id):
        if meeting.status == MeetingStatus.CANCELLED:
            continue
        for item in ordered_items(meeting):
            outcome = texts.OUTCOME_NAMES[item.outcome] if item.outcome else ""
            haystack = " ".join((item.title, item.beslutning, item.referat, outcome)).casefold()
            if all(w in haystack for w in words):
                hits.append(
                    Hit(
                        kind="item",
                        at=meeting.starts_at,
                        title=item.title,
                        text=item.beslutning or outcome or item.referat,
                        meeting_id=meeting.id,
                        number=item_number(meeting, item),
                    )
                )
    for topic in uow.topics.for_committee(committee.id):
        haystack = " ".join((topic.text, topic.description, topic.note)).casefold()
        if all(w in haystack for w in words):
            hits.append(
                Hit(
                    kind="topic",
                    at=topic.proposed_at,
                    title=topic.text,
                    text=topic.note,
                    topic_id=topic.id,
                    status=topic.status.value,
                )
            )
    return sorted(hits, key=lambda h: h.at, reverse=True)


def hits_text(hits: list[Hit], query: str, committee: Committee, *, limit: int = 15) -> str:
    """The hits as Danish lines (plain text; the Slack handler escapes it)."""
    if not hits:
        return texts.SEARCH_NONE.format(query=query.strip())
    tz = ZoneInfo(committee.timezone)
    lines = [texts.SEARCH_HEADER.format(query=query.strip())]
    for hit in hits[:limit]:
        date = format_date(hit.at.astimezone(tz).date())
        snippet = _snippet(hit.text)
        if hit.kind == "item":
            lines.append(
                texts.SEARCH_ITEM_HIT.format(
                    date=date, number=hit.number, title=hit.title, text=snippet
                )
            )
        else:
            status = texts.TOPIC_STATUS_NAMES.get(hit.status, hit.status)
            text = f"{hit.title} — {snippet}" if snippet else hit.title
            lines.append(
                texts.SEARCH_TOPIC_HIT.format(id=hit.topic_id, status=status, date=date, text=text)
            )
    if len(hits) > limit:
        lines.append(texts.SEARCH_MORE.format(count=len(hits) - limit))
    return "\n".join(lines)


def _snippet(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
