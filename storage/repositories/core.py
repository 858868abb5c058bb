"""SQLAlchemy implementations of the core's repository interfaces."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from bot.domain import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Attendance,
    CalendarCopy,
    CalendarSync,
    Committee,
    Delivery,
    Meeting,
    MeetingStatus,
    Membership,
    MinutesChange,
    Person,
    Topic,
    TopicStatus,
)
from storage import tables
from storage.db import insert_or_skip


def _meeting_load() -> tuple[Any, ...]:
    """Eager-load the agenda, its guests and attachments (mapped attributes exist only then)."""
    items: Any = Meeting.items
    return (
        selectinload(items).selectinload(AgendaItem.guests),  # type: ignore[arg-type]
        selectinload(items).selectinload(AgendaItem.attachments),  # type: ignore[arg-type]
    )


class _Repo:
    def __init__(self, session: Session) -> None:
        self.session = session


class CommitteeRepo(_Repo):
    def add(self, committee: Committee) -> None:
        self.session.add(committee)

    def get(self, committee_id: int) -> Committee | None:
        return self.session.get(Committee, committee_id)

    def by_short_name(self, short_name: str) -> Committee | None:
        stmt = select(Committee).where(
            func.lower(tables.committees.c.short_name) == short_name.strip().lower()
        )
        return self.session.scalars(stmt).first()

    def by_channel(self, channel_id: str) -> Committee | None:
        stmt = select(Committee).where(tables.committees.c.slack_channel_id == channel_id)
        return self.session.scalars(stmt).first()

    def list(self) -> Sequence[Committee]:
        return self.session.scalars(select(Committee).order_by(tables.committees.c.id)).all()


class PersonRepo(_Repo):
    def add(self, person: Person) -> None:
        self.session.add(person)

    def get(self, person_id: int) -> Person | None:
        return self.session.get(Person, person_id)

    def by_email(self, email: str) -> Person | None:
        stmt = select(Person).where(tables.people.c.email == email.strip().lower())
        return self.session.scalars(stmt).first()

    def by_slack_id(self, slack_user_id: str) -> Person | None:
        stmt = select(Person).where(tables.people.c.slack_user_id == slack_user_id)
        return self.session.scalars(stmt).first()

    def by_name(self, name: str) -> Sequence[Person]:
        stmt = select(Person).where(func.lower(tables.people.c.name) == name.strip().lower())
        return self.session.scalars(stmt).all()

    def list(self) -> Sequence[Person]:
        return self.session.scalars(select(Person).order_by(tables.people.c.name)).all()

    def by_ids(self, person_ids: Collection[int]) -> Sequence[Person]:
        if not person_ids:
            return []
        stmt = select(Person).where(tables.people.c.id.in_(sorted(set(person_ids))))
        return self.session.scalars(stmt).all()


class MembershipRepo(_Repo):
    def add(self, membership: Membership) -> None:
        self.session.add(membership)

    def for_committee(self, committee_id: int) -> Sequence[Membership]:
        stmt = (
            select(Membership)
            .where(tables.memberships.c.committee_id == committee_id)
            .order_by(tables.memberships.c.id)
        )
        return self.session.scalars(stmt).all()

    def for_person(self, person_id: int) -> Sequence[Membership]:
        stmt = select(Membership).where(tables.memberships.c.person_id == person_id)
        return self.session.scalars(stmt).all()

    def in_channel(
        self, chat_user_id: str, channel_id: str
    ) -> Sequence[tuple[Person, Committee, Membership]]:
        """The chat user's memberships of the committee bound to the channel: one query."""
        m, p, c = tables.memberships.c, tables.people.c, tables.committees.c
        stmt = (
            select(Person, Committee, Membership)
            .join_from(Person, Membership, m.person_id == p.id)
            .join(Committee, m.committee_id == c.id)
            .where(p.slack_user_id == chat_user_id, c.slack_channel_id == channel_id)
            .order_by(m.id)
        )
        return [(row[0], row[1], row[2]) for row in self.session.execute(stmt)]


