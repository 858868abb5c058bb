"""One meeting's minutes as plain data, shared by the summary and the documents.

`MinutesRecord` is what the use cases load; `build_doc` turns it into `MinutesDoc`, the
labelled structure that the Markdown, HTML and PDF renderers lay out like the real minutes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Committee,
    Meeting,
    MeetingStatus,
    MinutesChange,
    Person,
    Role,
)
from bot.meetings.agenda_document import AGENDA as AGENDA  # the kinds: one name each
from bot.meetings.timeplan import TimePlan, item_number, ordered_items, time_plan
from bot.people.roster import SECRETARIAT_ROLES, RosterEntry
from bot.time.parse import format_date, format_span, format_time


@dataclass
class MinutesRecord:
    """Everything the minutes say, loaded in one unit of work."""

    committee: Committee
    meeting: Meeting
    people: Mapping[int, Person]
    roster: Sequence[RosterEntry]
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


MINUTES = "referat"


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
    outcome_key: str = ""
    time: str = ""


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
    kind: str = MINUTES
    draft: bool = False
    meeting_title: str = ""
    day: str = ""

    @property
    def is_agenda(self) -> bool:
        """The dagsorden (before the meeting) rather than the referat."""
        return self.kind == AGENDA


def label(person: Person) -> str:
    """'Name, Title, Organisation' as the municipal minutes write it (empty parts left out)."""
    parts = (person.name, person.title, person.organisation)
    return ", ".join(p.strip() for p in parts if p and p.strip())


@dataclass(frozen=True)
class Guest:
    """A guest of the meeting with the numbers of the items they were invited to."""

    person: Person
    items: tuple[str, ...]


@dataclass(frozen=True)
class Attendees:
    """Who the minutes list where: the one rule for the summary, the documents and the form."""

    sides: list[tuple[str, list[Person]]]
    guests: list[Guest]
    secretariat: list[Person]
    regrets: list[Person]
    no_shows: list[Person]
    guest_items: dict[int, tuple[str, ...]]

    @property
    def participants(self) -> list[Person]:
        """Every participant, side by side."""
        return [p for _, people in self.sides for p in people]

    def line(self, person: Person) -> str:
        """A person as the minutes write them; a guest with their items."""
        items = self.guest_items.get(person.id or 0)
        if not items:
            return label(person)
        return texts.DOC_GUEST_AWAY_LINE.format(name=label(person), items=", ".join(items))

    def guest_line(self, guest: Guest) -> str:
        """'Name, Title, Organisation, deltog under punkt 2.c' (or without items)."""
        if not guest.items:
            return label(guest.person)
        return texts.DOC_GUEST_LINE.format(name=label(guest.person), items=", ".join(guest.items))


_ROLE_ORDER = {Role.CHAIR: 0, Role.VICE_CHAIR: 1}


def meeting_day(meeting: Meeting, committee: Committee) -> date:
    """The meeting's date where the committee sits: the roster that counts is that day's."""
    return meeting.starts_at.astimezone(ZoneInfo(committee.timezone)).date()


def attendees(
    meeting: Meeting,
    roster: Sequence[RosterEntry],
    people: Mapping[int, Person],
    statuses: Mapping[int, AttendanceStatus],
    *,
    secretariat_participates: bool = False,
) -> Attendees:
    """Deltagere, Gæster, Sekretariat, Afbud and Ej mødt of one meeting.

    The roster is the committee's on the meeting's date. Every member who neither sent regrets
    nor was marked ej mødt took part, whether or not anyone marked them as attending; the
    meeting's item guests likewise came unless they sent regrets or did not show. The
    secretariat is listed apart unless the committee counts it among the participants. Anyone
    else recorded as attending (a substitute, say) takes part under their side.
    """
    guest_items: dict[int, list[str]] = {}
    for item in ordered_items(meeting):
        for g in item.guests:
            numbers = guest_items.setdefault(g.person_id, [])
            if item_number(meeting, item) not in numbers:
                numbers.append(item_number(meeting, item))
    roles: dict[int, Role] = {e.person.id: e.role for e in roster if e.person.id is not None}
    ordered = sorted(
        (e for e in roster if e.person.id is not None),
        key=lambda e: (e.person.side or "", _ROLE_ORDER.get(e.role, 2), e.person.name),
    )
    members = [e.person for e in ordered if e.role != Role.GUEST]
    guests = [people[i] for i in guest_items if i in people and roles.get(i) in (None, Role.GUEST)]
    guest_ids = {p.id for p in guests}
    listed = {p.id for p in members} | guest_ids
    others = [people[i] for i in statuses if i in people and i not in listed]

    sides: dict[str, list[Person]] = {}
    secretariat: list[Person] = []
    came: list[Guest] = []
    regrets: list[Person] = []
    no_shows: list[Person] = []
    for person in [*members, *guests, *others]:
        pid = person.id or 0
        role, status = roles.get(pid), statuses.get(pid)
        if status == AttendanceStatus.REGRETS:
            regrets.append(person)
        elif status == AttendanceStatus.NO_SHOW:
            no_shows.append(person)
        elif pid in guest_ids:
            came.append(Guest(person, tuple(guest_items[pid])))
        elif pid not in listed and status != AttendanceStatus.ATTENDING:
            continue  # invited once, but neither on the roster nor a guest of the agenda now
        elif role == Role.GUEST:
            came.append(Guest(person, ()))
        elif role in SECRETARIAT_ROLES and not secretariat_participates:
            secretariat.append(person)
        else:
            sides.setdefault(person.side or texts.AGENDA_NO_SIDE, []).append(person)
    return Attendees(
        sides=list(sides.items()),
        guests=came,
        secretariat=secretariat,
        regrets=regrets,
        no_shows=no_shows,
        guest_items={k: tuple(v) for k, v in guest_items.items() if k in guest_ids},
    )


def record_attendees(record: MinutesRecord) -> Attendees:
    """The meeting's attendees as the minutes list them."""
    return attendees(
        record.meeting,
        record.roster,
        record.people,
        {a.person_id: a.status for a in record.attendance},
        secretariat_participates=record.committee.secretariat_participates,
    )


