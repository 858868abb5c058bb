"""E-mail Message-IDs are unique in the world (RFC 5322 §3.6.4), not only in one database,
and stay the same on every retry of one delivery; calendar updates thread to the e-mails
before them. Real SQLite/PostgreSQL databases, a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import email
import email.policy
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from alembic import command
from sqlalchemy import create_engine, text

from bot.config import Settings
from bot.invitations import sync as invitations
from bot.messaging import outbox
from bot.messaging.outbox import EMAIL, backoff, message_token
from handlers.bootstrap import Container, bootstrap
from handlers.delivery import run_dispatch
from storage.migrate import alembic_config, upgrade
from tests.conftest import FakeClock, build_sample
from tests.invitation_helpers import Inbox, free_port, start_smtp

MAIL_FROM = "klu-bot@fjordby.dk"
HENRIK = "henrik.lund@plo-fjordby.dk"


def _with_smtp(c: Container, port: int) -> Container:
    c.settings = Settings(
        database_url=c.settings.database_url,
        smtp_url=f"smtp://127.0.0.1:{port}",
        mail_from=MAIL_FROM,
    )
    return c


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, Inbox]]:
    controller, inbox = start_smtp()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def _ids(inbox: Inbox, address: str) -> list[str]:
    return [str(r.message["Message-ID"]) for r in inbox.to(address)]


def test_two_installations_never_send_under_the_same_id(
    sample: Container, clock: FakeClock, tmp_path: Path, smtp: tuple[Controller, Inbox]
) -> None:
    """The same committee, meeting and person in two databases (a second installation, or
    the first one rebuilt from scratch) give the same outbox keys, but new ids."""
    controller, inbox = smtp
    other_url = f"sqlite:///{tmp_path / 'second.db'}"
    upgrade(other_url)
    other = bootstrap(Settings(database_url=other_url), clock=clock)
    try:
        build_sample(other, clock)
        for c in (sample, other):
            _with_smtp(c, controller.port)
            invitations.send_invitations(c.uow(), 1, now=clock(), email_enabled=True)
            run_dispatch(c)
        keys = []
        for c in (sample, other):
            with c.uow() as uow:
                keys.append({d.key for d in uow.outbox.for_recipients([HENRIK])})
    finally:
        other.close()
    assert keys[0] == keys[1] != set()
    first, second = _ids(inbox, HENRIK)
    assert first != second
    every = [str(r.message["Message-ID"]) for r in inbox.received]
    assert len(every) == len(set(every)) > 2


class RefusesFirst(Inbox):
    """An SMTP server that takes the whole message, then answers 451 the first time."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.refused:
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            assert isinstance(parsed, email.message.EmailMessage)
            self.refused.append(parsed)
            return "451 4.3.0 try again later"
        return await super().handle_DATA(server, session, envelope)


def test_a_retry_keeps_the_message_id(container: Container, clock: FakeClock) -> None:
    handler = RefusesFirst()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        _with_smtp(container, controller.port)
        with container.uow() as uow:
            outbox.enqueue(
                uow, key="minutes:7:anne", channel=EMAIL, kind="minutes",
                recipient="anne@fjordby.dk", payload={"subject": "Referat", "text": "Godkendt."},
                now=clock(),
            )  # fmt: skip
            uow.commit()
        assert run_dispatch(container).retried == 1
        clock.advance(seconds=backoff(1).total_seconds())
        assert run_dispatch(container).sent == 1
    finally:
        controller.stop()
    [refused] = handler.refused
    [received] = handler.received
    assert received.message["Message-ID"] == refused["Message-ID"]
    assert str(refused["Message-ID"]).startswith("<klu.")


def test_calendar_updates_thread_to_the_earlier_emails(
    sample: Container, clock: FakeClock, smtp: tuple[Controller, Inbox]
) -> None:
    controller, inbox = smtp
    c = _with_smtp(sample, controller.port)
    invitations.send_invitations(c.uow(), 1, now=clock(), email_enabled=True)
    run_dispatch(c)
    invitations.reschedule_meeting(
        c.uow(), 1, "19. juni 2026 kl. 14-16", place="Byrådssalen", now=clock()
    )
    clock.advance(seconds=61)
    run_dispatch(c)
    clock.advance(seconds=5)
    invitations.cancel_meeting(c.uow(), 1, now=clock(), email_enabled=True)
    run_dispatch(c)
    invite, update, cancel = (r.message for r in inbox.to(HENRIK))
    assert invite["In-Reply-To"] is None and invite["References"] is None
    assert update["In-Reply-To"] == invite["Message-ID"]
    assert update["References"] == invite["Message-ID"]
    assert cancel["In-Reply-To"] == update["Message-ID"]
    assert str(cancel["References"]).split() == [invite["Message-ID"], update["Message-ID"]]
    assert len({invite["Message-ID"], update["Message-ID"], cancel["Message-ID"]}) == 3


def test_rows_from_before_nonces_keep_their_ids_and_pending_ones_get_a_nonce(
    db_url: str, clock: FakeClock
) -> None:
    """Upgrading: a sent row went out under the key's hash and keeps it (updates refer to
    it); a row still pending gets its own random nonce."""
    cfg = alembic_config(db_url)
    command.upgrade(cfg, "0011_delivery_nonce-1")
    engine = create_engine(db_url)
    columns = (
        "key, channel, kind, recipient, payload, status, attempts, last_error, created_at, "
        "not_before, result, claims"
    )
    with engine.begin() as conn:
        for key, status in (("cal:1:2:0:email", "sent"), ("cal:1:2:1:email", "pending")):
            conn.execute(
                text(
                    f"INSERT INTO deliveries ({columns}) VALUES (:key, 'email', 'x', 'a@b.dk',"
                    " '{}', :status, 0, '', '2026-05-01 08:00:00', '2026-05-01 08:00:00', '', 0)"
                ),
                {"key": key, "status": status},
            )
    command.upgrade(cfg, "head")
    with engine.begin() as conn:
        nonces = {k: n for k, n in conn.execute(text("SELECT key, nonce FROM deliveries"))}
    engine.dispose()
    assert nonces["cal:1:2:0:email"] == ""
    assert len(nonces["cal:1:2:1:email"]) == 32
    c = bootstrap(Settings(database_url=db_url), clock=clock)
    with c.uow() as uow:
        sent = uow.outbox.get("cal:1:2:0:email")
        pending = uow.outbox.get("cal:1:2:1:email")
    c.close()
    assert sent is not None and pending is not None
    assert message_token(sent) == hashlib.sha256(b"cal:1:2:0:email").hexdigest()[:32]
    assert message_token(pending) == pending.nonce
