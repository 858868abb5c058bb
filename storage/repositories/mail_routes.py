"""mail_failures: addresses whose e-mail bounced (bot.ports.MailRouteRepository)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage import tables

_c = tables.mail_failures.c


class MailRouteRepo:
    def __init__(self, session: Session) -> None:
        self.session = session

    def mark_failing(self, address: str, at: datetime, reason: str) -> None:
        """Record (or count once more) a bounce for the address, lower case."""
        address = address.strip().lower()
        result = self.session.execute(
            update(tables.mail_failures)
            .where(_c.address == address)
            .values(failed_at=at, reason=reason[:1000], bounces=_c.bounces + 1)
        )
        if result.rowcount == 0:  # type: ignore[attr-defined]
            self.session.execute(
                tables.mail_failures.insert().values(
                    address=address, failed_at=at, reason=reason[:1000], bounces=1
                )
            )

    def clear(self, address: str) -> None:
        self.session.execute(
            delete(tables.mail_failures).where(_c.address == address.strip().lower())
        )

    def failing(self, address: str) -> str | None:
        stmt = select(_c.reason).where(_c.address == address.strip().lower())
        reason = self.session.execute(stmt).scalar()
        return None if reason is None else str(reason)
