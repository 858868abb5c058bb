"""Waiting for new mail with IMAP IDLE (RFC 2177), so the clock reads a reply at once.

A MailboxWatcher holds one connection to the mailbox (IMAP_URL, logged in like the reader:
handlers.mail.imap.connect and login, so OAuth too), EXAMINEs the folder and sits in IDLE;
when the server says the folder has new mail (an untagged EXISTS or RECENT) it sets
`arrived`. It reads nothing itself: the clock wakes up and reads through the reader's poll,
which keeps every message exactly once. IDLE is ended and issued again every 25 minutes
(servers may drop an IDLE after 30), a lost connection is tried again with a growing pause,
and a server without IDLE ends the watcher: the clock then reads on its ticks, as without it.
Nothing here raises into the clock; failures are logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

from imapclient import IMAPClient

from handlers.mail.imap import ImapSettings, connect, login

log = logging.getLogger(__name__)

RENEW_EVERY = 25 * 60.0  # seconds in one IDLE before it is issued again (RFC 2177: < 29 min)
CHECK_EVERY = 1.0  # seconds per idle_check, so a stop is noticed that soon
BACKOFF = (1.0, 5.0, 15.0, 60.0, 300.0)  # pauses before reconnecting after failures
_NEW_MAIL = (b"EXISTS", b"RECENT")


class MailboxWatcher:
    """One IDLE connection (see the module text): `run` until `stop`, or `start` a thread."""

    def __init__(
        self,
        settings: ImapSettings,
        *,
        renew_every: float = RENEW_EVERY,
        check_every: float = CHECK_EVERY,
        backoff: Sequence[float] = BACKOFF,
    ) -> None:
        self.settings = settings
        self.renew_every = renew_every
        self.check_every = check_every
        self.backoff = tuple(backoff) or (1.0,)
        self.arrived = threading.Event()  # new mail: set here, cleared by whoever reads it
        self.idling = threading.Event()  # set while the server has us in IDLE
        self.supported: bool | None = None  # None until the server's capabilities are known
        self._healthy = False  # reached IDLE since the last failure

    def start(self, stop: threading.Event) -> threading.Thread:
        """Run in a daemon thread (a stuck socket never keeps the process alive)."""
        thread = threading.Thread(target=self.run, args=(stop,), name="mail-idle", daemon=True)
        thread.start()
        return thread

    def run(self, stop: threading.Event) -> None:
        """Watch until `stop` is set, or return at once when the server offers no IDLE."""
        failures = 0
        while not stop.is_set():
            try:
                if not self._session(stop, catch_up=failures > 0):
                    return
                failures = 0
            except Exception as exc:  # down, refused, dropped: the clock polls meanwhile
                if stop.is_set():  # shutting down: a connection cut now is no failure
                    return
                if self._healthy:  # it worked for a while: start the pauses over
                    failures, self._healthy = 0, False
                pause = self.backoff[min(failures, len(self.backoff) - 1)]
                failures += 1
                log.warning(
                    "mailbox: IDLE failed (%s: %s); trying again in %.0f s",
                    type(exc).__name__,
                    exc,
                    pause,
                )
                stop.wait(pause)

    def take(self) -> bool:
        """Whether new mail came since the last call (and forget it)."""
        if not self.arrived.is_set():
            return False
        self.arrived.clear()
        return True

    def _session(self, stop: threading.Event, *, catch_up: bool) -> bool:
        """One connection: IDLE after IDLE until stop or an error; False without IDLE."""
        client = connect(self.settings)
        try:
            login(client, self.settings)
            if b"IDLE" not in client.capabilities():
                self.supported = False
                log.info("mailbox: the server offers no IDLE; it is read on every tick")
                return False
            self.supported = True
            client.select_folder(self.settings.folder, readonly=True)
            if catch_up:
                self.arrived.set()  # mail that came while we were away is read now
            while not stop.is_set():
                self._idle(client, stop)
            return True
        finally:
            self.idling.clear()
            _close(client)

    def _idle(self, client: IMAPClient, stop: threading.Event) -> None:
        """One IDLE: until renew_every has passed, stop is set, or the connection looks
        closed (idle_check returns nothing before its timeout; DONE then tells for sure)."""
        client.idle()
        self.idling.set()
        self._healthy = True
        ends = time.monotonic() + self.renew_every
        try:
            while not stop.is_set() and time.monotonic() < ends:
                started = time.monotonic()
                responses = client.idle_check(timeout=self.check_every)
                self._note(responses)
                if not responses and time.monotonic() - started < self.check_every / 2:
                    break  # woken without a line: most likely the server hung up
        finally:
            self.idling.clear()
        _text, responses = client.idle_done()
        self._note(responses)

    def _note(self, responses: Sequence[object]) -> None:
        if any(_is_new_mail(r) for r in responses):
            log.debug("mailbox: new mail announced")
            self.arrived.set()


def _is_new_mail(response: object) -> bool:
    """(3, b'EXISTS') or (1, b'RECENT'), as imapclient parses the untagged lines."""
    return (
        isinstance(response, tuple)
        and len(response) >= 2
        and isinstance(response[0], int)
        and response[1] in _NEW_MAIL
    )


def _close(client: IMAPClient) -> None:
    try:
        client.logout()
    except Exception:  # the connection is already gone
        log.debug("mailbox: IDLE logout failed", exc_info=True)
        try:
            client.shutdown()
        except Exception:
            log.debug("mailbox: IDLE shutdown failed", exc_info=True)
