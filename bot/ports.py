"""The interfaces the core needs from the outside world: storage and a clock.

storage/ implements them with SQLAlchemy; tests may pass fakes. Use cases receive them as
arguments, never from globals.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from bot.domain import (
    ActionItem,
    AgendaItem,
    Attendance,
    CalendarCopy,
    CalendarSync,
    Committee,
    Delivery,
    InboxItem,
    Meeting,
    MeetingStatus,
    MeetingTimes,
    Membership,
    MinutesChange,
    Person,
    ReminderSetting,
    Topic,
    TopicStatus,
)

Clock = Callable[[], datetime]


class CommitteeRepository(Protocol):
    def add(self, committee: Committee) -> None: ...
    def get(self, committee_id: int) -> Committee | None: ...
    def by_short_name(self, short_name: str) -> Committee | None: ...
    def by_channel(self, channel_id: str) -> Committee | None: ...
    def list(self) -> Sequence[Committee]: ...


class PersonRepository(Protocol):
    def add(self, person: Person) -> None: ...
    def get(self, person_id: int) -> Person | None: ...
    def by_email(self, email: str) -> Person | None: ...
    def by_slack_id(self, slack_user_id: str) -> Person | None: ...
    def by_name(self, name: str) -> Sequence[Person]: ...
    def list(self) -> Sequence[Person]: ...
    def by_ids(self, person_ids: Collection[int]) -> Sequence[Person]: ...


class MembershipRepository(Protocol):
    def add(self, membership: Membership) -> None: ...
    def for_committee(self, committee_id: int) -> Sequence[Membership]: ...
    def for_person(self, person_id: int) -> Sequence[Membership]: ...
    def in_channel(
        self, chat_user_id: str, channel_id: str
    ) -> Sequence[tuple[Person, Committee, Membership]]: ...


class MeetingRepository(Protocol):
    def add(self, meeting: Meeting) -> None: ...
    def get(self, meeting_id: int) -> Meeting | None: ...
    def for_committee(
        self,
        committee_id: int,
        *,
        after: datetime | None = None,
        statuses: Sequence[MeetingStatus] | None = None,
        limit: int | None = None,
        with_items: bool = True,
    ) -> Sequence[Meeting]: ...
    def item(self, item_id: int) -> AgendaItem | None: ...
    def items_with_guest(self, person_id: int) -> Sequence[AgendaItem]: ...
    def lock_row(self, meeting_id: int) -> None:
        """Hold the meeting's row until commit (PostgreSQL); nothing is loaded."""
        ...

    def lock(self, meeting_id: int) -> Meeting | None: ...


class TopicRepository(Protocol):
    def add(self, topic: Topic) -> None: ...
    def insert(self, topic: Topic) -> None:
        """Store a new topic and its events now, setting their ids (they stay detached)."""
        ...

    def get(self, topic_id: int) -> Topic | None: ...
    def for_committee(
        self, committee_id: int, statuses: Sequence[TopicStatus] | None = None
    ) -> Sequence[Topic]: ...
    def by_proposer(self, person_id: int) -> Sequence[Topic]: ...
    def proposed_since(
        self, committee_id: int, proposer_id: int, since: datetime
    ) -> Sequence[tuple[int, str]]:
        """(id, text) of the person's topics in the committee proposed since then and not
        withdrawn. Call it after inserting a topic: it waits for the person's other proposals
        in flight to end (a lock), so of two at once the second sees the first."""
        ...

    def count(self, committee_id: int, status: TopicStatus, at_most: int | None = None) -> int:
        """How many topics have the status; counting stops at at_most when given."""
        ...

    def page(
        self, committee_id: int, status: TopicStatus, *, offset: int, limit: int
    ) -> Sequence[Topic]: ...


class AttendanceRepository(Protocol):
    def add(self, attendance: Attendance) -> None: ...
    def get(self, meeting_id: int, person_id: int) -> Attendance | None: ...
    def for_meeting(self, meeting_id: int) -> Sequence[Attendance]: ...
    def for_person(self, person_id: int) -> Sequence[Attendance]: ...


class ActionRepository(Protocol):
    def add(self, action: ActionItem) -> None: ...
    def for_meeting(self, meeting_id: int) -> Sequence[ActionItem]: ...
    def open_for_committee(self, committee_id: int) -> Sequence[ActionItem]: ...
    def for_owner(self, person_id: int) -> Sequence[ActionItem]: ...


class MinutesChangeRepository(Protocol):
    def add(self, change: MinutesChange) -> None: ...
    def for_meeting(self, meeting_id: int) -> Sequence[MinutesChange]: ...
    def by_actor(self, person_id: int) -> Sequence[MinutesChange]: ...


