"""Requests in flight in this web process, so background work can let them go first.

The web process's worker (handlers/slack/worker.py) works on stored events and sends the
outbox in the same process as the request threads, and Python runs one thread at a time.
Before each event or send it waits until no request is in flight, for at most a moment
(QUIET_WAIT): under a burst the answers come first and the work follows right after, and
under load that never stops the work still goes on, one item per moment at least.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

QUIET_WAIT = 0.05  # seconds a background item waits at most for a quiet moment


class Traffic:
    """A count of requests in flight, and a wait for it to reach zero."""

    def __init__(self) -> None:
        self._quiet = threading.Condition()
        self._in_flight = 0

    @contextmanager
    def request(self) -> Iterator[None]:
        """Count one request for the duration of the block."""
        with self._quiet:
            self._in_flight += 1
        try:
            yield
        finally:
            with self._quiet:
                self._in_flight -= 1
                if self._in_flight == 0:
                    self._quiet.notify_all()

    def wait_quiet(self, at_most: float = QUIET_WAIT) -> None:
        """Return when no request is in flight, or after `at_most` seconds."""
        with self._quiet:
            self._quiet.wait_for(lambda: self._in_flight == 0, timeout=at_most)
