"""Maps the core's dataclasses onto the tables (imperative mapping, as in cosmicpython)."""

from __future__ import annotations

from sqlalchemy.orm import registry, relationship

from bot import domain
from storage import tables

mapper_registry = registry(metadata=tables.metadata)
_started = False


def start_mappers() -> None:
    """Map the domain classes once per process; later calls do nothing."""
    global _started
    if _started:
        return
    _started = True
    m = mapper_registry.map_imperatively
    m(domain.Committee, tables.committees)
    m(domain.Person, tables.people)
    m(domain.Membership, tables.memberships)
    m(domain.ItemGuest, tables.item_guests)
    m(domain.Attachment, tables.attachments)
    m(
        domain.AgendaItem,
        tables.agenda_items,
        properties={
            "guests": relationship(
                domain.ItemGuest, cascade="all, delete-orphan", order_by=tables.item_guests.c.id
            ),
            "attachments": relationship(
                domain.Attachment, cascade="all, delete-orphan", order_by=tables.attachments.c.id
            ),
        },
    )
    m(
        domain.Meeting,
        tables.meetings,
        properties={
            "items": relationship(
                domain.AgendaItem,
                cascade="all, delete-orphan",
                order_by=(tables.agenda_items.c.section, tables.agenda_items.c.position),
            ),
        },
    )
    m(domain.TopicEvent, tables.topic_events)
    m(
        domain.Topic,
        tables.topics,
        properties={
            "events": relationship(
                domain.TopicEvent, cascade="all, delete-orphan", order_by=tables.topic_events.c.id
            ),
        },
    )
    m(domain.Attendance, tables.attendance)
    m(domain.ActionItem, tables.action_items)
    m(domain.MinutesChange, tables.minutes_changes)
    m(domain.CalendarCopy, tables.calendar_copies)
    m(domain.Delivery, tables.deliveries)
