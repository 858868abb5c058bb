"""The inbox table (bot/inbox.py): Slack events stored before the answer, leased to a worker."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Insert, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from bot.domain import InboxItem
from storage import tables
from storage.db import insert_or_skip

_c = tables.inbox.c


def _add_statement(dialect: str) -> Insert:
    return (
        insert_or_skip(tables.inbox, dialect, "key")
        .values(
            key=bindparam("key"),
            kind=bindparam("kind"),
            payload=bindparam("payload"),
            received_at=bindparam("now"),
            not_before=bindparam("now"),
            attempts=0,
            last_error="",
        )
        .returning(_c.id)
    )


# The request path runs this one statement; build it once per dialect.
_ADD = {name: _add_statement(name) for name in ("sqlite", "postgresql")}


class InboxRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, key: str, kind: str, payload: str, now: datetime) -> bool:
        """INSERT .. ON CONFLICT (key) DO NOTHING: a retried event adds nothing."""
        stmt = _ADD[self.session.get_bind().dialect.name]
        params = {"key": key[:300], "kind": kind, "payload": payload, "now": now}
        return self.session.execute(stmt, params).first() is not None

    def claim_due(
        self,
        now: datetime,
        lease_until: datetime,
        limit: int,
        kinds: Sequence[str] | None = None,
    ) -> Sequence[InboxItem]:
        """Oldest first, by one conditional UPDATE: an item another worker took is left out,
        and so is a kind this worker has no handler for (it is another process's to do)."""
        free = or_(_c.claimed_until.is_(None), _c.claimed_until < now)
        due = select(_c.id).where(_c.done_at.is_(None), _c.not_before <= now, free)
        if kinds is not None:
            due = due.where(_c.kind.in_(list(kinds)))
        ids = list(self.session.execute(due.order_by(_c.id).limit(limit)).scalars())
        if not ids:
            return []
        claimed = self.session.execute(
            update(tables.inbox)
            .where(_c.id.in_(ids), _c.done_at.is_(None), free)
            .values(claimed_until=lease_until)
            .returning(_c.id)
        ).scalars()
        rows = self.session.execute(
            select(_c.id, _c.key, _c.kind, _c.payload, _c.attempts)
            .where(_c.id.in_(list(claimed)))
            .order_by(_c.id)
        )
        return [InboxItem(*row) for row in rows]

    def mark_done(self, item_id: int, now: datetime) -> None:
        """Done: the key stays (Slack's late retries), the message text goes (it may say why
        someone sends regrets: it is kept no longer than needed)."""
        done = {"done_at": now, "claimed_until": None, "payload": ""}
        self.session.execute(update(tables.inbox).where(_c.id == item_id).values(**done))

    def mark_failed(
        self, item_id: int, error: str, now: datetime, retry_at: datetime | None
    ) -> None:
        values: dict[str, object] = {
            "attempts": _c.attempts + 1,
            "last_error": error[:2000],
            "claimed_until": None,
        }
        if retry_at is None:
            values["done_at"] = now  # given up: the error stays for the operator
        else:
            values["not_before"] = retry_at
        self.session.execute(update(tables.inbox).where(_c.id == item_id).values(**values))

    def release(self, item_ids: Sequence[int]) -> None:
        if item_ids:
            self.session.execute(
                update(tables.inbox).where(_c.id.in_(list(item_ids))).values(claimed_until=None)
            )

    def pending_count(self) -> int:
        stmt = select(func.count()).where(_c.done_at.is_(None))
        return int(self.session.execute(stmt).scalar_one())
