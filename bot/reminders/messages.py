"""The reminders' words, as plain text; the ways out escape and render them
(bot/messaging/message.py), so `<!channel>` in a title can never ping anyone."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import AgendaItem, Committee, Meeting, Person, Topic
from bot.meetings.timeplan import item_number, time_plan
from bot.messaging.recipients import GuestSlots
from bot.time.parse import format_date, format_span, format_time

TOPICS_SHOWN = 15


def meeting_date(meeting: Meeting, tz: ZoneInfo) -> str:
    """'18. juni 2026' in the committee's zone."""
    return format_date(meeting.starts_at.astimezone(tz).date())


def meeting_when(meeting: Meeting, tz: ZoneInfo) -> str:
    """'torsdag 18. juni 2026 kl. 15:00–17:00'."""
    return format_span(meeting.starts_at, meeting.ends_at, tz)


def open_topics_text(
    committee: Committee, meeting: Meeting, open_topics: Sequence[Topic], names: dict[int, str]
) -> str:
    """The channel message asking for bruttoliste topics, listing the open ones."""
    tz = ZoneInfo(committee.timezone)
    lines = [texts.REMINDER_TOPICS.format(committee=committee.name, when=meeting_when(meeting, tz))]
    lines.append("")
    if not open_topics:
        lines.append(texts.REMINDER_TOPICS_NONE)
    else:
        lines.append(texts.REMINDER_TOPICS_OPEN)
    for topic in open_topics[:TOPICS_SHOWN]:
        proposer = names.get(topic.proposer_id, "")
        lines.append(
            texts.REMINDER_TOPICS_LINE.format(id=topic.id, text=topic.text, proposer=proposer)
        )
    if len(open_topics) > TOPICS_SHOWN:
        lines.append(texts.REMINDER_TOPICS_MORE.format(count=len(open_topics) - TOPICS_SHOWN))
    return "\n".join(lines)


def agenda_summary(meeting: Meeting, tz: ZoneInfo) -> str:
    """Title, time, place and the time plan, one item per line."""
    lines = [
        texts.REMINDER_AGENDA_TITLE.format(title=meeting.title),
        texts.REMINDER_WHEN.format(when=meeting_when(meeting, tz)),
    ]
    if meeting.place:
        lines.append(texts.REMINDER_PLACE.format(place=meeting.place))
    lines += ["", texts.REMINDER_TIMEPLAN]
    plan = time_plan(meeting)
    for slot in plan.slots:
        lines.append(
            texts.REMINDER_SLOT.format(
                start=format_time(slot.start, tz),
                end=format_time(slot.end, tz),
                number=slot.number,
                title=slot.item.title,
            )
        )
    if not plan.slots:
        lines.append(texts.REMINDER_NO_ITEMS)
    return "\n".join(lines)


def day_before_text(meeting: Meeting, tz: ZoneInfo) -> str:
    """The short reminder for members."""
    return texts.REMINDER_DAY_BEFORE.format(
        title=meeting.title, when=meeting_when(meeting, tz), place=meeting.place or "-"
    )


def guest_text(meeting: Meeting, guest: GuestSlots, tz: ZoneInfo) -> str:
    """The reminder for a guest: their own slot(s) and the place."""
    slots = texts.REMINDER_GUEST_JOIN.join(
        texts.REMINDER_GUEST_SLOT.format(
            number=slot.number,
            title=slot.item.title,
            start=format_time(slot.start, tz),
            end=format_time(slot.end, tz),
        )
        for slot in guest.slots
    )
    return texts.REMINDER_GUEST.format(
        title=meeting.title,
        date=meeting_date(meeting, tz),
        slots=slots,
        place=meeting.place or "-",
    )


def minutes_text(meeting: Meeting, missing: Sequence[AgendaItem], tz: ZoneInfo) -> str:
    """The secretary's list of items that still lack a decision."""
    lines = [
        texts.REMINDER_MINUTES.format(
            title=meeting.title, date=meeting_date(meeting, tz), count=len(missing)
        )
    ]
    for item in missing:
        lines.append(
            texts.REMINDER_MINUTES_LINE.format(number=item_number(meeting, item), title=item.title)
        )
    lines.append(texts.REMINDER_MINUTES_END)
    return "\n".join(lines)


def contact(committee: Committee) -> str:
    """How to reach the secretariat in an e-mail."""
    parts = [p for p in (committee.secretariat_name, committee.secretariat_email) if p]
    return ", ".join(parts) or committee.name


def name_and_org(person: Person) -> str:
    """'Navn, Organisation' for the secretary's list."""
    org = texts.SECRETARY_ORG.format(org=person.organisation) if person.organisation else ""
    return person.name + org