def outcome_text(item: AgendaItem) -> str:
    """The Danish outcome phrase, or ''."""
    return texts.OUTCOME_NAMES[item.outcome] if item.outcome else ""


def action_text(action: ActionItem) -> tuple[str, str, str]:
    """(owner, task, due) for display."""
    owner = action.owner_name or texts.SUMMARY_NO_OWNER
    due = texts.SUMMARY_ACTION_DUE.format(date=format_date(action.due)) if action.due else ""
    return owner, action.text, due


def build_doc(record: MinutesRecord) -> MinutesDoc:
    """The referat as labelled parts, ready for any renderer (an Udkast until approved)."""
    return _doc(record, MINUTES)


def build_agenda_doc(record: MinutesRecord) -> MinutesDoc:
    """The dagsorden: the same parts without the outcome (an Udkast until the meeting is called)."""
    return _doc(record, AGENDA)


def _doc(record: MinutesRecord, kind: str) -> MinutesDoc:
    m, c, tz = record.meeting, record.committee, record.tz
    agenda = kind == AGENDA
    slots = {s.item.id: s for s in time_plan(m).slots}
    items = []
    for item in ordered_items(m):
        actions = [a for a in record.actions if a.item_id == item.id]
        slot = slots.get(item.id)
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
                referat="" if agenda else item.referat,
                beslutning="" if agenda else item.beslutning,
                outcome="" if agenda else outcome_text(item),
                attachments=[(a.name, a.url) for a in item.attachments],
                actions=[] if agenda else ["{}: {}{}".format(*action_text(a)) for a in actions],
                outcome_key="" if agenda or not item.outcome else str(item.outcome),
                time=_slot_time(slot.start, slot.end, tz) if agenda and slot else "",
            )
        )
    who = record_attendees(record)
    guests = (
        [_guest_with_slots(g, time_plan(m), tz) for g in who.guests]
        if agenda
        else [who.guest_line(g) for g in who.guests]
    )
    if agenda:
        draft = m.status == MeetingStatus.DRAFT
    else:
        draft = m.status != MeetingStatus.MINUTES_APPROVED
    return MinutesDoc(
        title=m.title,
        unit=c.organiser_unit,
        when=format_span(m.starts_at, m.ends_at, tz),
        place=m.place,
        case_line=" / ".join((m.case_no or "–", m.doc_no or "–")) if m.case_no or m.doc_no else "",
        secretariat=secretariat_line(record, who),
        participants=[(side, [label(p) for p in people]) for side, people in who.sides],
        guests=guests,
        regrets=[who.line(p) for p in who.regrets],
        no_shows=[] if agenda else [who.line(p) for p in who.no_shows],
        contents=[(i.number, i.title, i.section) for i in items],
        items=items,
        followups=[followup_line(a, src, tz) for a, src in record.followups],
        next_meeting="" if agenda else m.next_meeting_note,
        changes=[] if agenda else [_change(ch, record) for ch in record.changes],
        kind=kind,
        draft=draft,
        meeting_title=m.title,
        day=format_date(m.starts_at.astimezone(tz).date()),
    )


def _slot_time(start: datetime, end: datetime, tz: ZoneInfo) -> str:
    return texts.DOC_ITEM_TIME.format(start=format_time(start, tz), end=format_time(end, tz))


def _guest_with_slots(guest: Guest, plan: TimePlan, tz: ZoneInfo) -> str:
    """'Name, Title, Organisation, punkt 2.c kl. 15:40–16:00' for the dagsorden."""
    slots = [s for s in plan.slots if any(g.person_id == guest.person.id for g in s.item.guests)]
    if not slots:
        return label(guest.person)
    times = ", ".join(
        texts.DOC_GUEST_SLOT.format(
            number=s.number, start=format_time(s.start, tz), end=format_time(s.end, tz)
        )
        for s in slots
    )
    return f"{label(guest.person)}, {times}"


def secretariat_name(record: MinutesRecord, who: Attendees) -> str:
    """The secretariat as the minutes name it: its people who were there, or its name."""
    return "; ".join(label(p) for p in who.secretariat) or record.committee.secretariat_name


def secretariat_line(record: MinutesRecord, who: Attendees) -> str:
    """'Sekretariat: Name, Title, Organisation (phone, e-mail)' for the document's header.

    The secretaries on the roster who were there, as the minutes write people; else the
    committee's secretariat name. Empty when neither is known.
    """
    c = record.committee
    contact = ", ".join(x for x in (c.secretariat_phone, c.secretariat_email) if x)
    name = secretariat_name(record, who)
    if not name:
        return ""
    return f"{name} ({contact})" if contact else name


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
