"""The web process's background thread: works on stored Slack events, dispatches the
outbox and links Slack users.

It wakes when a request enqueued something (notify()), and every few seconds anyway, so rows
from other processes and retries go out too. Several gunicorn workers may each run one: the
outbox's leases keep them from sending a row twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from queue import Empty, SimpleQueue

from bot.messaging.inbox import InboxHandler
from bot.messaging.outbox import Sender
from handlers.bootstrap import Container
from handlers.delivery import make_senders, run_dispatch
from handlers.slack.deps import Background
from handlers.slack.identity import Linker
from handlers.slack.traffic import Traffic

log = logging.getLogger(__name__)


__all__ = ["OutboxWorker", "make_senders"]


class OutboxWorker:
    """One daemon thread; start() after fork (gunicorn), stop() on shutdown."""

    def __init__(
        self,
        container: Container,
        senders: Mapping[str, Sender],
        linker: Linker | None = None,
        *,
        interval: float = 5.0,
        link_every: float | None = 600.0,
        inbox: Callable[[Background], Mapping[str, InboxHandler]] | None = None,
    ) -> None:
        """inbox: builds the stored-event handlers, given this worker for their background
        work (linking users, waking the dispatch)."""
        self.container = container
        self.senders = senders
        self.linker = linker
        self.interval = interval
        self.link_every = link_every
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._link_requests: SimpleQueue[str] = SimpleQueue()
        self._thread: threading.Thread | None = None
        self.inbox_handlers = dict(inbox(self)) if inbox is not None else {}
        self.traffic = Traffic()  # the web app counts its requests here; the work waits

    def notify(self) -> None:
        """Wake the thread now."""
        self._wake.set()

    def link_user(self, user_id: str) -> None:
        """Queue a Slack user for linking by e-mail and wake the thread."""
        if user_id:
            self._link_requests.put(user_id)
            self._wake.set()

    def link_now(self, user_id: str) -> bool:
        """Link a Slack user by e-mail at once (for the stored events this thread works on:
        a member's first reply after a roster import is understood, not refused)."""
        return bool(user_id) and self.linker is not None and self.linker.link_user(user_id)

    def start(self) -> None:
        """Start the thread (idempotent)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="klu-outbox", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def run_once(self) -> int:
        """Link queued users, then run dispatch rounds (calendar sync, outbox) until idle."""
        self._link_queued()
        sent = 0
        while not self._stop.is_set():
            report = run_dispatch(
                self.container,
                dict(self.senders),
                self._stop.is_set,
                self.inbox_handlers,
                pause=self.traffic.wait_quiet,
            )
            sent += report.sent
            if report.sent + report.retried + report.failed == 0:
                break
        return sent

    def _link_queued(self) -> None:
        while self.linker is not None:
            try:
                user_id = self._link_requests.get_nowait()
            except Empty:
                return
            self.linker.link_user(user_id)

    def _run(self) -> None:
        next_link = time.monotonic()
        while not self._stop.is_set():
            try:
                if self.linker and self.link_every is not None and time.monotonic() >= next_link:
                    next_link = time.monotonic() + self.link_every
                    self.linker.link_all()
                self.run_once()
            except Exception:
                log.exception("outbox worker round failed")
            self._wake.wait(self.interval)
            self._wake.clear()
