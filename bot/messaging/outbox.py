"""The outbox: every message, invitation, reminder and e-mail is a row with a unique key.

Enqueueing is idempotent (the key decides); dispatching claims due rows with a lease, so two
workers never send the same row at once, and a crashed worker's rows are retried after the
lease. Failures back off exponentially (or as long as Slack's Retry-After says); after
MAX_ATTEMPTS the row is marked failed and the secretary is told.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import socket
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot import texts
from bot.domain import Delivery
from bot.ports import UnitOfWork

log = logging.getLogger(__name__)

SLACK = "slack"
EMAIL = "email"
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)
PENDING, SENT, FAILED = "pending", "sent", "failed"


class TemporaryFailure(Exception):
    """Try again later (network, 5xx, 429); retry_after in seconds when the server said so."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class PermanentFailure(Exception):
    """Sending can never work (unknown channel, invalid address): give up at once."""


class Sender(Protocol):
    """Delivers one outbox row over one channel; returns a result (e.g. a Slack ts).

    When `delivery.tried_before()`, an earlier claim may have sent it before dying (SIGKILL
    between the send and the recorded outcome): a sender that can look (Slack message
    metadata carries the key) returns the earlier result instead of sending again.
    """

    def send(self, delivery: Delivery) -> str: ...


def enqueue(
    uow: UnitOfWork,
    *,
    key: str,
    channel: str,
    kind: str,
    recipient: str,
    payload: Mapping[str, Any],
    now: datetime,
    not_before: datetime | None = None,
) -> bool:
    """Add a delivery inside the caller's transaction; False when the key was already there."""
    return uow.outbox.enqueue(
        Delivery(
            key=key[:300],
            channel=channel,
            kind=kind,
            recipient=recipient,
            payload=json.dumps(payload, ensure_ascii=False, sort_keys=True),
            created_at=now,
            not_before=not_before or now,
        )
    )


@dataclass(frozen=True)
class Queued:
    """One delivery for `enqueue_many` (the arguments of `enqueue`, minus uow and now)."""

    key: str
    channel: str
    kind: str
    recipient: str
    payload: Mapping[str, Any]


def enqueue_many(uow: UnitOfWork, messages: Sequence[Queued], *, now: datetime) -> set[str]:
    """Like `enqueue` for many at once (one statement per 500, no savepoint each); the keys
    that were new. For fan-outs such as reminders to a whole committee."""
    return uow.outbox.enqueue_many(
        [
            Delivery(
                key=m.key[:300],
                channel=m.channel,
                kind=m.kind,
                recipient=m.recipient,
                payload=json.dumps(m.payload, ensure_ascii=False, sort_keys=True),
                created_at=now,
                not_before=now,
            )
            for m in messages
        ]
    )


def payload_of(delivery: Delivery) -> dict[str, Any]:
    """The decoded payload of a delivery."""
    value = json.loads(delivery.payload)
    assert isinstance(value, dict)
    return value


def message_token(delivery: Delivery) -> str:
    """The unique part of a delivery's e-mail Message-ID: its random nonce, stored with the
    row, so two installations (or a rebuilt database) never share an id and every retry of
    the row repeats it. Rows from before nonces existed went out under a hash of the key."""
    if delivery.nonce:
        return delivery.nonce
    return hashlib.sha256(delivery.key.encode("utf-8")).hexdigest()[:32]


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at one hour."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


