"""The committee's entities as plain dataclasses, with the rules of their life cycles.

A meeting goes kladde -> indkaldt -> afholdt -> referat godkendt, or is aflyst; a topic is
åben -> planlagt -> behandlet, or trukket tilbage. Those changes happen only through the methods
here (`Meeting.call/hold/approve/cancel`, `Topic.schedule/unschedule/withdraw/settle`), so this
file reads as the committee's rules. Storage maps these classes imperatively (see
storage/mapping.py), so the core never imports SQLAlchemy. Datetimes are aware; storage keeps
them in UTC.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from bot import texts
from bot.errors import ConflictError


class RouteChoice(StrEnum):
    """Where a person wants the bot's messages: Slack, e-mail or both (None on the person:
    Slack when linked, else e-mail). Set by the secretary or by the person."""

    SLACK = "slack"
    EMAIL = "email"
    BOTH = "both"


class Role(StrEnum):
    """A person's role in a committee."""

    CHAIR = "formand"
    VICE_CHAIR = "naestformand"
    SECRETARY = "sekretaer"
    MEMBER = "medlem"
    GP_CONSULTANT = "praksiskonsulent"
    GUEST = "gaest"


class MeetingStatus(StrEnum):
    """kladde -> indkaldt -> afholdt -> referat godkendt, or aflyst."""

    DRAFT = "kladde"
    CALLED = "indkaldt"
    HELD = "afholdt"
    MINUTES_APPROVED = "referat_godkendt"
    CANCELLED = "aflyst"


LIVE = (MeetingStatus.DRAFT, MeetingStatus.CALLED)
"""A meeting not yet held or cancelled: its agenda can change and its invitations follow."""


class TopicStatus(StrEnum):
    """Where a bruttoliste topic stands."""

    OPEN = "aaben"
    SCHEDULED = "planlagt"
    DONE = "behandlet"
    WITHDRAWN = "trukket_tilbage"


class AttendanceStatus(StrEnum):
    """A person's attendance at one meeting."""

    INVITED = "inviteret"
    ATTENDING = "deltager"
    REGRETS = "afbud"
    NO_SHOW = "ej_moedt"


class Outcome(StrEnum):
    """What the minutes record for an item."""

    APPROVED = "godkendt"
    DISCUSSED = "droeftet"
    NOTED = "taget_til_efterretning"
    POSTPONED = "udskudt"


class ActionStatus(StrEnum):
    """An agreed action's state."""

    OPEN = "aaben"
    DONE = "udfoert"


class Section:
    """The fixed agenda sections (1-4)."""

    APPROVAL = 1
    FOR_DECISION = 2
    INFORMATION = 3
    AOB = 4
    ALL = (1, 2, 3, 4)


@dataclass(eq=False)
class Committee:
    """A committee: KLU by default, but nothing here is specific to one municipality."""

    name: str
    short_name: str
    timezone: str = "Europe/Copenhagen"
    organiser_unit: str = ""
    default_place: str = ""
    default_start: str = "15:00"
    default_end: str = "17:00"
    slack_channel_id: str | None = None
    secretariat_name: str = ""
    secretariat_email: str = ""
    secretariat_phone: str = ""
    secretariat_participates: bool = False
    id: int | None = None


@dataclass(eq=False)
class Person:
    """Anyone the committee deals with: member, secretary or guest."""

    name: str
    email: str | None = None
    title: str | None = None
    organisation: str | None = None
    side: str | None = None
    phone: str | None = None
    slack_user_id: str | None = None
    id: int | None = None
    route: RouteChoice | None = None  # None: Slack when linked, else e-mail


@dataclass(eq=False)
class Membership:
    """A person's role in a committee over a period (active_to None = still active)."""

    committee_id: int
    person_id: int
    role: Role
    active_from: date
    active_to: date | None = None
    id: int | None = None

    def is_active(self, on: date) -> bool:
        """True when the membership covers the given day."""
        return self.active_from <= on and (self.active_to is None or on <= self.active_to)


@dataclass(eq=False)
class Attachment:
    """A bilag: a name and a link."""

    name: str
    url: str = ""
    id: int | None = None
    item_id: int | None = None


@dataclass(eq=False)
class ItemGuest:
    """A guest invited for one agenda item only."""

    person_id: int
    id: int | None = None
    item_id: int | None = None


