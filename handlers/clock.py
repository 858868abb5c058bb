"""The clock process (`klu-bot clock`): every minute plan due reminders, then deliver.

All state is in the database, so a restarted clock resumes where it stopped and two clocks
at once never send anything twice (outbox keys and leases decide, not timing). Between
planning rounds the loop dispatches every few seconds, so a Slack 429 is retried as soon as
its Retry-After has passed and other failures after their backoff. The mailbox (IMAP_URL) is
read on every tick, and at once when a server that offers IDLE announces new mail
(handlers.mail.watcher), so an e-mail reply is handled within seconds.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from types import FrameType

from bot.messaging.outbox import DispatchReport, Sender
from bot.people.retention import PruneReport, prune
from bot.reminders.actions import plan_action_reminders
from bot.reminders.call_notice import plan_call_notices
from bot.reminders.planning import PlanReport, plan_reminders
from handlers.bootstrap import Container
from handlers.delivery import make_senders, run_dispatch
from handlers.documents.source import document_source
from handlers.mail.reader import mailbox_settings, read_mailbox
from handlers.mail.watcher import MailboxWatcher

log = logging.getLogger(__name__)
PLAN_EVERY = 60.0
DISPATCH_EVERY = 5.0
STOP_CHECK = 0.25  # seconds: how soon a wait that also watches for mail notices `stop`
_pruned_on: dict[int, date] = {}  # per container: the (UTC) day its last pruning ran


@dataclass(frozen=True)
class TickReport:
    """One tick: what was planned and what was delivered."""

    plan: PlanReport
    dispatch: DispatchReport
    pending: int
    pruned: PruneReport | None = None


def tick(
    container: Container,
    senders: Mapping[str, Sender] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> TickReport:
    """Plan what is due as of the container's clock, then deliver what the outbox holds."""
    now = container.clock()
    plan = plan_reminders(container.uow, now)
    plan.enqueued += plan_call_notices(container.uow, now)  # drafts: tell the secretary
    plan_action_reminders(container.uow(), now)  # tovholdere, before their deadlines
    read_mailbox(container)  # replies and calendar answers, handled by run_dispatch below
    chosen = dict(senders) if senders is not None else None
    dispatch = run_dispatch(container, chosen, should_stop)
    with container.uow() as uow:
        pending = uow.outbox.pending_count()
    pruned = prune_daily(container)
    log.info(
        "clock %s: planned %d, sent %d, retrying %d, failed %d",
        now.isoformat(timespec="minutes"),
        len(plan.enqueued),
        dispatch.sent,
        dispatch.retried,
        dispatch.failed,
    )
    return TickReport(plan, dispatch, pending, pruned)


def prune_daily(container: Container) -> PruneReport | None:
    """The retention pass (bot/usecases/retention.py), once a day per clock process; pruning
    is idempotent, so two clocks doing it on the same day is harmless."""
    now = container.clock()
    if _pruned_on.get(id(container)) == now.date():
        return None
    report = prune(
        container.uow(),
        now,
        reason_days=container.settings.regret_reason_days,
        retention_days=container.settings.retention_days,
    )
    _pruned_on[id(container)] = now.date()
    if report.reasons or report.inbox or report.events or report.deliveries_redacted:
        container.compact()  # what was pruned leaves the files on disk too
    log.info(
        "retention: %d reasons erased, %d inbox rows, %d event ids, %d deliveries pruned",
        report.reasons,
        report.inbox,
        report.events,
        report.deliveries_deleted + report.deliveries_redacted,
    )
    return report


def run(
    container: Container,
    stop: threading.Event,
    senders: Mapping[str, Sender] | None = None,
    *,
    plan_every: float = PLAN_EVERY,
    dispatch_every: float = DISPATCH_EVERY,
    watcher: MailboxWatcher | None = None,
) -> None:
    """Tick on every minute boundary, dispatch in between, until `stop` is set. With IMAP_URL
    a MailboxWatcher (`watcher`, else one for IMAP_URL) runs alongside; when it announces new
    mail the wait ends and the round reads the mailbox before it dispatches."""
    chosen = (
        dict(senders)
        if senders is not None
        else make_senders(container.settings, document_source(container))
    )
    mail = watcher if watcher is not None else _watcher(container)
    if mail is not None:
        mail.start(stop)
    next_plan = 0.0
    while not stop.is_set():
        try:
            arrived = mail is not None and mail.take()
            if time.time() >= next_plan:
                next_plan = (time.time() // plan_every + 1) * plan_every
                tick(container, chosen, stop.is_set)  # reads the mailbox too
            else:
                if arrived:
                    read_mailbox(container)
                run_dispatch(container, chosen, stop.is_set)
        except Exception:
            log.exception("clock round failed; trying again")
        _wait(stop, mail, max(0.0, min(dispatch_every, next_plan - time.time())))


def _watcher(container: Container) -> MailboxWatcher | None:
    """The IDLE watcher for IMAP_URL, or None when there is no mailbox to watch."""
    try:
        settings = mailbox_settings(container)
    except ValueError as exc:
        log.warning("mailbox: not watched: %s", exc)
        return None
    return MailboxWatcher(settings) if settings is not None else None


def _wait(stop: threading.Event, mail: MailboxWatcher | None, seconds: float) -> None:
    """Sleep `seconds`, less when `stop` is set or (with a watcher) new mail is announced."""
    if mail is None:
        stop.wait(seconds)
        return
    ends = time.monotonic() + seconds
    while not stop.is_set():
        left = ends - time.monotonic()
        if left <= 0 or mail.arrived.wait(min(left, STOP_CHECK)):
            return


def run_until_signalled(container: Container, *, dispatch_every: float = DISPATCH_EVERY) -> None:
    """The `klu-bot clock` loop: stops cleanly on SIGTERM (a deploy) or Ctrl-C."""
    stop = threading.Event()

    def _stop(signum: int, frame: FrameType | None) -> None:
        log.info("clock stopping (signal %d)", signum)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("clock started")
    run(container, stop, dispatch_every=dispatch_every)
