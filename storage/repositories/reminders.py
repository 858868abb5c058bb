"""Reminder settings and the reminder rows of the outbox (which DM belongs to which meeting)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from bot.domain import Delivery, Kind, MeetingTimes, ReminderSetting
from storage import tables

CANCELLED = "cancelled"
_KINDS = frozenset(k.value for k in Kind)


class ReminderRepo:
    """Implements bot.ports.ReminderRepository."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def settings(self, committee_id: int) -> Sequence[ReminderSetting]:
        t = tables.reminder_settings.c
        rows = self.session.execute(
            select(tables.reminder_settings).where(t.committee_id == committee_id)
        ).all()
        return [
            ReminderSetting(r.committee_id, Kind(r.kind), r.days, r.at_time, r.enabled)
            for r in rows
            if r.kind in _KINDS
        ]

    def save(self, setting: ReminderSetting) -> None:
        """Insert or replace the committee's setting for that kind."""
        t = tables.reminder_settings
        values = {"days": setting.days, "at_time": setting.at, "enabled": setting.enabled}
        result = self.session.execute(
            update(t)
            .where(t.c.committee_id == setting.committee_id, t.c.kind == setting.kind.value)
            .values(values)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            self.session.execute(
                t.insert().values(
                    committee_id=setting.committee_id, kind=setting.kind.value, **values
                )
            )

    def delivery_for_message(self, channel: str, ts: str) -> Delivery | None:
        """The sent reminder or invitation DM whose Slack message is channel|ts."""
        c = tables.deliveries.c
        stmt = select(Delivery).where(
            c.result == f"{channel}|{ts}", or_(c.key.like("reminder:%"), c.key.like("cal:%"))
        )
        return self.session.scalars(stmt).first()

    def keys(self, prefix: str, *, pending_only: bool = False) -> Sequence[str]:
        """Outbox keys starting with prefix (no LIKE wildcards in prefix), maybe only pending."""
        c = tables.deliveries.c
        stmt = select(c.key).where(c.key.like(prefix + "%"))
        if pending_only:
            stmt = stmt.where(c.status == "pending")
        return list(self.session.execute(stmt).scalars())

    def meeting_times(self, committee_id: int, after: datetime) -> Sequence[MeetingTimes]:
        """Start, end and status of the committee's meetings ending after `after`."""
        c = tables.meetings.c
        stmt = (
            select(c.id, c.starts_at, c.ends_at, c.status)
            .where(c.committee_id == committee_id, c.ends_at > after)
            .order_by(c.starts_at)
        )
        return [MeetingTimes(*row) for row in self.session.execute(stmt).all()]

    def cancel(self, keys: Sequence[str]) -> int:
        """Mark pending rows cancelled so no dispatcher claims them; rows in flight stay."""
        if not keys:
            return 0
        c = tables.deliveries.c
        result = self.session.execute(
            update(tables.deliveries)
            .where(c.key.in_(list(keys)), c.status == "pending")
            .values(status=CANCELLED, claimed_until=None)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