class MeetingRepo(_Repo):
    def add(self, meeting: Meeting) -> None:
        self.session.add(meeting)

    def get(self, meeting_id: int) -> Meeting | None:
        return self.session.get(Meeting, meeting_id, options=_meeting_load())

    def lock_row(self, meeting_id: int) -> None:
        """Only the row lock (PostgreSQL): no reload of the meeting and its agenda."""
        c = tables.meetings.c
        self.session.execute(select(c.id).where(c.id == meeting_id).with_for_update())

    def lock(self, meeting_id: int) -> Meeting | None:
        """Load the meeting with a row lock (PostgreSQL); SQLite serialises writers anyway."""
        return self.session.get(Meeting, meeting_id, options=_meeting_load(), with_for_update=True)

    def for_committee(
        self,
        committee_id: int,
        *,
        after: datetime | None = None,
        statuses: Sequence[MeetingStatus] | None = None,
        limit: int | None = None,
        with_items: bool = True,
    ) -> Sequence[Meeting]:
        """Soonest first; without items (with_items=False) `items` must not be touched."""
        c = tables.meetings.c
        stmt = select(Meeting).where(c.committee_id == committee_id)
        if with_items:
            stmt = stmt.options(*_meeting_load())
        if after is not None:
            stmt = stmt.where(c.ends_at > after)
        if statuses is not None:
            stmt = stmt.where(c.status.in_([s.value for s in statuses]))
        return self.session.scalars(stmt.order_by(c.starts_at, c.id).limit(limit)).all()

    def item(self, item_id: int) -> AgendaItem | None:
        return self.session.get(AgendaItem, item_id)

    def items_with_guest(self, person_id: int) -> Sequence[AgendaItem]:
        g = tables.item_guests.c
        stmt = (
            select(AgendaItem)
            .join(tables.item_guests, g.item_id == tables.agenda_items.c.id)
            .where(g.person_id == person_id)
            .order_by(tables.agenda_items.c.id)
        )
        return self.session.scalars(stmt).all()


_TOPIC_INSERT = tables.topics.insert().returning(tables.topics.c.id)
_TOPIC_EVENT_INSERT = tables.topic_events.insert().returning(tables.topic_events.c.id)
_TOPIC_FIELDS = [c.name for c in tables.topics.columns if c.name != "id"]
_TOPIC_EVENT_FIELDS = [c.name for c in tables.topic_events.columns if c.name != "id"]


class TopicRepo(_Repo):
    def add(self, topic: Topic) -> None:
        self.session.add(topic)

    def insert(self, topic: Topic) -> None:
        """A new topic and its history in plain INSERTs (the hot path of `/klu emne`: the ORM
        flush costs twice the database's work). The ids are set on the objects, which stay
        outside the session: load the topic again to change it."""
        values = {name: getattr(topic, name) for name in _TOPIC_FIELDS}
        topic.id = int(self.session.execute(_TOPIC_INSERT, values).scalar_one())
        for event in topic.events:
            event.topic_id = topic.id
            values = {name: getattr(event, name) for name in _TOPIC_EVENT_FIELDS}
            event.id = int(self.session.execute(_TOPIC_EVENT_INSERT, values).scalar_one())

    def get(self, topic_id: int) -> Topic | None:
        return self.session.get(Topic, topic_id, options=(selectinload(Topic.events),))  # type: ignore[arg-type]

    def for_committee(
        self, committee_id: int, statuses: Sequence[TopicStatus] | None = None
    ) -> Sequence[Topic]:
        c = tables.topics.c
        stmt = select(Topic).where(c.committee_id == committee_id)
        if statuses is not None:
            stmt = stmt.where(c.status.in_([s.value for s in statuses]))
        return self.session.scalars(stmt.order_by(c.proposed_at, c.id)).all()

    def by_proposer(self, person_id: int) -> Sequence[Topic]:
        c = tables.topics.c
        stmt = select(Topic).where(c.proposer_id == person_id).order_by(c.proposed_at.desc())
        return self.session.scalars(stmt).all()

    def proposed_since(
        self, committee_id: int, proposer_id: int, since: datetime
    ) -> Sequence[tuple[int, str]]:
        """The proposer's recent topics. PostgreSQL: the proposer's row is locked first
        (FOR NO KEY UPDATE: inserts that refer to the person still go ahead), so a second
        proposal in flight waits and then reads the first; SQLite: the insert before this
        holds the database's write lock already."""
        people = tables.people.c
        lock = select(people.id).where(people.id == proposer_id).with_for_update(key_share=True)
        self.session.execute(lock)
        c = tables.topics.c
        stmt = select(c.id, c.text).where(
            c.proposer_id == proposer_id,
            c.committee_id == committee_id,
            c.proposed_at >= since,
            c.status != TopicStatus.WITHDRAWN,
        )
        return [(int(i), str(t)) for i, t in self.session.execute(stmt.order_by(c.id))]

    def count(self, committee_id: int, status: TopicStatus, at_most: int | None = None) -> int:
        """How many; with at_most, counting stops there (the cost no longer grows)."""
        c = tables.topics.c
        where = (c.committee_id == committee_id, c.status == status)
        if at_most is None:
            stmt = select(func.count()).where(*where)
        else:
            found = select(c.id).where(*where).limit(at_most).subquery()
            stmt = select(func.count()).select_from(found)
        return int(self.session.execute(stmt).scalar_one())

    def page(
        self, committee_id: int, status: TopicStatus, *, offset: int, limit: int
    ) -> Sequence[Topic]:
        """One status's topics, oldest first, a slice at a time (ix_topics_board)."""
        c = tables.topics.c
        stmt = (
            select(Topic)
            .where(c.committee_id == committee_id, c.status == status)
            .order_by(c.proposed_at, c.id)
            .offset(offset)
            .limit(limit)
        )
        return self.session.scalars(stmt).all()