@dataclass(eq=False)
class AgendaItem:
    """One item on one meeting's agenda. Its letter follows from its position in the section."""

    section: int
    position: int
    title: str
    planned_minutes: int = 0
    indstilling: str = ""
    sagsbeskrivelse: str = ""
    presenter: str = ""
    referat: str = ""
    beslutning: str = ""
    outcome: Outcome | None = None
    topic_id: int | None = None
    postponed_from_id: int | None = None
    guests: list[ItemGuest] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    id: int | None = None
    meeting_id: int | None = None


@dataclass(eq=False)
class Meeting:
    """A meeting with its agenda (items ordered by section, then position)."""

    committee_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str = ""
    status: MeetingStatus = MeetingStatus.DRAFT
    case_no: str = ""
    doc_no: str = ""
    calendar_uid: str = ""
    calendar_sequence: int = 0
    next_meeting_note: str = ""
    minutes_approved_at: datetime | None = None
    items: list[AgendaItem] = field(default_factory=list)
    id: int | None = None

    @property
    def is_live(self) -> bool:
        """Not yet held or cancelled."""
        return self.status in LIVE

    def ensure_editable(self) -> None:
        """Refuse agenda changes on cancelled or held meetings."""
        if self.status == MeetingStatus.CANCELLED:
            raise ConflictError(texts.MEETING_CANCELLED)
        if not self.is_live:
            raise ConflictError(texts.MEETING_CLOSED)

    def call(self, now: datetime) -> None:
        """Indkaldt: a live meeting that has not ended yet is called (again, after a change)."""
        if not self.is_live:
            status = texts.MEETING_STATUS_NAMES[self.status]
            raise ConflictError(texts.INVITE_NOT_CALLABLE.format(id=self.id, status=status))
        if self.ends_at <= now:
            raise ConflictError(texts.MEETING_IN_PAST)
        self.status = MeetingStatus.CALLED

    def hold(self) -> None:
        """Afholdt: minutes are being written, so the meeting took place."""
        if self.is_live:
            self.status = MeetingStatus.HELD

    def approve(self, now: datetime) -> None:
        """Referat godkendt; the retention of regret reasons counts from the first approval."""
        self.hold()
        self.status = MeetingStatus.MINUTES_APPROVED
        if self.minutes_approved_at is None:
            self.minutes_approved_at = now

    def cancel(self) -> None:
        """Aflyst: only a meeting not yet held (cancelling twice is harmless)."""
        if not self.is_live and self.status != MeetingStatus.CANCELLED:
            raise ConflictError(texts.MEETING_CLOSED)
        self.status = MeetingStatus.CANCELLED


@dataclass(eq=False)
class TopicEvent:
    """One line of a topic's history."""

    at: datetime
    kind: str
    detail: str = ""
    actor_id: int | None = None
    id: int | None = None
    topic_id: int | None = None


@dataclass(eq=False)
class Topic:
    """A bruttoliste entry: a proposal for a future meeting, separate from agenda items."""

    committee_id: int
    text: str
    proposer_id: int
    proposed_at: datetime
    origin: str = ""
    description: str = ""
    note: str = ""
    status: TopicStatus = TopicStatus.OPEN
    origin_meeting_id: int | None = None
    events: list[TopicEvent] = field(default_factory=list)
    id: int | None = None

    def schedule(self, meeting_id: int | None, now: datetime, actor_id: int | None) -> None:
        """Planlagt: an open topic became an item on a meeting's agenda."""
        self.ensure_open()
        self.status = TopicStatus.SCHEDULED
        self.events.append(
            TopicEvent(at=now, kind="scheduled", detail=str(meeting_id), actor_id=actor_id)
        )

    def ensure_open(self) -> None:
        """Refuse anything but an open topic."""
        if self.status != TopicStatus.OPEN:
            raise ConflictError(
                texts.TOPIC_NOT_OPEN.format(status=texts.TOPIC_STATUS_NAMES[self.status])
            )

    def unschedule(self, meeting_id: int | None, now: datetime | None) -> None:
        """Back on the list: its item was removed from the agenda."""
        if self.status != TopicStatus.SCHEDULED:
            return
        self.status = TopicStatus.OPEN
        if now is not None:
            self.events.append(TopicEvent(at=now, kind="unscheduled", detail=str(meeting_id)))

    def withdraw(self, now: datetime, reason: str, actor_id: int | None) -> None:
        """Trukket tilbage: only an open topic; it stays in history but leaves the list."""
        if self.status == TopicStatus.WITHDRAWN:
            raise ConflictError(texts.TOPIC_ALREADY_WITHDRAWN)
        if self.status == TopicStatus.SCHEDULED:
            raise ConflictError(texts.TOPIC_ON_AGENDA)
        if self.status == TopicStatus.DONE:
            raise ConflictError(
                texts.TOPIC_NOT_OPEN.format(status=texts.TOPIC_STATUS_NAMES[self.status])
            )
        self.status = TopicStatus.WITHDRAWN
        self.events.append(TopicEvent(at=now, kind="withdrawn", detail=reason, actor_id=actor_id))

    def settle(self, meeting_id: int | None, now: datetime, actor_id: int | None) -> bool:
        """Behandlet: its item got an outcome other than postponed; True if it changed."""
        if self.status not in (TopicStatus.OPEN, TopicStatus.SCHEDULED):
            return False
        self.status = TopicStatus.DONE
        self.events.append(
            TopicEvent(at=now, kind="done", detail=str(meeting_id), actor_id=actor_id)
        )
        return True


