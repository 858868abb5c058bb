"""The decision summary: a neutral message (plain text, emphasis as span styles) that goes to
the committee channel and, with a word before it, to everyone who sent regrets."""

from __future__ import annotations

from bot import texts
from bot.meetings.timeplan import item_number, ordered_items
from bot.messaging.message import Line, Message, Paragraph, emphasis, line, strong
from bot.minutes.model import (
    MinutesRecord,
    action_text,
    label,
    outcome_text,
    record_attendees,
    secretariat_name,
)
from bot.time.parse import format_date, format_span


def record_date(record: MinutesRecord) -> str:
    """'18. juni 2026'."""
    return format_date(record.meeting.starts_at.astimezone(record.tz).date())


def _labelled(name: str, value: str) -> list[Line]:
    """'Label: value' with the label strong; a value of several lines continues below."""
    first, *rest = value.split("\n")
    return [line(strong(name), " " + first), *(line(r) for r in rest)]


def summary_parts(record: MinutesRecord) -> tuple[str, list[Paragraph]]:
    """The title and the summary's paragraphs."""
    m = record.meeting
    title = texts.SUMMARY_TITLE.format(title=m.title)
    head = _labelled(texts.SUMMARY_WHEN, format_span(m.starts_at, m.ends_at, record.tz))
    if m.place:
        head += _labelled(texts.SUMMARY_PLACE, m.place)
    parts = [Paragraph(tuple(head)), Paragraph(tuple(_people(record)))]
    parts.append(Paragraph.of(line(strong(texts.SUMMARY_DECISIONS))))
    for item in ordered_items(m):
        decision = item.beslutning or outcome_text(item) or texts.SUMMARY_NO_DECISION
        if item.beslutning and item.outcome and outcome_text(item) not in item.beslutning:
            decision = f"{outcome_text(item)}. {item.beslutning}"
        heading = texts.SUMMARY_ITEM.format(number=item_number(m, item), title=item.title)
        parts.append(Paragraph.of(line(strong(heading)), decision))
    if record.actions:
        lines = [line(strong(texts.SUMMARY_ACTIONS))]
        for action in record.actions:
            owner, task, due = action_text(action)
            lines.append(line(texts.SUMMARY_ACTION.format(owner=owner, task=task, due=due)))
        parts.append(Paragraph(tuple(lines)))
    if m.next_meeting_note:
        parts.append(Paragraph(tuple(_labelled(texts.SUMMARY_NEXT, m.next_meeting_note))))
    if record.changes:
        last = record.changes[-1].at.astimezone(record.tz).date()
        corrected = texts.SUMMARY_CORRECTED.format(when=format_date(last))
        parts.append(Paragraph.of(line(emphasis(corrected))))
    return title, parts


def _person(name: str) -> Line:
    return line(texts.SUMMARY_PERSON.format(name=name))


def _people(record: MinutesRecord) -> list[Line]:
    """Deltagere by side, Gæster, Sekretariat, Afbud and Ej mødt, one person per line."""
    who = record_attendees(record)
    lines = [line(strong(texts.SUMMARY_PARTICIPANTS))]
    for side, people in who.sides:
        lines.append(line(emphasis(side)))
        lines += [_person(label(p)) for p in people]
    if not who.sides:
        lines.append(line(texts.SUMMARY_NONE))
    if who.guests:
        lines.append(line(emphasis(texts.SUMMARY_GUESTS)))
        lines += [_person(who.guest_line(g)) for g in who.guests]
    secretariat = secretariat_name(record, who)
    if secretariat and not record.committee.secretariat_participates:
        lines += _labelled(texts.SUMMARY_SECRETARIAT, secretariat)
    for heading, people in ((texts.SUMMARY_REGRETS, who.regrets),
                            (texts.SUMMARY_NO_SHOW, who.no_shows)):  # fmt: skip
        if people:
            lines.append(line(strong(heading)))
            lines += [_person(who.line(p)) for p in people]
    return lines


def summary_message(record: MinutesRecord) -> Message:
    """The summary for the committee channel: the title as heading, then the paragraphs."""
    title, parts = summary_parts(record)
    return Message(heading=title, paragraphs=tuple(parts))


def summary_for_regrets(record: MinutesRecord) -> Message:
    """The summary for someone who sent regrets: a word first, the title as a strong line."""
    title, parts = summary_parts(record)
    intro = Paragraph.of(texts.SUMMARY_DM_INTRO)
    return Message(paragraphs=(intro, Paragraph.of(line(strong(title))), *parts))