class AttendanceRepo(_Repo):
    def add(self, attendance: Attendance) -> None:
        self.session.add(attendance)

    def get(self, meeting_id: int, person_id: int) -> Attendance | None:
        c = tables.attendance.c
        stmt = select(Attendance).where(c.meeting_id == meeting_id, c.person_id == person_id)
        return self.session.scalars(stmt).first()

    def for_meeting(self, meeting_id: int) -> Sequence[Attendance]:
        c = tables.attendance.c
        stmt = select(Attendance).where(c.meeting_id == meeting_id).order_by(c.id)
        return self.session.scalars(stmt).all()

    def for_person(self, person_id: int) -> Sequence[Attendance]:
        c = tables.attendance.c
        stmt = select(Attendance).where(c.person_id == person_id).order_by(c.id)
        return self.session.scalars(stmt).all()


class ActionRepo(_Repo):
    def add(self, action: ActionItem) -> None:
        self.session.add(action)

    def for_meeting(self, meeting_id: int) -> Sequence[ActionItem]:
        c = tables.action_items.c
        stmt = select(ActionItem).where(c.meeting_id == meeting_id).order_by(c.id)
        return self.session.scalars(stmt).all()

    def open_for_committee(self, committee_id: int) -> Sequence[ActionItem]:
        a, m = tables.action_items.c, tables.meetings.c
        stmt = (
            select(ActionItem)
            .join(tables.meetings, a.meeting_id == m.id)
            .where(m.committee_id == committee_id, a.status == ActionStatus.OPEN.value)
            .order_by(a.due, a.id)
        )
        return self.session.scalars(stmt).all()

    def for_owner(self, person_id: int) -> Sequence[ActionItem]:
        c = tables.action_items.c
        stmt = select(ActionItem).where(c.owner_id == person_id).order_by(c.id)
        return self.session.scalars(stmt).all()


class MinutesChangeRepo(_Repo):
    def add(self, change: MinutesChange) -> None:
        self.session.add(change)

    def for_meeting(self, meeting_id: int) -> Sequence[MinutesChange]:
        c = tables.minutes_changes.c
        stmt = select(MinutesChange).where(c.meeting_id == meeting_id).order_by(c.at, c.id)
        return self.session.scalars(stmt).all()

    def by_actor(self, person_id: int) -> Sequence[MinutesChange]:
        c = tables.minutes_changes.c
        stmt = select(MinutesChange).where(c.actor_id == person_id).order_by(c.at, c.id)
        return self.session.scalars(stmt).all()