@dataclass(eq=False)
class Attendance:
    """A person's attendance at a meeting."""

    meeting_id: int
    person_id: int
    status: AttendanceStatus
    registered_at: datetime
    via: str = ""
    reason: str = ""
    id: int | None = None


@dataclass(eq=False)
class ActionItem:
    """An agreed action with an owner (tovholder) and maybe a deadline."""

    meeting_id: int
    text: str
    owner_id: int | None = None
    owner_name: str = ""
    item_id: int | None = None
    due: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    id: int | None = None

    def complete(self) -> None:
        """Udført: it leaves the follow-up list and gets no more reminders."""
        self.status = ActionStatus.DONE


@dataclass(eq=False)
class Delivery:
    """One outbox row: something to send to a person or channel, exactly once, by its key."""

    key: str
    channel: str
    kind: str
    recipient: str
    payload: str
    created_at: datetime
    not_before: datetime
    status: str = "pending"
    attempts: int = 0
    last_error: str = ""
    claimed_until: datetime | None = None
    sent_at: datetime | None = None
    result: str = ""
    claims: int = 0  # times claimed; more than attempts + 1 means a claim died mid-send
    # Random, drawn once when the row is made: what makes its e-mail Message-ID unique in the
    # world (not only in this database) and the same on every retry. "" on rows sent before
    # nonces existed, whose ids came from the key alone.
    nonce: str = field(default_factory=lambda: secrets.token_hex(16))
    id: int | None = None

    def tried_before(self) -> bool:
        """True when an earlier claim may have sent this row (it died or failed mid-send)."""
        return self.claims > 1


@dataclass(eq=False)
class MinutesChange:
    """One correction to approved minutes: who changed which field of which item, and when."""

    meeting_id: int
    at: datetime
    field: str
    old: str = ""
    new: str = ""
    item_id: int | None = None
    actor_id: int | None = None
    actor_name: str = ""
    id: int | None = None


@dataclass(eq=False)
class CalendarCopy:
    """What one person last received for one meeting's calendar event (their own copy)."""

    meeting_id: int
    person_id: int
    uid: str
    sequence: int
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    slots: str = ""
    cancelled: bool = False
    sent_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class CalendarSync:
    """A meeting's pending calendar changes: edits bump version; the sync catches up later."""

    meeting_id: int
    version: int
    synced_version: int
    changed_at: datetime | None
    first_changed_at: datetime | None = None  # the oldest edit not yet sent
    unreached: bool = False  # someone has no queued copy yet: retried until they have one

    @property
    def edited(self) -> bool:
        """Edits are waiting to be sent."""
        return self.version > self.synced_version


@dataclass(frozen=True)
class InboxItem:
    """One Slack event as received (bot/inbox.py): stored before the answer, worked after."""

    id: int
    key: str
    kind: str
    payload: str
    attempts: int


# Reminders: the kinds around a meeting and how far from it one may be planned.
MAX_REMINDER_DAYS = 90


class Kind(StrEnum):
    """The automatic reminders around a meeting."""

    TOPICS = "topics"
    AGENDA = "agenda"
    DAY_BEFORE = "daybefore"
    MINUTES = "minutes"


@dataclass(frozen=True)
class ReminderSetting:
    """When one kind goes out: `days` before the meeting day (after, for minutes), `at` local."""

    committee_id: int
    kind: Kind
    days: int
    at: str
    enabled: bool = True


@dataclass(frozen=True)
class MeetingTimes:
    """Just what planning needs to know whether anything is due (a cheap query)."""

    id: int
    starts_at: datetime
    ends_at: datetime
    status: MeetingStatus
