"""The inbox: events from Slack are stored first and worked on after the answer.

Slack wants its answer within 3 seconds and retries when it is late; the work an event
causes (a regret recorded, the confirmation and the secretary's list queued) takes longer
than storing it. So the request only stores the event under its unique key (Slack's event
id: a retry adds nothing) and answers; a worker claims stored events with a lease, oldest
first, and hands each to the handler for its kind. A worker that dies mid-way leaves its
claims to expire and another takes them. Handlers must be idempotent (the event id is
recorded with what it changed, bot.attendance.answers), because an event whose outcome was
not yet marked done is handed over again.

E-mails come the same way: the mailbox reader (handlers/mail/imap.py) stores each message
under its Message-ID before flagging it. A worker claims only the kinds it has handlers for,
so a process without Slack leaves Slack events to one that has it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.domain import InboxItem
from bot.messaging.outbox import backoff
from bot.ports import UnitOfWork

log = logging.getLogger(__name__)

INBOX_LEASE = timedelta(minutes=2)
INBOX_MAX_ATTEMPTS = 5
InboxHandler = Callable[[Mapping[str, Any]], None]


def receive(
    uow: UnitOfWork, *, key: str, kind: str, payload: Mapping[str, Any], now: datetime
) -> bool:
    """Store an event in its own transaction; False when its key was there already."""
    with uow:
        added = uow.inbox.add(key, kind, json.dumps(payload, ensure_ascii=False), now)
        uow.commit()
    return added


@dataclass
class InboxReport:
    """What one round did."""

    done: int = 0
    retried: int = 0
    failed: int = 0


def process_due(
    uow_factory: Callable[[], UnitOfWork],
    handlers: Mapping[str, InboxHandler],
    *,
    now: datetime,
    limit: int = 100,
    should_stop: Callable[[], bool] | None = None,
    pause: Callable[[], None] | None = None,
) -> InboxReport:
    """Claim due events and run each one's handler; the outcome is recorded per event.
    `pause()` runs before each event (a web process lets its requests go first)."""
    report = InboxReport()
    with uow_factory() as uow:
        claimed = list(uow.inbox.claim_due(now, now + INBOX_LEASE, limit, kinds=tuple(handlers)))
        uow.commit()
    for index, item in enumerate(claimed):
        if pause is not None:
            pause()
        if should_stop is not None and should_stop():
            _release(uow_factory, claimed[index:])
            break
        _run(uow_factory, handlers, item, now, report)
    return report


def _run(
    uow_factory: Callable[[], UnitOfWork],
    handlers: Mapping[str, InboxHandler],
    item: InboxItem,
    now: datetime,
    report: InboxReport,
) -> None:
    handler = handlers.get(item.kind)
    try:
        if handler is None:
            raise LookupError(f"no handler for inbox kind {item.kind!r}")
        handler(json.loads(item.payload))
    except Exception as exc:  # one bad event must not stop the others
        final = item.attempts + 1 >= INBOX_MAX_ATTEMPTS or handler is None
        log.exception("inbox %s (%s) failed (attempt %d)", item.key, item.kind, item.attempts + 1)
        retry_at = None if final else now + backoff(item.attempts + 1)
        with uow_factory() as uow:
            uow.inbox.mark_failed(item.id, f"{type(exc).__name__}: {exc}", now, retry_at)
            uow.commit()
        if final:
            report.failed += 1
        else:
            report.retried += 1
        return
    with uow_factory() as uow:
        uow.inbox.mark_done(item.id, now)
        uow.commit()
    report.done += 1


def _release(uow_factory: Callable[[], UnitOfWork], items: list[InboxItem]) -> None:
    with uow_factory() as uow:
        uow.inbox.release([item.id for item in items])
        uow.commit()
