"""Plain-text views for the CLI and e-mail: the agenda laid out like the minutes, the list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import Committee, Meeting, Person, Topic
from bot.meetings.timeplan import Slot, TimePlan, time_plan
from bot.people.roster import RosterEntry
from bot.time.parse import format_date, format_span, format_time


def agenda_text(
    meeting: Meeting,
    committee: Committee,
    people: Mapping[int, Person],
    *,
    members: Sequence[RosterEntry] = (),
    regrets: Sequence[int] = (),
    followups: Sequence[str] = (),
) -> str:
    """The meeting's header, participants, agenda, open actions and time plan as text."""
    tz = ZoneInfo(committee.timezone)
    plan = time_plan(meeting)
    lines = [meeting.title]
    if committee.organiser_unit:
        lines.append(committee.organiser_unit)
    lines.append(texts.AGENDA_WHEN.format(when=format_span(meeting.starts_at, meeting.ends_at, tz)))
    if meeting.place:
        lines.append(texts.AGENDA_PLACE.format(place=meeting.place))
    if meeting.case_no or meeting.doc_no:
        lines.append(texts.AGENDA_CASE.format(case_no=meeting.case_no, doc_no=meeting.doc_no))
    lines.append(texts.AGENDA_STATUS.format(status=texts.MEETING_STATUS_NAMES[meeting.status]))
    lines += _participants(meeting, plan, people, members, regrets, tz)
    lines += ["", texts.AGENDA_CONTENTS]
    lines += _contents(meeting, plan, people)
    if followups:
        lines += ["", texts.DOC_FOLLOWUP, *(f"  {line}" for line in followups)]
    lines += ["", texts.AGENDA_TIMEPLAN]
    for slot in plan.slots:
        lines.append(
            texts.AGENDA_SLOT.format(
                start=format_time(slot.start, tz),
                end=format_time(slot.end, tz),
                number=slot.number,
                title=slot.item.title,
            )
        )
    if not plan.slots:
        lines.append(texts.AGENDA_NO_ITEMS)
    if plan.overrun:
        lines += ["", overrun_warning(plan, meeting, tz)]
    return "\n".join(lines) + "\n"


def overrun_warning(plan: TimePlan, meeting: Meeting, tz: ZoneInfo) -> str:
    """The Danish warning that the plan runs past the meeting's end."""
    minutes = int(plan.overrun.total_seconds() // 60)
    return texts.AGENDA_OVERRUN.format(minutes=minutes, end=format_time(meeting.ends_at, tz))


def _participants(
    meeting: Meeting,
    plan: TimePlan,
    people: Mapping[int, Person],
    members: Sequence[RosterEntry],
    regrets: Sequence[int],
    tz: ZoneInfo,
) -> list[str]:
    lines: list[str] = []
    attending = [e for e in members if e.person.id not in regrets]
    if attending:
        lines += ["", texts.AGENDA_PARTICIPANTS]
        sides: dict[str, list[str]] = {}
        for entry in attending:
            sides.setdefault(entry.person.side or texts.AGENDA_NO_SIDE, []).append(
                person_label(entry.person)
            )
        for side, names in sides.items():
            lines.append(texts.AGENDA_SIDE.format(side=side, names=", ".join(names)))
    guests = guest_lines(plan, people, tz)
    if guests:
        lines.append(texts.AGENDA_GUESTS_HEADER)
        lines += ["  " + g for g in guests]
    absent = [people[p] for p in regrets if p in people]
    if absent:
        lines.append(texts.AGENDA_REGRETS.format(names=", ".join(person_label(p) for p in absent)))
    return lines


def person_label(person: Person) -> str:
    """'Name (Organisation)' as the minutes write it."""
    return f"{person.name} ({person.organisation})" if person.organisation else person.name


def guest_lines(
    plan: TimePlan, people: Mapping[int, Person], tz: ZoneInfo | None = None
) -> list[str]:
    """'Name, deltager under punkt 2.b' per guest, in agenda order; with tz, their slot times."""
    seen: dict[int, list[Slot]] = {}
    for slot in plan.slots:
        for guest in slot.item.guests:
            seen.setdefault(guest.person_id, []).append(slot)
    lines = []
    for pid, slots in seen.items():
        if pid not in people:
            continue
        line = texts.AGENDA_GUEST_LINE.format(
            name=person_label(people[pid]), items=", ".join(s.number for s in slots)
        )
        if tz is not None:
            times = ", ".join(f"{format_time(s.start, tz)}–{format_time(s.end, tz)}" for s in slots)
            line += texts.AGENDA_GUEST_TIMES.format(times=times)
        lines.append(line)
    return lines


def _contents(meeting: Meeting, plan: TimePlan, people: Mapping[int, Person]) -> list[str]:
    lines: list[str] = []
    for section in (1, 2, 3, 4):
        slots = [s for s in plan.slots if s.item.section == section]
        lone = len(slots) == 1 and slots[0].number == f"{section}."
        if lone:
            lines.append(f"{section}. {slots[0].item.title}")
            continue
        lines.append(f"{section}. {texts.SECTION_TITLES[section]}")
        for slot in slots:
            item = slot.item
            lines.append(f"  {slot.number} {item.title}")
            if item.presenter:
                lines.append(texts.AGENDA_PRESENTER.format(presenter=item.presenter))
            if item.guests:
                names = ", ".join(
                    people[g.person_id].name for g in item.guests if g.person_id in people
                )
                lines.append(texts.AGENDA_GUESTS.format(guests=names))
            if item.indstilling:
                lines.append(texts.AGENDA_INDSTILLING.format(text=item.indstilling))
            if item.sagsbeskrivelse:
                lines.append(texts.AGENDA_SAGSBESKRIVELSE)
                lines += [f"      {line}".rstrip() for line in item.sagsbeskrivelse.splitlines()]
            if item.attachments:
                names = ", ".join(
                    f"{a.name} ({a.url})" if a.url else a.name for a in item.attachments
                )
                lines.append(texts.AGENDA_ATTACHMENTS.format(attachments=names))
    return lines


def topics_text(committee: Committee, topics: Sequence[Topic], people: Mapping[int, Person]) -> str:
    """The bruttoliste as text, open topics first."""
    if not topics:
        return texts.TOPICS_EMPTY + "\n"
    tz = ZoneInfo(committee.timezone)
    lines = [texts.TOPICS_HEADER.format(committee=committee.name)]
    for topic in topics:
        proposer = people.get(topic.proposer_id)
        lines.append(
            texts.TOPIC_LINE.format(
                id=topic.id,
                text=topic.text,
                proposer=proposer.name if proposer else "?",
                date=format_date(topic.proposed_at.astimezone(tz).date()),
                origin=texts.TOPIC_ORIGIN.format(origin=topic.origin) if topic.origin else "",
                status=texts.TOPIC_STATUS_NAMES[topic.status],
            )
        )
        if topic.note:
            lines.append(texts.TOPIC_NOTE.format(note=topic.note))
    return "\n".join(lines) + "\n"