@dataclass
class DispatchReport:
    """What one dispatch round did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    keys: list[str] = field(default_factory=list)


FailureHook = Callable[[UnitOfWork, Delivery, datetime], None]


def worker_id() -> str:
    """A name for this process in logs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def dispatch_due(
    uow_factory: Callable[[], UnitOfWork],
    senders: Mapping[str, Sender],
    *,
    now: datetime,
    limit: int = 100,
    on_failure: FailureHook | None = None,
    should_stop: Callable[[], bool] | None = None,
    pause: Callable[[], None] | None = None,
) -> DispatchReport:
    """Claim due rows, send each once, and record the outcome in its own transaction.

    When `should_stop()` turns true (SIGTERM: a deploy), the rows not yet tried are released
    at once instead of waiting out the lease, and the round ends after the send in flight.
    `pause()` runs before each send (a web process lets its requests go first).
    """
    report = DispatchReport()
    with uow_factory() as uow:
        # Only rows this process can send: a web worker without SMTP leaves e-mail to the clock.
        claimed = list(uow.outbox.claim_due(now, now + LEASE, limit, channels=tuple(senders)))
        uow.commit()
    for index, delivery in enumerate(claimed):
        if pause is not None:
            pause()
        if should_stop is not None and should_stop():
            release(uow_factory, claimed[index:])
            break
        try:
            _dispatch_one(uow_factory, senders[delivery.channel], delivery, now, on_failure, report)
        except Exception:  # recording the outcome failed: the lease runs out, then a retry
            log.exception("delivery %s: outcome not recorded", delivery.key)
    return report


def _dispatch_one(
    uow_factory: Callable[[], UnitOfWork],
    sender: Sender,
    delivery: Delivery,
    now: datetime,
    on_failure: FailureHook | None,
    report: DispatchReport,
) -> None:
    """Send one row and record what happened. Any exception while rendering or sending it
    (a header that cannot be written, a bug) is this row's failed attempt, with backoff and
    the secretary told after the last, like a network error: one bad row never stops the
    rest of the batch or keeps it leased."""
    try:
        result = sender.send(delivery)
    except TemporaryFailure as exc:
        _record_failure(uow_factory, delivery, now, exc.reason, exc.retry_after, on_failure)
        report.retried += 1
    except PermanentFailure as exc:
        _record_failure(uow_factory, delivery, now, str(exc), None, on_failure, final=True)
        report.failed += 1
    except Exception as exc:
        log.exception("delivery %s could not be rendered or sent", delivery.key)
        reason = f"{type(exc).__name__}: {exc}"
        _record_failure(uow_factory, delivery, now, reason, None, on_failure)
        report.retried += 1
    else:
        _record_sent(uow_factory, delivery, now, result)
        report.sent += 1
        report.keys.append(delivery.key)


def release(uow_factory: Callable[[], UnitOfWork], deliveries: list[Delivery]) -> None:
    """Give claimed rows back (claimed_until cleared) so another process sends them now."""
    with uow_factory() as uow:
        for delivery in deliveries:
            row = uow.outbox.get(delivery.key)
            if row is not None and row.status == PENDING:
                row.claimed_until = None
                row.claims = max(row.claims - 1, 0)  # never tried: no reconciling needed
        uow.commit()
    log.info("released %d claimed deliveries", len(deliveries))


def _record_sent(
    uow_factory: Callable[[], UnitOfWork], delivery: Delivery, now: datetime, result: str
) -> None:
    with uow_factory() as uow:
        uow.outbox.mark_sent(delivery.key, now, result)
        uow.commit()


def _record_failure(
    uow_factory: Callable[[], UnitOfWork],
    delivery: Delivery,
    now: datetime,
    reason: str,
    retry_after: float | None,
    on_failure: FailureHook | None,
    *,
    final: bool = False,
) -> None:
    with uow_factory() as uow:
        row = uow.outbox.get(delivery.key)
        assert row is not None
        row.attempts += 1
        row.last_error = reason[:2000]
        row.claimed_until = None
        if final or row.attempts >= MAX_ATTEMPTS:
            row.status = FAILED
            log.error("delivery %s failed for good: %s", row.key, reason)
            if on_failure is not None:
                try:
                    on_failure(uow, row, now)
                except Exception:  # a row too broken to report still ends as failed
                    log.exception("delivery %s: telling the secretary failed", row.key)
        else:
            wait = timedelta(seconds=retry_after) if retry_after else backoff(row.attempts)
            row.not_before = now + wait
            log.warning("delivery %s failed (attempt %d): %s", row.key, row.attempts, reason)
        uow.commit()


def failure_notice(delivery: Delivery) -> str:
    """The Danish line the secretary gets about a delivery that failed for good."""
    return texts.DELIVERY_FAILED.format(
        kind=delivery.kind, recipient=delivery.recipient, error=delivery.last_error[:300]
    )
