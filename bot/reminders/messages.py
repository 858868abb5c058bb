"""The reminders' words: Slack text (escaped), Block Kit buttons, and the e-mail variants.

Slack payloads are plain JSON for the outbox's Slack sender; user-written text (titles,
names, places) is escaped so `<!channel>` in a title can never ping anyone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import AgendaItem, Committee, Meeting, Person, Topic
from bot.meetings.timeplan import item_number, time_plan
from bot.messaging.mrkdwn import escape as slack_escape
from bot.messaging.recipients import GuestSlots
from bot.time.parse import format_date, format_span, format_time

Escape = Callable[[str], str]
SECTION_LIMIT = 2900
TOPICS_SHOWN = 15
ATTEND_ACTION = "attend_button"
REGRETS_ACTION = "regrets_button"
MINUTES_ACTION = "referat_open"  # handlers/slack/minutes.py opens the item list


def no_escape(text: str | None) -> str:
    """For e-mail: the text as written."""
    return text or ""


def meeting_date(meeting: Meeting, tz: ZoneInfo) -> str:
    """'18. juni 2026' in the committee's zone."""
    return format_date(meeting.starts_at.astimezone(tz).date())


def meeting_when(meeting: Meeting, tz: ZoneInfo) -> str:
    """'torsdag 18. juni 2026 kl. 15:00–17:00'."""
    return format_span(meeting.starts_at, meeting.ends_at, tz)


def topics_text(
    committee: Committee, meeting: Meeting, open_topics: Sequence[Topic], names: dict[int, str]
) -> str:
    """The channel message asking for bruttoliste topics, listing the open ones."""
    tz, e = ZoneInfo(committee.timezone), slack_escape
    lines = [
        texts.REMINDER_TOPICS.format(committee=e(committee.name), when=meeting_when(meeting, tz))
    ]
    lines.append("")
    if not open_topics:
        lines.append(texts.REMINDER_TOPICS_NONE)
    else:
        lines.append(texts.REMINDER_TOPICS_OPEN)
    for topic in open_topics[:TOPICS_SHOWN]:
        proposer = names.get(topic.proposer_id, "")
        lines.append(
            texts.REMINDER_TOPICS_LINE.format(id=topic.id, text=e(topic.text), proposer=e(proposer))
        )
    if len(open_topics) > TOPICS_SHOWN:
        lines.append(texts.REMINDER_TOPICS_MORE.format(count=len(open_topics) - TOPICS_SHOWN))
    return "\n".join(lines)


def agenda_text(meeting: Meeting, tz: ZoneInfo, e: Escape) -> str:
    """Title, time, place and the time plan, one item per line."""
    lines = [
        texts.REMINDER_AGENDA_TITLE.format(title=e(meeting.title)),
        texts.REMINDER_WHEN.format(when=meeting_when(meeting, tz)),
    ]
    if meeting.place:
        lines.append(texts.REMINDER_PLACE.format(place=e(meeting.place)))
    lines += ["", texts.REMINDER_TIMEPLAN]
    plan = time_plan(meeting)
    for slot in plan.slots:
        lines.append(
            texts.REMINDER_SLOT.format(
                start=format_time(slot.start, tz),
                end=format_time(slot.end, tz),
                number=slot.number,
                title=e(slot.item.title),
            )
        )
    if not plan.slots:
        lines.append(texts.REMINDER_NO_ITEMS)
    return "\n".join(lines)


def agenda_blocks(text: str, meeting_id: int) -> list[dict[str, Any]]:
    """The agenda as sections, then the two buttons."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
        for chunk in _chunks(text, SECTION_LIMIT)
    ]
    blocks.append(
        {
            "type": "actions",
            "block_id": "attendance",
            "elements": [
                _button(texts.REMINDER_BUTTON_ATTEND, ATTEND_ACTION, meeting_id, "primary"),
                _button(texts.REMINDER_BUTTON_REGRETS, REGRETS_ACTION, meeting_id, "danger"),
            ],
        }
    )
    return blocks


def _button(label: str, action_id: str, meeting_id: int, style: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": str(meeting_id),
        "style": style,
    }


def _chunks(text: str, limit: int) -> list[str]:
    """Split at line ends so each part fits a section block."""
    parts, current = [], ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit and current:
            parts.append(current)
            candidate = line[:limit]
        current = candidate[:limit]
    if current:
        parts.append(current)
    return parts or [" "]


def day_before_text(meeting: Meeting, tz: ZoneInfo, e: Escape) -> str:
    """The short reminder for members."""
    return texts.REMINDER_DAY_BEFORE.format(
        title=e(meeting.title), when=meeting_when(meeting, tz), place=e(meeting.place or "-")
    )


def guest_text(meeting: Meeting, guest: GuestSlots, tz: ZoneInfo, e: Escape) -> str:
    """The reminder for a guest: their own slot(s) and the place."""
    slots = texts.REMINDER_GUEST_JOIN.join(
        texts.REMINDER_GUEST_SLOT.format(
            number=slot.number,
            title=e(slot.item.title),
            start=format_time(slot.start, tz),
            end=format_time(slot.end, tz),
        )
        for slot in guest.slots
    )
    return texts.REMINDER_GUEST.format(
        title=e(meeting.title),
        date=meeting_date(meeting, tz),
        slots=slots,
        place=e(meeting.place or "-"),
    )


def minutes_text(meeting: Meeting, missing: Sequence[AgendaItem], tz: ZoneInfo, e: Escape) -> str:
    """The secretary's list of items that still lack a decision."""
    lines = [
        texts.REMINDER_MINUTES.format(
            title=e(meeting.title), date=meeting_date(meeting, tz), count=len(missing)
        )
    ]
    for item in missing:
        lines.append(
            texts.REMINDER_MINUTES_LINE.format(
                number=item_number(meeting, item), title=e(item.title)
            )
        )
    lines.append(texts.REMINDER_MINUTES_END)
    return "\n".join(lines)


def minutes_blocks(text: str, meeting_id: int) -> list[dict[str, Any]]:
    """The minutes-due DM as blocks, with the button that opens the minutes (/klu referat)."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": part}}
        for part in _chunks(text, 2900)[:45]
    ]
    button = _button(texts.REMINDER_BUTTON_MINUTES, MINUTES_ACTION, meeting_id, "primary")
    blocks.append({"type": "actions", "block_id": "minutes", "elements": [button]})
    return blocks


def contact(committee: Committee) -> str:
    """How to reach the secretariat in an e-mail."""
    parts = [p for p in (committee.secretariat_name, committee.secretariat_email) if p]
    return ", ".join(parts) or committee.name


def person_label(person: Person, e: Escape) -> str:
    """'Navn, Organisation' for the secretary's list."""
    org = texts.SECRETARY_ORG.format(org=e(person.organisation)) if person.organisation else ""
    return e(person.name) + org