class CalendarRepo(_Repo):
    def copies(self, meeting_id: int) -> Sequence[CalendarCopy]:
        c = tables.calendar_copies.c
        stmt = select(CalendarCopy).where(c.meeting_id == meeting_id).order_by(c.person_id)
        return self.session.scalars(stmt).all()

    def add_copy(self, copy: CalendarCopy) -> None:
        self.session.add(copy)

    def mark_changed(self, meeting_id: int, now: datetime | None) -> None:
        """Bump the version by one UPDATE (no lost increments); insert the row the first time."""
        t = tables.calendar_syncs
        values: dict[str, Any] = {"version": t.c.version + 1}
        if now is not None:
            values["changed_at"] = now
            values["first_changed_at"] = func.coalesce(t.c.first_changed_at, now)
        result = self.session.execute(update(t).where(t.c.meeting_id == meeting_id).values(values))
        if result.rowcount == 1:  # type: ignore[attr-defined]
            return
        try:
            with self.session.begin_nested():
                self.session.execute(
                    t.insert().values(
                        meeting_id=meeting_id,
                        version=1,
                        synced_version=0,
                        changed_at=now,
                        first_changed_at=now,
                    )
                )
        except IntegrityError:  # another writer inserted it meanwhile
            self.session.execute(update(t).where(t.c.meeting_id == meeting_id).values(values))

    def pending(self) -> Sequence[CalendarSync]:
        t = tables.calendar_syncs
        rows = self.session.execute(
            select(t)
            .where(or_(t.c.version > t.c.synced_version, t.c.unreached))
            .order_by(t.c.meeting_id)
        ).all()
        return [_sync_state(r) for r in rows]

    def state(self, meeting_id: int) -> CalendarSync | None:
        t = tables.calendar_syncs
        r = self.session.execute(select(t).where(t.c.meeting_id == meeting_id)).first()
        return None if r is None else _sync_state(r)

    def stamp(self, meeting_id: int, now: datetime) -> None:
        t = tables.calendar_syncs
        self.session.execute(
            update(t)
            .where(t.c.meeting_id == meeting_id, t.c.changed_at.is_(None))
            .values(changed_at=now, first_changed_at=func.coalesce(t.c.first_changed_at, now))
        )

    def begin_sync(self, meeting_id: int) -> None:
        """A no-op UPDATE as the transaction's first statement: SQLite takes its write lock
        (waiting on busy_timeout) before anything is read; PostgreSQL locks the row."""
        t = tables.calendar_syncs
        self.session.execute(
            update(t).where(t.c.meeting_id == meeting_id).values(version=t.c.version)
        )

    def mark_synced(self, meeting_id: int, version: int) -> None:
        """Caught up to version; the quiet-time clock restarts only with the next edit."""
        t = tables.calendar_syncs
        self.session.execute(
            update(t)
            .where(t.c.meeting_id == meeting_id, t.c.synced_version < version)
            .values(synced_version=version)
        )
        self.session.execute(
            update(t)
            .where(t.c.meeting_id == meeting_id, t.c.version == version)
            .values(changed_at=None, first_changed_at=None)
        )

    def set_unreached(self, meeting_id: int, unreached: bool) -> None:
        t = tables.calendar_syncs
        result = self.session.execute(
            update(t).where(t.c.meeting_id == meeting_id).values(unreached=unreached)
        )
        if result.rowcount == 0 and unreached:  # type: ignore[attr-defined]
            self.session.execute(
                t.insert().values(
                    meeting_id=meeting_id, version=0, synced_version=0, unreached=True
                )
            )


def _sync_state(r: Any) -> CalendarSync:
    return CalendarSync(
        r.meeting_id, r.version, r.synced_version, r.changed_at, r.first_changed_at, r.unreached
    )


def _delivery_row(d: Delivery) -> dict[str, Any]:
    return {
        "key": d.key, "channel": d.channel, "kind": d.kind, "recipient": d.recipient,
        "payload": d.payload, "status": d.status, "attempts": d.attempts,
        "last_error": d.last_error, "created_at": d.created_at, "not_before": d.not_before,
        "claimed_until": d.claimed_until, "sent_at": d.sent_at, "result": d.result,
        "claims": d.claims, "nonce": d.nonce,
    }  # fmt: skip


