"""The decision summary posted to the committee channel (Slack mrkdwn, user text escaped)."""

from __future__ import annotations

from typing import Any

from bot import texts
from bot.meetings.timeplan import item_number, ordered_items
from bot.messaging.mrkdwn import escape
from bot.minutes.model import (
    MinutesRecord,
    action_text,
    label,
    outcome_text,
    record_attendees,
    secretariat_name,
)
from bot.time.parse import format_date, format_span

SECTION_LIMIT = 2900  # Slack allows 3000 characters per section text


def meeting_date(record: MinutesRecord) -> str:
    """'18. juni 2026'."""
    return format_date(record.meeting.starts_at.astimezone(record.tz).date())


def summary_parts(record: MinutesRecord) -> tuple[str, list[str]]:
    """The title and the summary's paragraphs (each becomes one section block)."""
    m = record.meeting
    title = texts.SUMMARY_TITLE.format(title=m.title)
    head = [texts.SUMMARY_WHEN.format(when=format_span(m.starts_at, m.ends_at, record.tz))]
    if m.place:
        head.append(texts.SUMMARY_PLACE.format(place=escape(m.place)))
    parts = ["\n".join(head)]
    parts.append(_clip("\n".join(_people(record))))
    parts.append(texts.SUMMARY_DECISIONS)
    for item in ordered_items(m):
        decision = item.beslutning or outcome_text(item) or texts.SUMMARY_NO_DECISION
        if item.beslutning and item.outcome and outcome_text(item) not in item.beslutning:
            decision = f"{outcome_text(item)}. {item.beslutning}"
        heading = texts.SUMMARY_ITEM.format(number=item_number(m, item), title=escape(item.title))
        parts.append(_clip(f"{heading}\n{escape(decision)}"))
    if record.actions:
        lines = [texts.SUMMARY_ACTIONS]
        for action in record.actions:
            owner, task, due = action_text(action)
            lines.append(
                texts.SUMMARY_ACTION.format(owner=escape(owner), task=escape(task), due=due)
            )
        parts.append(_clip("\n".join(lines)))
    if m.next_meeting_note:
        parts.append(texts.SUMMARY_NEXT.format(note=escape(m.next_meeting_note)))
    if record.changes:
        last = record.changes[-1].at.astimezone(record.tz).date()
        parts.append(texts.SUMMARY_CORRECTED.format(when=format_date(last)))
    return title, parts


def _people(record: MinutesRecord) -> list[str]:
    """Deltagere by side, Gæster, Sekretariat, Afbud and Ej mødt, one person per line."""
    who = record_attendees(record)
    lines = [texts.SUMMARY_PARTICIPANTS]
    for side, people in who.sides:
        lines.append(texts.SUMMARY_SIDE.format(side=escape(side)))
        lines += [texts.SUMMARY_PERSON.format(name=escape(label(p))) for p in people]
    if not who.sides:
        lines.append(texts.SUMMARY_NONE)
    if who.guests:
        lines.append(texts.SUMMARY_GUESTS)
        lines += [texts.SUMMARY_PERSON.format(name=escape(who.guest_line(g))) for g in who.guests]
    secretariat = secretariat_name(record, who)
    if secretariat and not record.committee.secretariat_participates:
        lines.append(texts.SUMMARY_SECRETARIAT.format(name=escape(secretariat)))
    for heading, people in ((texts.SUMMARY_REGRETS, who.regrets),
                            (texts.SUMMARY_NO_SHOW, who.no_shows)):  # fmt: skip
        if people:
            lines.append(heading)
            lines += [texts.SUMMARY_PERSON.format(name=escape(who.line(p))) for p in people]
    return lines


def _clip(text: str) -> str:
    return text if len(text) <= SECTION_LIMIT else text[: SECTION_LIMIT - 1] + "…"


def summary_text(record: MinutesRecord) -> str:
    """The whole summary as one mrkdwn text (notification fallback, DMs and e-mail)."""
    title, parts = summary_parts(record)
    return "\n\n".join([f"*{escape(title)}*", *parts])


def summary_blocks(record: MinutesRecord) -> list[dict[str, Any]]:
    """Block Kit: a header and one section per paragraph (Slack allows 50 blocks)."""
    title, parts = summary_parts(record)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}}
    ]
    for part in parts[:48]:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": part}})
    return blocks


def summary_message(record: MinutesRecord) -> dict[str, Any]:
    """The text and blocks of the summary message."""
    return {"text": summary_text(record)[:39000], "blocks": summary_blocks(record)}
