"""A clock killed between Slack's answer and the recorded outcome: the next claim looks the
message up (metadata carries the outbox key) instead of posting it again. No processes: the
crash is a claim whose outcome is never written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.domain import Delivery
from bot.messaging import outbox
from bot.messaging.outbox import EMAIL, LEASE, SLACK, Sender, dispatch_due
from handlers.bootstrap import Container
from handlers.mail.smtp import SmtpSender, SmtpSettings
from handlers.slack.sender import SlackSender, make_client
from tests.conftest import FakeClock
from tests.slack_standin import SlackStandIn

POST = {"op": "post", "channel": "C0KLU", "text": "Dagsorden er klar"}
DM = {"op": "dm", "user": "U0ANNE", "text": "Husk mødet i morgen"}


@pytest.fixture
def slack(clock: FakeClock) -> Iterator[SlackStandIn]:
    """The stand-in, its message ts on the test's clock (as Slack's is on the real one)."""
    with SlackStandIn(ts_clock=lambda: clock().timestamp()) as standin:
        yield standin


def _senders(slack: SlackStandIn) -> dict[str, Sender]:
    return {SLACK: SlackSender(make_client("xoxb-test", slack.base_url))}


def _enqueue(c: Container, key: str, payload: dict[str, str]) -> None:
    with c.uow() as uow:
        outbox.enqueue(
            uow, key=key, channel=SLACK, kind="test", recipient="x", payload=payload,
            now=c.clock(),
        )  # fmt: skip
        uow.commit()


def _claim(c: Container) -> Delivery:
    """What dispatch_due does first; the caller then 'dies' before recording the outcome."""
    now = c.clock()
    with c.uow() as uow:
        (claimed,) = uow.outbox.claim_due(now, now + LEASE, 10)
        uow.commit()
    return claimed


def _row(c: Container, key: str) -> Delivery:
    with c.uow() as uow:
        row = uow.outbox.get(key)
    assert row is not None
    return row


@pytest.mark.parametrize("payload", [POST, DM], ids=["post", "dm"])
def test_a_post_whose_outcome_was_lost_is_found_not_posted_again(
    container: Container, clock: FakeClock, slack: SlackStandIn, payload: dict[str, str]
) -> None:
    senders = _senders(slack)
    _enqueue(container, "reconcile:1", payload)
    clock.advance(seconds=5)
    first = _claim(container)
    assert not first.tried_before()
    original = senders[SLACK].send(first)  # Slack has it; the process is killed here
    (posted,) = slack.messages()
    meta = {"event_type": "klu_delivery", "event_payload": {"key": "reconcile:1"}}
    assert posted["metadata"] == meta
    assert _row(container, "reconcile:1").status == "pending"

    clock.advance(seconds=(LEASE + timedelta(seconds=30)).total_seconds())
    report = dispatch_due(container.uow, senders, now=clock())

    assert report.sent == 1
    assert len(slack.calls_to("chat.postMessage")) == 1
    assert len(slack.calls_to("conversations.history")) == 1
    row = _row(container, "reconcile:1")
    assert (row.status, row.result, row.claims, row.attempts) == ("sent", original, 2, 1)


def test_a_claim_that_died_before_posting_posts_once(
    container: Container, clock: FakeClock, slack: SlackStandIn
) -> None:
    senders = _senders(slack)
    _enqueue(container, "reconcile:2", DM)
    _claim(container)  # killed before chat.postMessage
    clock.advance(seconds=(LEASE + timedelta(seconds=30)).total_seconds())
    report = dispatch_due(container.uow, senders, now=clock())
    assert report.sent == 1
    assert len(slack.calls_to("conversations.history")) == 1
    (call,) = slack.calls_to("chat.postMessage")
    assert call.response is not None
    row = _row(container, "reconcile:2")
    assert (row.status, row.result) == ("sent", f"{call.response['channel']}|{call.response['ts']}")


def test_a_first_try_and_a_released_claim_post_without_looking(
    container: Container, clock: FakeClock, slack: SlackStandIn
) -> None:
    senders = _senders(slack)
    _enqueue(container, "reconcile:3", POST)
    _enqueue(container, "reconcile:4", POST)
    claimed = _claim_all(container)
    outbox.release(container.uow, claimed)  # SIGTERM before sending: not a lost outcome
    report = dispatch_due(container.uow, senders, now=clock())
    assert report.sent == 2
    assert len(slack.calls_to("chat.postMessage")) == 2
    assert slack.calls_to("conversations.history") == []


def _claim_all(c: Container) -> list[Delivery]:
    now = c.clock()
    with c.uow() as uow:
        claimed = list(uow.outbox.claim_due(now, now + LEASE, 10))
        uow.commit()
    return claimed


def test_an_email_sent_twice_carries_the_same_message_id(container: Container) -> None:
    """The id lives with the stored row: every reading of the row (a retry, a resend after
    a claim died) gives the same id, another row another one."""
    sender = SmtpSender(SmtpSettings.from_url("smtp://127.0.0.1:25"), "klu-bot@fjordby.dk")
    payload = {"subject": "Referat", "text": "Referatet er godkendt."}
    with container.uow() as uow:
        for key in ("minutes:1:anne", "minutes:1:bo"):
            outbox.enqueue(
                uow, key=key, channel=EMAIL, kind="test", recipient="anne@fjordby.dk",
                payload=payload, now=container.clock(),
            )  # fmt: skip
        uow.commit()
    one = sender.build(_row(container, "minutes:1:anne"))["Message-ID"]
    again = sender.build(_row(container, "minutes:1:anne"))["Message-ID"]
    other = sender.build(_row(container, "minutes:1:bo"))["Message-ID"]
    assert one == again != other
    assert one.startswith("<klu.") and one.endswith("@fjordby.dk>")


def test_a_process_claims_only_what_it_can_send(
    container: Container, clock: FakeClock, slack: SlackStandIn
) -> None:
    """A web worker without SMTP must not sit on e-mail rows for a lease."""
    with container.uow() as uow:
        outbox.enqueue(
            uow, key="mail:1", channel=EMAIL, kind="test", recipient="a@example.dk",
            payload={"subject": "s", "text": "t"}, now=clock(),
        )  # fmt: skip
        uow.commit()
    _enqueue(container, "post:1", POST)
    report = dispatch_due(container.uow, _senders(slack), now=clock())
    assert report.sent == 1
    with container.uow() as uow:
        mail = uow.outbox.get("mail:1")
        assert mail is not None
        assert (mail.status, mail.claimed_until, mail.claims) == ("pending", None, 0)
        (claimed,) = uow.outbox.claim_due(clock(), clock() + LEASE, 10, channels=(EMAIL,))
        assert claimed.key == "mail:1"