class OutboxRepo(_Repo):
    def enqueue(self, delivery: Delivery) -> bool:
        """INSERT .. ON CONFLICT (key) DO NOTHING: a duplicate key is a no-op and the
        surrounding work goes on (no savepoint needed)."""
        return bool(self.enqueue_many([delivery]))

    def enqueue_many(self, deliveries: Sequence[Delivery]) -> set[str]:
        """INSERT .. ON CONFLICT (key) DO NOTHING RETURNING key, in chunks: a key that exists
        (or that a concurrent transaction adds first) is skipped, the others are added."""
        if not deliveries:
            return set()
        self.session.flush()
        dialect = self.session.get_bind().dialect.name
        t = tables.deliveries
        added: set[str] = set()
        for lo in range(0, len(deliveries), 500):
            rows = [_delivery_row(d) for d in deliveries[lo : lo + 500]]
            stmt = insert_or_skip(t, dialect, "key").values(rows)
            added.update(self.session.execute(stmt.returning(t.c.key)).scalars())
        return added

    def get(self, key: str) -> Delivery | None:
        stmt = select(Delivery).where(tables.deliveries.c.key == key)
        return self.session.scalars(stmt).first()

    def by_nonce(self, nonce: str) -> Delivery | None:
        if not nonce:
            return None
        c = tables.deliveries.c
        stmt = select(Delivery).where(c.nonce == nonce, c.channel == "email")
        return self.session.scalars(stmt).first()

    def claim_due(
        self,
        now: datetime,
        lease_until: datetime,
        limit: int,
        channels: Sequence[str] | None = None,
    ) -> Sequence[Delivery]:
        """Claim due rows (of the given channels) by a conditional UPDATE: two workers never
        claim the same row."""
        c = tables.deliveries.c
        due = select(c.id).where(
            c.status == "pending",
            c.not_before <= now,
            or_(c.claimed_until.is_(None), c.claimed_until < now),
        )
        if channels is not None:
            due = due.where(c.channel.in_(list(channels)))
        candidates = self.session.execute(due.order_by(c.not_before, c.id).limit(limit)).scalars()
        ids = list(candidates)
        if not ids:
            return []
        claimed = (
            self.session.execute(
                update(tables.deliveries)
                .where(
                    c.id.in_(ids),
                    c.status == "pending",
                    or_(c.claimed_until.is_(None), c.claimed_until < now),
                )
                .values(claimed_until=lease_until, claims=c.claims + 1)
                .returning(c.id)
            )
            .scalars()
            .all()
        )  # one conditional UPDATE: a row another worker took is left out
        if not claimed:
            return []
        self.session.expire_all()
        return self.session.scalars(
            select(Delivery).where(c.id.in_(claimed)).order_by(c.not_before, c.id)
        ).all()

    def mark_sent(self, key: str, now: datetime, result: str) -> None:
        """Sent: one UPDATE (no read first)."""
        c = tables.deliveries.c
        self.session.execute(
            update(tables.deliveries)
            .where(c.key == key)
            .values(
                status="sent",
                sent_at=now,
                result=result,
                claimed_until=None,
                attempts=c.attempts + 1,
            )
        )

    def pending_count(self) -> int:
        c = tables.deliveries.c
        stmt = select(func.count()).select_from(tables.deliveries).where(c.status == "pending")
        return int(self.session.execute(stmt).scalar_one())

    def for_recipients(self, recipients: Sequence[str]) -> Sequence[Delivery]:
        c = tables.deliveries.c
        stmt = select(Delivery).where(c.recipient.in_(list(recipients))).order_by(c.id)
        return self.session.scalars(stmt).all()

    def forget_recipients(self, recipients: Sequence[str], now: datetime) -> int:
        """Pending rows become 'cancelled', all lose address and payload; rows in flight stay."""
        cancelled = 0
        for row in self.for_recipients(recipients):
            in_flight = row.claimed_until is not None and row.claimed_until > now
            if row.status == "pending" and in_flight:
                continue
            if row.status == "pending":
                row.status, cancelled = "cancelled", cancelled + 1
            row.recipient, row.payload = "", "{}"
        return cancelled


class EventLogRepo(_Repo):
    def seen(self, event_id: str) -> bool:
        c = tables.processed_events.c
        stmt = select(c.event_id).where(c.event_id == event_id)
        return self.session.execute(stmt).first() is not None

    def first_time(self, event_id: str, at: datetime) -> bool:
        """INSERT .. ON CONFLICT DO NOTHING: an existing id means Slack sent it before."""
        t = tables.processed_events
        dialect = self.session.get_bind().dialect.name
        stmt = (
            insert_or_skip(t, dialect, "event_id")
            .values(event_id=event_id, received_at=at, handled=True)
            .returning(t.c.event_id)
        )
        return self.session.execute(stmt).first() is not None