class CalendarRepository(Protocol):
    def copies(self, meeting_id: int) -> Sequence[CalendarCopy]: ...
    def add_copy(self, copy: CalendarCopy) -> None: ...
    def mark_changed(self, meeting_id: int, now: datetime | None) -> None:
        """Record an edit (debounced by the sync); now=None lets the sync stamp the time."""
        ...

    def pending(self) -> Sequence[CalendarSync]: ...
    def state(self, meeting_id: int) -> CalendarSync | None: ...
    def stamp(self, meeting_id: int, now: datetime) -> None: ...
    def mark_synced(self, meeting_id: int, version: int) -> None: ...
    def set_unreached(self, meeting_id: int, unreached: bool) -> None:
        """Remember whether the last sync left someone without a queued copy."""
        ...

    def begin_sync(self, meeting_id: int) -> None:
        """Take the write lock first: two workers syncing one meeting run one after the other."""
        ...


class Outbox(Protocol):
    def enqueue(self, delivery: Delivery) -> bool:
        """Add the delivery unless its key exists; True when it was new."""
        ...

    def enqueue_many(self, deliveries: Sequence[Delivery]) -> set[str]:
        """Add those whose key does not exist yet, in one statement; the keys added."""
        ...

    def get(self, key: str) -> Delivery | None: ...
    def by_nonce(self, nonce: str) -> Delivery | None:
        """The e-mail row whose Message-ID carries this nonce (a reply names it)."""
        ...

    def claim_due(
        self,
        now: datetime,
        lease_until: datetime,
        limit: int,
        channels: Sequence[str] | None = None,
    ) -> Sequence[Delivery]: ...
    def mark_sent(self, key: str, now: datetime, result: str) -> None: ...
    def pending_count(self) -> int: ...
    def for_recipients(self, recipients: Sequence[str]) -> Sequence[Delivery]: ...
    def forget_recipients(self, recipients: Sequence[str], now: datetime) -> int:
        """Cancel unsent rows to them and blank the others (not rows in flight); count cancelled."""
        ...


class Inbox(Protocol):
    def add(self, key: str, kind: str, payload: str, now: datetime) -> bool:
        """Store the item unless its key exists; True when it was new."""
        ...

    def claim_due(
        self,
        now: datetime,
        lease_until: datetime,
        limit: int,
        kinds: Sequence[str] | None = None,
    ) -> Sequence[InboxItem]:
        """Lease the oldest due items (of these kinds); two workers never claim the same one."""
        ...

    def mark_done(self, item_id: int, now: datetime) -> None: ...
    def mark_failed(
        self, item_id: int, error: str, now: datetime, retry_at: datetime | None
    ) -> None:
        """Count the attempt; try again at retry_at, or never (None)."""
        ...

    def release(self, item_ids: Sequence[int]) -> None:
        """Give claimed items back at once (a stopping worker)."""
        ...

    def pending_count(self) -> int: ...


class MailRouteRepository(Protocol):
    """E-mail addresses whose mail came back (a bounce): the route is failing until a mail
    from that address arrives or the address changes."""

    def mark_failing(self, address: str, at: datetime, reason: str) -> None: ...
    def clear(self, address: str) -> None: ...
    def failing(self, address: str) -> str | None:
        """The reason the address is failing, None when it is not."""
        ...


class ReminderRepository(Protocol):
    def settings(self, committee_id: int) -> Sequence[ReminderSetting]: ...
    def save(self, setting: ReminderSetting) -> None: ...
    def delivery_for_message(self, channel: str, ts: str) -> Delivery | None: ...
    def keys(self, prefix: str, *, pending_only: bool = False) -> Sequence[str]: ...
    def meeting_times(self, committee_id: int, after: datetime) -> Sequence[MeetingTimes]: ...
    def cancel(self, keys: Sequence[str]) -> int: ...


class EventLog(Protocol):
    def first_time(self, event_id: str, at: datetime) -> bool:
        """Record an incoming event id; False when it was seen before."""
        ...

    def seen(self, event_id: str) -> bool:
        """True when the event id was recorded (and committed) before."""
        ...


class Privacy(Protocol):
    """Personal data wherever it was copied to (storage/privacy_repo.py)."""

    def scrub(
        self,
        replacements: Mapping[str, str],
        *,
        in_messages: Mapping[str, str] | None = None,
        own: Sequence[str] = (),
    ) -> int:
        """Replace each needle in every stored text (payloads decoded), those `in_messages`
        only in the outbox and inbox; `own` marks inbox rows from the person; rows changed."""
        ...

    def clear_reasons(self, approved_before: datetime) -> list[str]:
        """Empty regret reasons of minutes approved before the time; the reasons cleared."""
        ...

    def prune(
        self, *, done_before: datetime, redact_before: datetime, delete_before: datetime
    ) -> dict[str, int]:
        """Delete old done inbox rows, event ids and finished deliveries; counts per kind."""
        ...


class UnitOfWork(Protocol):
    """One transaction: leaving the block without commit() rolls everything back."""

    committees: CommitteeRepository
    people: PersonRepository
    memberships: MembershipRepository
    meetings: MeetingRepository
    topics: TopicRepository
    attendance: AttendanceRepository
    actions: ActionRepository
    minutes_changes: MinutesChangeRepository
    calendar: CalendarRepository
    outbox: Outbox
    inbox: Inbox
    events: EventLog
    reminders: ReminderRepository
    privacy: Privacy
    mail_routes: MailRouteRepository

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def flush(self) -> None: ...
    def delete(self, obj: object) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
