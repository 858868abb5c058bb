"""One meeting's minutes as plain data, shared by the summary and the documents.

`MinutesRecord` is what the use cases load; `build_doc` turns it into `MinutesDoc`, the
labelled structure that the Markdown, HTML and PDF renderers lay out like the real minutes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Committee,
    Meeting,
    MinutesChange,
    Person,
)
from bot.timeparse import format_date, format_span
from bot.timeplan import item_number, ordered_items


@dataclass
class MinutesRecord:
    """Everything the minutes say, loaded in one unit of work."""

    committee: Committee
    meeting: Meeting
    people: Mapping[int, Person]
    members: Sequence[Person]
    attendance: Sequence[Attendance]
    actions: Sequence[ActionItem]
    followups: Sequence[tuple[ActionItem, Meeting]] = ()
    changes: Sequence[MinutesChange] = ()

    @property
    def tz(self) -> ZoneInfo:
        """The committee's zone."""
        return ZoneInfo(self.committee.timezone)

    def status_of(self, person_id: int) -> AttendanceStatus | None:
        """The recorded attendance of one person."""
        for row in self.attendance:
            if row.person_id == person_id:
                return row.status
        return None

    def with_status(self, status: AttendanceStatus) -> list[Person]:
        """People recorded with the status, in roster order where possible."""
        ids = [a.person_id for a in self.attendance if a.status == status]
        return [self.people[i] for i in ids if i in self.people]


@dataclass
class DocItem:
    """One agenda item in the minutes."""

    number: str
    title: str
    section: int
    presenter: str
    guests: list[str]
    indstilling: str
    sagsbeskrivelse: str
    referat: str
    beslutning: str
    outcome: str
    attachments: list[tuple[str, str]]
    actions: list[str]


@dataclass
class MinutesDoc:
    """The minutes laid out like the municipality's: header, people, contents, items."""

    title: str
    unit: str
    when: str
    place: str
    case_line: str
    secretariat: str
    participants: list[tuple[str, list[str]]]
    guests: list[str]
    regrets: list[str]
    no_shows: list[str]
    contents: list[tuple[str, str, int]]
    items: list[DocItem]
    followups: list[str] = field(default_factory=list)
    next_meeting: str = ""
    changes: list[str] = field(default_factory=list)


def label(person: Person) -> str:
    """'Name (Organisation)' as the minutes write it."""
    return f"{person.name} ({person.organisation})" if person.organisation else person.name


def participants(record: MinutesRecord) -> list[Person]:
    """Who came: those recorded as attending, else the members without regrets or no-show."""
    came = record.with_status(AttendanceStatus.ATTENDING)
    guest_ids = {g.person_id for i in record.meeting.items for g in i.guests}
    if came:
        return [p for p in came if p.id not in guest_ids]
    away = {AttendanceStatus.REGRETS, AttendanceStatus.NO_SHOW}
    return [p for p in record.members if p.id is not None and record.status_of(p.id) not in away]


def by_side(people: Sequence[Person]) -> list[tuple[str, list[str]]]:
    """Participants grouped by side, in the order sides first appear."""
    sides: dict[str, list[str]] = {}
    for person in people:
        sides.setdefault(person.side or texts.AGENDA_NO_SIDE, []).append(label(person))
    return list(sides.items())


def guest_labels(record: MinutesRecord) -> list[str]:
    """'Name (Org), deltager under punkt 2.c' for guests who did not send regrets or stay away."""
    seen: dict[int, list[str]] = {}
    for item in ordered_items(record.meeting):
        for guest in item.guests:
            seen.setdefault(guest.person_id, []).append(item_number(record.meeting, item))
    away = {AttendanceStatus.REGRETS, AttendanceStatus.NO_SHOW}
    return [
        texts.AGENDA_GUEST_LINE.format(name=label(record.people[pid]), items=", ".join(nums))
        for pid, nums in seen.items()
        if pid in record.people and record.status_of(pid) not in away
    ]


def outcome_text(item: AgendaItem) -> str:
    """The Danish outcome phrase, or ''."""
    return texts.OUTCOME_NAMES[item.outcome] if item.outcome else ""


def action_text(action: ActionItem) -> tuple[str, str, str]:
    """(owner, task, due) for display."""
    owner = action.owner_name or texts.SUMMARY_NO_OWNER
    due = texts.SUMMARY_ACTION_DUE.format(date=format_date(action.due)) if action.due else ""
    return owner, action.text, due


def build_doc(record: MinutesRecord) -> MinutesDoc:
    """The minutes as labelled parts, ready for any renderer."""
    m, c = record.meeting, record.committee
    contact = ", ".join(x for x in (c.secretariat_phone, c.secretariat_email) if x)
    items = []
    for item in ordered_items(m):
        actions = [a for a in record.actions if a.item_id == item.id]
        items.append(
            DocItem(
                number=item_number(m, item),
                title=item.title,
                section=item.section,
                presenter=item.presenter,
                guests=[
                    record.people[g.person_id].name
                    for g in item.guests
                    if g.person_id in record.people
                ],
                indstilling=item.indstilling,
                sagsbeskrivelse=item.sagsbeskrivelse,
                referat=item.referat,
                beslutning=item.beslutning,
                outcome=outcome_text(item),
                attachments=[(a.name, a.url) for a in item.attachments],
                actions=["{}: {}{}".format(*action_text(a)) for a in actions],
            )
        )
    return MinutesDoc(
        title=m.title,
        unit=c.organiser_unit,
        when=texts.DOC_WHEN.format(when=format_span(m.starts_at, m.ends_at, record.tz)),
        place=texts.DOC_PLACE.format(place=m.place) if m.place else "",
        case_line=texts.DOC_CASE.format(case_no=m.case_no, doc_no=m.doc_no)
        if m.case_no or m.doc_no
        else "",
        secretariat=texts.DOC_SECRETARIAT.format(
            name=c.secretariat_name, contact=f" ({contact})" if contact else ""
        )
        if c.secretariat_name
        else "",
        participants=by_side(participants(record)),
        guests=guest_labels(record),
        regrets=[label(p) for p in record.with_status(AttendanceStatus.REGRETS)],
        no_shows=[label(p) for p in record.with_status(AttendanceStatus.NO_SHOW)],
        contents=[(i.number, i.title, i.section) for i in items],
        items=items,
        followups=[followup_line(a, src, record.tz) for a, src in record.followups],
        next_meeting=m.next_meeting_note,
        changes=[_change(ch, record) for ch in record.changes],
    )


def followup_line(action: ActionItem, source: Meeting, tz: ZoneInfo) -> str:
    """'Owner: task (frist …) (aftalt 18. juni 2026, punkt 2.a)' for the follow-up list."""
    owner, task, due = action_text(action)
    item = next((i for i in source.items if i.id == action.item_id), None)
    return texts.DOC_FOLLOWUP_LINE.format(
        owner=owner,
        task=task,
        due=due,
        date=format_date(source.starts_at.astimezone(tz).date()),
        number=item_number(source, item) if item else "-",
    )


def _change(change: MinutesChange, record: MinutesRecord) -> str:
    item = next((i for i in record.meeting.items if i.id == change.item_id), None)
    return texts.DOC_CHANGE_LINE.format(
        when=format_date(change.at.astimezone(record.tz).date()),
        who=change.actor_name or "?",
        field=texts.MINUTES_FIELD_NAMES.get(change.field, change.field),
        number=item_number(record.meeting, item) if item else "-",
    )
