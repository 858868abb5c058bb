"""How long the bot keeps what it no longer needs (GDPR storage limitation).

Regret reasons can be health data ("er syg med influenza"): they are needed until the minutes
are approved and a while after (corrections), then erased, with every copy of them in the
outbox and the inbox; the regret itself stays in the minutes. Done inbox rows, processed
Slack event ids and finished deliveries are pruned after the general retention period; a
finished delivery's row (its key, which keeps a reminder from going out twice) stays until
no reminder for its meeting can be planned again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import texts
from bot.domain import MAX_REMINDER_DAYS
from bot.ports import UnitOfWork

DEFAULT_REASON_DAYS = 30
DEFAULT_RETENTION_DAYS = 90
# A reminder is planned at most MAX_REMINDER_DAYS before its meeting (and the minutes
# reminder as long after), so its key must outlive both windows.
KEY_DAYS = 2 * MAX_REMINDER_DAYS + 7


@dataclass(frozen=True)
class PruneReport:
    """What one pruning pass removed."""

    reasons: int
    inbox: int
    events: int
    deliveries_redacted: int
    deliveries_deleted: int


def prune(
    uow: UnitOfWork,
    now: datetime,
    *,
    reason_days: int = DEFAULT_REASON_DAYS,
    retention_days: int = DEFAULT_RETENTION_DAYS,
) -> PruneReport:
    """Erase expired regret reasons (and their copies), then old inbox, event and outbox rows."""
    with uow:
        reasons = uow.privacy.clear_reasons(now - timedelta(days=reason_days))
        wanted = {r.strip(): texts.PRIVACY_SCRUBBED for r in reasons if len(r.strip()) >= 3}
        uow.privacy.scrub({}, in_messages=wanted)  # the notices that quoted them
        kept = now - timedelta(days=retention_days)
        counts = uow.privacy.prune(
            done_before=kept,
            redact_before=kept,
            delete_before=now - timedelta(days=max(retention_days, KEY_DAYS)),
        )
        uow.commit()
    return PruneReport(
        reasons=len(reasons),
        inbox=counts["inbox"],
        events=counts["events"],
        deliveries_redacted=counts["deliveries_redacted"],
        deliveries_deleted=counts["deliveries_deleted"],
    )
