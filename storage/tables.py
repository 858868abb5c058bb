"""The schema, with constraint naming conventions so Alembic migrations stay predictable."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    UniqueConstraint,
    false,
)

from bot.domain import (
    ActionStatus,
    AttendanceStatus,
    MeetingStatus,
    Outcome,
    Role,
    RouteChoice,
    TopicStatus,
)
from storage.types import CleanString as String
from storage.types import CleanText as Text
from storage.types import StrEnumType, UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

committees = Table(
    "committees",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("short_name", String(50), nullable=False, unique=True),
    Column("timezone", String(64), nullable=False),
    Column("organiser_unit", String(200), nullable=False),
    Column("default_place", String(300), nullable=False),
    Column("default_start", String(5), nullable=False),
    Column("default_end", String(5), nullable=False),
    Column("slack_channel_id", String(32), unique=True),
    Column("secretariat_name", String(200), nullable=False),
    Column("secretariat_email", String(254), nullable=False),
    Column("secretariat_phone", String(50), nullable=False),
    Column("secretariat_participates", Boolean, nullable=False, server_default=false()),
)

people = Table(
    "people",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("email", String(254), unique=True),
    Column("title", String(200)),
    Column("organisation", String(200)),
    Column("side", String(100)),
    Column("phone", String(50)),
    Column("slack_user_id", String(32), unique=True),
    Column("route", StrEnumType(RouteChoice)),  # NULL: Slack when linked, else e-mail
)

memberships = Table(
    "memberships",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("committee_id", ForeignKey("committees.id"), nullable=False, index=True),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("role", StrEnumType(Role), nullable=False),
    Column("active_from", Date, nullable=False),
    Column("active_to", Date),
)

meetings = Table(
    "meetings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("committee_id", ForeignKey("committees.id"), nullable=False, index=True),
    Column("title", String(300), nullable=False),
    Column("starts_at", UTCDateTime, nullable=False, index=True),
    Column("ends_at", UTCDateTime, nullable=False),
    Column("place", String(300), nullable=False),
    Column("status", StrEnumType(MeetingStatus), nullable=False),
    Column("case_no", String(100), nullable=False),
    Column("doc_no", String(100), nullable=False),
    Column("calendar_uid", String(200), nullable=False),
    Column("calendar_sequence", Integer, nullable=False),
    Column("next_meeting_note", Text, nullable=False),
    # when the minutes were first approved: regret reasons are kept a while after (retention)
    Column("minutes_approved_at", UTCDateTime),
)

agenda_items = Table(
    "agenda_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("section", Integer, nullable=False),
    Column("position", Integer, nullable=False),
    Column("title", String(500), nullable=False),
    Column("planned_minutes", Integer, nullable=False),
    Column("indstilling", Text, nullable=False),
    Column("sagsbeskrivelse", Text, nullable=False),
    Column("presenter", String(300), nullable=False),
    Column("referat", Text, nullable=False),
    Column("beslutning", Text, nullable=False),
    Column("outcome", StrEnumType(Outcome)),
    Column("topic_id", ForeignKey("topics.id"), index=True),
    Column("postponed_from_id", ForeignKey("agenda_items.id"), index=True, unique=True),
)

item_guests = Table(
    "item_guests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    UniqueConstraint("item_id", "person_id", name="uq_item_guests_item_person"),
)

attachments = Table(
    "attachments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column(
        "item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("name", String(300), nullable=False),
    Column("url", String(2000), nullable=False),
)

topics = Table(
    "topics",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("committee_id", ForeignKey("committees.id"), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("description", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("proposer_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("proposed_at", UTCDateTime, nullable=False),
    Column("origin", String(300), nullable=False),
    Column("origin_meeting_id", ForeignKey("meetings.id")),
    Column("status", StrEnumType(TopicStatus), nullable=False, index=True),
    # the bruttoliste pages through one status at a time, oldest first
    Index("ix_topics_board", "committee_id", "status", "proposed_at", "id"),
)

topic_events = Table(
    "topic_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("topic_id", ForeignKey("topics.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("kind", String(50), nullable=False),
    Column("detail", Text, nullable=False),
    Column("actor_id", ForeignKey("people.id")),
)

attendance = Table(
    "attendance",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("status", StrEnumType(AttendanceStatus), nullable=False),
    Column("reason", Text, nullable=False),
    Column("registered_at", UTCDateTime, nullable=False),
    Column("via", String(50), nullable=False),
    UniqueConstraint("meeting_id", "person_id", name="uq_attendance_meeting_person"),
)

action_items = Table(
    "action_items",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("item_id", ForeignKey("agenda_items.id", ondelete="SET NULL")),
    Column("owner_id", ForeignKey("people.id")),
    Column("owner_name", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("due", Date),
    Column("status", StrEnumType(ActionStatus), nullable=False),
)

# Corrections to approved minutes: who changed which field of which item, and when.
minutes_changes = Table(
    "minutes_changes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("item_id", ForeignKey("agenda_items.id", ondelete="SET NULL")),
    Column("at", UTCDateTime, nullable=False),
    Column("field", String(50), nullable=False),
    Column("old", Text, nullable=False),
    Column("new", Text, nullable=False),
    Column("actor_id", ForeignKey("people.id")),
    Column("actor_name", String(200), nullable=False),
)

# What each person last received for a meeting's calendar event (bot/usecases/invitations.py).
calendar_copies = Table(
    "calendar_copies",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), nullable=False),
    Column("person_id", ForeignKey("people.id"), nullable=False, index=True),
    Column("uid", String(300), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("starts_at", UTCDateTime, nullable=False),
    Column("ends_at", UTCDateTime, nullable=False),
    Column("location", String(300), nullable=False),
    Column("slots", Text, nullable=False),
    Column("cancelled", Boolean, nullable=False),
    Column("sent_at", UTCDateTime),
    UniqueConstraint("meeting_id", "person_id", name="uq_calendar_copies_meeting_person"),
)

# Debounce of calendar updates: edits bump version, the sync sends once it is quiet.
calendar_syncs = Table(
    "calendar_syncs",
    metadata,
    Column("meeting_id", ForeignKey("meetings.id", ondelete="CASCADE"), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("synced_version", Integer, nullable=False),
    Column("changed_at", UTCDateTime),
    Column("first_changed_at", UTCDateTime),  # the oldest unsent edit: bounds the debounce
    Column("unreached", Boolean, nullable=False, server_default=false()),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(300), nullable=False, unique=True),
    Column("channel", String(20), nullable=False),
    Column("kind", String(50), nullable=False),
    Column("recipient", String(300), nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("not_before", UTCDateTime, nullable=False, index=True),
    Column("claimed_until", UTCDateTime),
    Column("sent_at", UTCDateTime),
    Column("result", Text, nullable=False),
    # claims counts claim_due's leases; a claim without an outcome left claims > attempts
    Column("claims", Integer, nullable=False, server_default="0"),
    # random per row, drawn when it is queued: the e-mail Message-ID's unique part
    Column("nonce", String(32), nullable=False, server_default=""),
    Index("ix_deliveries_nonce", "nonce"),  # a reply's In-Reply-To names its row by the nonce
)

# Slack delivers an event again when we are slow; its event_id is remembered here once.
processed_events = Table(
    "processed_events",
    metadata,
    Column("event_id", String(100), primary_key=True),
    Column("received_at", UTCDateTime, nullable=False),
    Column("handled", Boolean, nullable=False),
)

# Per-committee reminder settings the secretary changed; a missing row means the default.
reminder_settings = Table(
    "reminder_settings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("committee_id", ForeignKey("committees.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("days", Integer, nullable=False),
    Column("at_time", String(5), nullable=False),
    Column("enabled", Boolean, nullable=False),
    UniqueConstraint("committee_id", "kind", name="uq_reminder_settings_committee_kind"),
)

# Slack events as received, stored before the 200 goes back: the answer never waits for the
# work, and a crash after the answer loses nothing (bot/inbox.py). The key (Slack's event id)
# makes Slack's retries no-ops.
inbox = Table(
    "inbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(300), nullable=False, unique=True),
    Column("kind", String(50), nullable=False),
    Column("payload", Text, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("not_before", UTCDateTime, nullable=False),
    Column("claimed_until", UTCDateTime),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("done_at", UTCDateTime),
    Column("last_error", Text, nullable=False, server_default=""),
    Index("ix_inbox_pending", "done_at", "not_before"),
)

# One counter per kind of data, raised in the same transaction as every change to it
# (storage/revisions.py), so a cached answer knows whether it is still current. Each kind
# is split over REVISION_SLOTS rows (a writer raises one, readers add them up), so writers
# at the same moment do not all wait for one row's lock (PostgreSQL).
REVISION_SLOTS = 16
revisions = Table(
    "revisions",
    metadata,
    Column("name", String(20), primary_key=True),
    Column("slot", Integer, primary_key=True),
    Column("value", Integer, nullable=False),
)

# One row that /healthz rewrites: proof that the database takes writes, not only reads
# (storage/health.py).
health = Table(
    "health",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("checked_at", UTCDateTime),
)

# E-mail addresses whose mail bounced (handlers/mail/replies.py): failing until mail from the
# address arrives again.
mail_failures = Table(
    "mail_failures",
    metadata,
    Column("address", String(254), primary_key=True),
    Column("failed_at", UTCDateTime, nullable=False),
    Column("reason", Text, nullable=False),
    Column("bounces", Integer, nullable=False, server_default="1"),
)
