"""IMAP IDLE (issue 15 point 1): new mail ends the clock's wait, against a real Dovecot.

A MailboxWatcher (handlers/mail/watcher.py) holds one connection in IDLE and says when mail
came; the clock then reads the mailbox at once instead of on its next tick. A server without
IDLE is read on the ticks as before, and a server that goes away stops neither the watcher
nor the clock.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator

import imapclient
import pytest
from imapclient import IMAPClient

from bot.domain import AttendanceStatus
from bot.invitations.sync import send_invitations
from handlers.bootstrap import Container
from handlers.clock import run
from handlers.mail.imap import ImapSettings
from handlers.mail.oauth import imap_xoauth2_login
from handlers.mail.reader import mailbox_settings
from handlers.mail.watcher import MailboxWatcher
from tests.conftest import FakeClock
from tests.handlers.mail.test_oauth import MAILBOX, TOKEN, Tokens
from tests.handlers.mail.test_replies import (
    BOT,
    HENRIK,
    SOFIE,
    append,
    gmail_reply,
    sent_id,
    status,
)
from tests.imap_server import ImapServer
from tests.oauth_servers import DOVECOT, dovecot_xoauth2

LONG = 24 * 3600.0  # a clock interval no test waits out: whatever is read early came by IDLE
WAIT = 10.0  # generous: IDLE announces new mail within a second


def eventually(check: Callable[[], bool], timeout: float = WAIT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


def message(subject: str = "hej") -> bytes:
    head = f"From: a@b.dk\r\nSubject: {subject}\r\nMessage-ID: <{subject}@b.dk>\r\n"
    return f"{head}\r\nhej\r\n".encode()


@pytest.fixture
def mailbox(imap_server: ImapServer) -> tuple[str, str]:
    return imap_server.mailbox()


@pytest.fixture
def bot(
    sample: Container, clock: FakeClock, imap_server: ImapServer, mailbox: tuple[str, str]
) -> Container:
    """The sample committee, called by e-mail, reading the mailbox (as in test_mail_replies)."""
    sample.settings = dataclasses.replace(
        sample.settings, mail_from=BOT, imap_url=imap_server.url(*mailbox)
    )
    send_invitations(sample.uow(), 1, now=clock(), email_enabled=True)
    return sample


@pytest.fixture
def stop() -> Iterator[threading.Event]:
    event = threading.Event()
    yield event
    event.set()


def start_clock(container: Container, stop: threading.Event, **kwargs: object) -> threading.Thread:
    loop = threading.Thread(
        target=run, args=(container, stop, {}), kwargs=kwargs, name="test-clock", daemon=True
    )
    loop.start()
    return loop


def test_new_mail_is_announced_while_idling(
    imap_server: ImapServer, mailbox: tuple[str, str], stop: threading.Event
) -> None:
    watcher = MailboxWatcher(ImapSettings.from_url(imap_server.url(*mailbox)))
    thread = watcher.start(stop)
    assert watcher.idling.wait(WAIT)
    assert watcher.supported is True and not watcher.arrived.is_set()
    append(imap_server, mailbox, message())
    assert watcher.arrived.wait(WAIT)
    assert watcher.take() and not watcher.take()  # taken once
    append(imap_server, mailbox, message("igen"))  # and again, still in the same connection
    assert watcher.arrived.wait(WAIT)
    stop.set()
    thread.join(WAIT)
    assert not thread.is_alive()


def test_a_reply_is_handled_at_once_not_on_the_next_tick(
    bot: Container, imap_server: ImapServer, mailbox: tuple[str, str], stop: threading.Event
) -> None:
    append(imap_server, mailbox, gmail_reply(sent_id(bot, HENRIK), HENRIK, "Afbud, vagt"))
    settings = mailbox_settings(bot)
    assert settings is not None
    watcher = MailboxWatcher(settings)
    loop = start_clock(bot, stop, plan_every=LONG, dispatch_every=LONG, watcher=watcher)
    # the first tick reads Henrik's reply; after it the clock would sleep for a day
    assert eventually(lambda: (status(bot, HENRIK) or (None,))[0] == AttendanceStatus.REGRETS)
    assert watcher.idling.wait(WAIT)
    reply = gmail_reply(sent_id(bot, SOFIE), SOFIE, "Afbud, jeg er på kursus", "Sofie Brandt")
    append(imap_server, mailbox, reply)
    assert eventually(lambda: status(bot, SOFIE) is not None)
    assert status(bot, SOFIE) == (AttendanceStatus.REGRETS, "jeg er på kursus", "e-mail-svar")
    stop.set()
    loop.join(WAIT)
    assert not loop.is_alive()


def test_without_idle_the_mailbox_is_read_on_the_ticks(
    bot: Container,
    imap_server: ImapServer,
    mailbox: tuple[str, str],
    stop: threading.Event,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    offered = IMAPClient.capabilities

    def without_idle(self: IMAPClient) -> tuple[bytes, ...]:
        return tuple(c for c in offered(self) if c != b"IDLE")

    monkeypatch.setattr(IMAPClient, "capabilities", without_idle)  # a server without IDLE
    caplog.set_level(logging.INFO)

    alone = MailboxWatcher(ImapSettings.from_url(imap_server.url(*mailbox)))
    thread = alone.start(stop)
    thread.join(WAIT)
    assert not thread.is_alive() and alone.supported is False and not alone.idling.is_set()

    loop = start_clock(bot, stop, plan_every=0.3, dispatch_every=0.05)  # its own watcher
    append(imap_server, mailbox, gmail_reply(sent_id(bot, HENRIK), HENRIK, "Afbud, vagt"))
    assert eventually(lambda: status(bot, HENRIK) is not None)
    assert status(bot, HENRIK) == (AttendanceStatus.REGRETS, "vagt", "e-mail-svar")
    stop.set()
    loop.join(WAIT)
    assert not loop.is_alive()
    said = [r.getMessage() for r in caplog.records if r.name == "handlers.mail.watcher"]
    assert said.count("mailbox: the server offers no IDLE; it is read on every tick") == 2
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


class Relay:
    """A TCP relay to Dovecot that can be cut and put back: the server going away (and
    coming back), as the bot sees it."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.port = 0
        self.sockets: list[socket.socket] = []
        self.open()

    def open(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.port = int(self.listener.getsockname()[1])
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def url(self, user: str, password: str) -> str:
        return f"imap://{user}:{password}@127.0.0.1:{self.port}/INBOX"

    def cut(self) -> None:
        self.listener.close()
        for s in self.sockets:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                near, _ = listener.accept()
            except OSError:
                return
            far = socket.create_connection(("127.0.0.1", self.target))
            self.sockets += [near, far]
            for a, b in ((near, far), (far, near)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


def test_a_server_that_goes_away_stops_neither_the_watcher_nor_the_clock(
    bot: Container,
    imap_server: ImapServer,
    mailbox: tuple[str, str],
    stop: threading.Event,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    relay = Relay(imap_server.port)
    bot.settings = dataclasses.replace(bot.settings, imap_url=relay.url(*mailbox))
    settings = mailbox_settings(bot)
    assert settings is not None
    watcher = MailboxWatcher(settings, backoff=(0.2,))
    loop = start_clock(bot, stop, plan_every=0.2, dispatch_every=0.05, watcher=watcher)
    assert watcher.idling.wait(WAIT)

    def ticks() -> int:
        return sum(r.getMessage().startswith("clock ") for r in list(caplog.records))

    relay.cut()
    assert eventually(lambda: not watcher.idling.is_set())
    cut_at = ticks()
    assert eventually(lambda: ticks() >= cut_at + 3)  # the clock goes on
    warned = [r.getMessage() for r in list(caplog.records) if r.levelno >= logging.WARNING]
    assert any(m.startswith("mailbox: IDLE failed") for m in warned)
    assert any(m.startswith("mailbox: not read this time") for m in warned)
    assert not any(r.exc_info for r in list(caplog.records))  # logged, nothing raised

    relay.open()  # the server is back: the watcher connects again and catches up
    assert watcher.idling.wait(WAIT)
    append(imap_server, mailbox, gmail_reply(sent_id(bot, HENRIK), HENRIK, "Afbud, vagt"))
    assert eventually(lambda: status(bot, HENRIK) is not None)
    assert loop.is_alive()
    stop.set()
    loop.join(WAIT)
    assert not loop.is_alive()
    failed_before = failures(caplog)
    relay.cut()  # while the watcher may still sit in IDLE: shutting down is no failure
    assert eventually(lambda: not watcher.idling.is_set())
    time.sleep(0.3)  # time for a warning, if one were coming, to be logged
    assert failures(caplog) == failed_before


def failures(caplog: pytest.LogCaptureFixture) -> int:
    return sum(r.getMessage().startswith("mailbox: IDLE failed") for r in list(caplog.records))


@pytest.mark.skipif(
    DOVECOT is None and not os.environ.get("CI"),  # on CI a missing Dovecot fails the test
    reason="dovecot-imapd missing: bash scripts/system-deps.sh",
)
def test_the_watcher_logs_in_with_xoauth2(stop: threading.Event) -> None:
    with dovecot_xoauth2({TOKEN: MAILBOX}) as dovecot:
        tokens = Tokens()
        settings = ImapSettings(
            host="127.0.0.1",
            port=dovecot.port,
            username=MAILBOX,
            password="",
            implicit_tls=False,
            tokens=tokens,
        )
        watcher = MailboxWatcher(settings)
        thread = watcher.start(stop)
        assert watcher.idling.wait(WAIT)
        assert tokens.asked == 1
        client = imapclient.IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=10)
        try:
            imap_xoauth2_login(client, MAILBOX, Tokens())
            client.append("INBOX", message())
        finally:
            client.logout()
        assert watcher.arrived.wait(WAIT)
    stop.set()
    thread.join(WAIT)
    assert not thread.is_alive()
