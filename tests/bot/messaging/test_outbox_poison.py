"""One bad outbox row never stops the others (issue 13 point 5).

A row that cannot be rendered (here: put straight into the database, past every way in) is
that row's failed attempt: the clock's round goes on and delivers the rest over a real SMTP
server (aiosmtpd), the bad row records its error and backs off, nothing stays leased, and
after the last attempt the secretary is told. A header value with a line break that got
into a payload anyway is written on one line, never as a header of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller

from bot.config import Settings
from bot.invitations import sync as invitations
from bot.messaging import outbox
from bot.messaging.outbox import EMAIL, MAX_ATTEMPTS, backoff
from handlers.bootstrap import Container
from handlers.clock import tick
from tests.conftest import FakeClock
from tests.invitation_helpers import Inbox, start_smtp


@pytest.fixture
def smtp(sample: Container) -> Iterator[Inbox]:
    controller: Controller
    controller, inbox = start_smtp()
    sample.settings = Settings(
        database_url=sample.settings.database_url,
        smtp_url=f"smtp://127.0.0.1:{controller.port}",
        mail_from="klu-bot@fjordby.dk",
    )
    try:
        yield inbox
    finally:
        controller.stop()


def _poison(c: Container, key: str, payload: dict[str, object], clock: FakeClock) -> None:
    """A row no way in would write, first in line (the oldest not_before)."""
    with c.uow() as uow:
        outbox.enqueue(
            uow, key=key, channel=EMAIL, kind="test", recipient="anne@fjordby.dk",
            payload=payload, now=clock() - timedelta(minutes=5),
        )  # fmt: skip
        uow.commit()


def test_a_row_that_cannot_be_rendered_fails_alone(
    sample: Container, clock: FakeClock, smtp: Inbox
) -> None:
    invitations.send_invitations(sample.uow(), 1, now=clock(), email_enabled=True)
    with sample.uow() as uow:
        queued = uow.outbox.pending_count()
    _poison(sample, "poison:1", {"text": "no subject, no committee"}, clock)
    report = tick(sample).dispatch
    assert report.sent == queued and report.retried == 1
    assert len(smtp.received) == queued
    with sample.uow() as uow:
        row = uow.outbox.get("poison:1")
        assert row is not None
        assert (row.status, row.attempts, row.claimed_until) == ("pending", 1, None)
        assert "KeyError" in row.last_error and "subject" in row.last_error
        assert row.not_before == clock() + backoff(1)
        assert uow.outbox.pending_count() == 1  # nothing else left, nothing stays leased
    # Every later attempt fails the same way; after the last the secretary is told once.
    for _ in range(MAX_ATTEMPTS - 1):
        clock.advance(seconds=3601)
        tick(sample)
    with sample.uow() as uow:
        row = uow.outbox.get("poison:1")
        assert row is not None and (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
        notice = uow.outbox.get("failure:poison:1")
        assert notice is not None
    assert (notice.channel, notice.recipient) == (EMAIL, "camilla.juul@fjordby.dk")
    tick(sample)
    [told] = smtp.to("camilla.juul@fjordby.dk")
    assert "anne@fjordby.dk" in told.message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_a_header_with_a_line_break_is_written_on_one_line(
    sample: Container, clock: FakeClock, smtp: Inbox
) -> None:
    _poison(
        sample,
        "poison:2",
        {
            "subject": "Dagsorden\r\nBcc: evil@example.org",
            "text": "Hej",
            "to_name": "Anne\nBcc: evil@example.org",
            "from_name": "KLU\r\nX-Evil: 1",
        },
        clock,
    )
    assert tick(sample).dispatch.sent == 1
    [received] = smtp.received
    message = received.message
    assert received.rcpt_tos == ["anne@fjordby.dk"]
    assert message["Bcc"] is None and message["X-Evil"] is None
    assert message["Subject"] == "Dagsorden Bcc: evil@example.org"
    assert message["To"].addresses[0].display_name == "Anne Bcc: evil@example.org"


def test_a_row_too_broken_to_report_still_ends_as_failed(
    sample: Container, clock: FakeClock, smtp: Inbox
) -> None:
    """A payload that is not even an object: the secretary's notice cannot read it either,
    and the row still ends as failed instead of coming back after every lease."""
    _poison(sample, "poison:3", {}, clock)
    with sample.uow() as uow:
        row = uow.outbox.get("poison:3")
        assert row is not None
        row.payload = "[]"
        uow.commit()
    for _ in range(MAX_ATTEMPTS):
        tick(sample)
        clock.advance(seconds=3601)
    with sample.uow() as uow:
        row = uow.outbox.get("poison:3")
        assert row is not None and (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
        assert row.claimed_until is None
