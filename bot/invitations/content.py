"""The Danish words of a calendar invitation: DESCRIPTION, summary and the direct message.

Pure functions of the meeting and the time plan; the message is neutral (plain text, an
action named by intent) and each way out renders it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import AgendaItem, Committee, Meeting, Person
from bot.meetings.timeplan import Slot, TimePlan
from bot.messaging.message import Action, ActionIntent, Message, text
from bot.time.parse import format_date, format_span, format_time


def _join(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + texts.INVITE_AND + words[-1]


def guest_summary(meeting: Meeting, slots: Sequence[Slot]) -> str:
    """SUMMARY of a guest's event: the meeting's title and their item numbers."""
    numbers = _join([s.number.rstrip(".") for s in slots])
    return texts.INVITE_GUEST_SUMMARY.format(title=meeting.title, numbers=numbers)


def _contact(committee: Committee) -> str:
    phone = f", {committee.secretariat_phone}" if committee.secretariat_phone else ""
    return texts.INVITE_CONTACT.format(
        name=committee.secretariat_name, email=committee.secretariat_email, phone=phone
    )


def agenda_lines(plan: TimePlan, tz: ZoneInfo, people: Mapping[int, Person]) -> list[str]:
    """The agenda with each item's slot, presenter and guests."""
    lines = [texts.INVITE_AGENDA_HEADER]
    for slot in plan.slots:
        item = slot.item
        lines.append(
            texts.INVITE_AGENDA_LINE.format(
                number=slot.number,
                title=item.title,
                start=format_time(slot.start, tz),
                end=format_time(slot.end, tz),
            )
        )
        if item.presenter:
            lines.append(texts.INVITE_PRESENTER.format(presenter=item.presenter))
        names = [people[g.person_id].name for g in item.guests if g.person_id in people]
        if names:
            lines.append(texts.INVITE_GUESTS_LINE.format(names=", ".join(names)))
        lines += substance_lines(item)
    return lines


def substance_lines(item: AgendaItem) -> list[str]:
    """An item's sagsbeskrivelse and bilag (name and link), indented under the item."""
    lines = []
    if item.sagsbeskrivelse:
        lines.append(texts.INVITE_SAGSBESKRIVELSE)
        lines += [f"      {line}".rstrip() for line in item.sagsbeskrivelse.splitlines()]
    if item.attachments:
        lines.append(texts.INVITE_ATTACHMENTS)
        for a in item.attachments:
            template = texts.INVITE_ATTACHMENT if a.url else texts.INVITE_ATTACHMENT_NO_LINK
            lines.append(template.format(name=a.name, url=a.url))
    return lines


def member_description(
    committee: Committee, meeting: Meeting, plan: TimePlan, people: Mapping[int, Person]
) -> str:
    """DESCRIPTION for a member: when, where, the agenda with the time plan, whom to tell."""
    tz = ZoneInfo(committee.timezone)
    head = [meeting.title, format_span(meeting.starts_at, meeting.ends_at, tz), meeting.place]
    return "\n".join([*head, "", *agenda_lines(plan, tz, people), "", _contact(committee)])


def guest_description(committee: Committee, meeting: Meeting, slots: Sequence[Slot]) -> str:
    """DESCRIPTION for a guest: their item(s), slot(s) and who presents."""
    tz = ZoneInfo(committee.timezone)
    when = format_span(meeting.starts_at, meeting.ends_at, tz)
    lines = [texts.INVITE_GUEST_INTRO.format(title=meeting.title, when=when), ""]
    for slot in slots:
        lines.append(
            texts.INVITE_GUEST_ITEM.format(
                number=slot.number.rstrip("."),
                title=slot.item.title,
                start=format_time(slot.start, tz),
                end=format_time(slot.end, tz),
            )
        )
        if slot.item.presenter:
            lines.append(texts.INVITE_GUEST_PRESENTER.format(presenter=slot.item.presenter))
        lines += substance_lines(slot.item)
    lines += ["", texts.INVITE_GUEST_NOTE, meeting.place, "", _contact(committee)]
    return "\n".join(lines)


@dataclass(frozen=True)
class Held:
    """What a change is compared with: the copy the person holds, and what it will become."""

    start: datetime
    end: datetime
    place: str
    content: str  # digest of SUMMARY and DESCRIPTION ('' for copies from before it was kept)
    plan: str  # digest of the agenda and time plan relative to the start
    slots: str = ""  # a guest's slot times
    cancelled: bool = False


def change_lines(
    old: Held, new: Held, *, tz: ZoneInfo, guest: bool, regrets_for: datetime | None = None
) -> list[str]:
    """What an update changes, one Danish line each: never 'changed' when nothing did."""
    lines = []
    if old.cancelled:
        lines.append(texts.INVITE_CHANGE_AGAIN)
    if (old.start, old.end, old.slots) != (new.start, new.end, new.slots):
        template = texts.INVITE_CHANGE_GUEST_TIME if guest else texts.INVITE_CHANGE_TIME
        lines.append(
            template.format(
                when=format_span(new.start, new.end, tz), old=format_span(old.start, old.end, tz)
            )
        )
    if old.place != new.place:
        lines.append(texts.INVITE_CHANGE_PLACE.format(place=new.place or "–", old=old.place or "–"))
    if old.plan != new.plan:
        lines.append(texts.INVITE_CHANGE_GUEST_ITEM if guest else texts.INVITE_CHANGE_AGENDA)
    elif old.content != new.content and not lines:
        lines.append(texts.INVITE_CHANGE_DETAILS)
    if regrets_for is not None:
        old_day = format_date(regrets_for.astimezone(tz).date())
        lines.append(texts.INVITE_CHANGE_REGRETS_AGAIN.format(old_day=old_day))
    return lines


def dm_message(
    *,
    meeting_id: int,
    summary: str,
    start: datetime,
    end: datetime,
    place: str,
    body: str,
    tz: ZoneInfo,
    kind: str,
) -> Message:
    """The direct message about an invitation (kind: request, update or cancel): heading,
    date, time and place as facts, the body, and (unless cancelled) the regrets button."""
    heading = {
        "request": texts.INVITE_DM_REQUEST,
        "update": texts.INVITE_DM_UPDATE,
        "cancel": texts.INVITE_DM_CANCEL,
    }[kind].format(title=summary)
    local = start.astimezone(tz)
    facts = (
        (texts.INVITE_DM_DATE, format_date(local.date())),
        (texts.INVITE_DM_TIME, texts.INVITE_DM_SPAN.format(
            start=format_time(start, tz), end=format_time(end, tz))),
        (texts.INVITE_DM_PLACE, place or "–"),
    )  # fmt: skip
    when = format_span(start, end, tz)
    preview = texts.INVITE_DM_FALLBACK.format(header=heading, when=when, place=place)
    if kind == "cancel":
        return Message(heading=heading, facts=facts, paragraphs=text(body), preview=preview)
    regrets = Action(ActionIntent.REGRETS, texts.INVITE_BUTTON_REGRETS, str(meeting_id))
    return Message(
        heading=heading,
        facts=facts,
        paragraphs=text(body),
        note=texts.INVITE_DM_FILE_NOTE,
        actions=(regrets,),
        preview=preview,
    )
