"""Faults survived: Slack answering 429 (Retry-After), 500 and slowly; SMTP down and back;
the database connection killed under the app; a clock SIGKILLed while sending 500 reminders.

After each, every message arrives once, and what failed for good is told to the secretary.
A clock killed during chat.postMessage cannot know whether Slack got it: the next claim of
that row looks for the message (its metadata carries the outbox key) before posting again.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from bot.messaging import outbox
from bot.messaging.outbox import EMAIL, LEASE, MAX_ATTEMPTS, SLACK, Sender
from bot.people.committees import find_committee
from handlers.bootstrap import Container
from handlers.delivery import run_dispatch
from handlers.mail.smtp import SmtpSender, SmtpSettings
from handlers.slack.sender import SlackSender, make_client
from tests.conftest import FakeClock
from tests.invitation_helpers import Inbox, free_port
from tests.procs import BIN, Proc, engine_for, environment, seed_live, start_clock, wait_until
from tests.slack_http import CHANNEL, SECRETARY, SlackAppServer, link
from tests.slack_http import bot_fixture as bot_fixture
from tests.slack_http import standin_fixture as standin_fixture
from tests.slack_standin import SlackStandIn

CAMILLA_DM = f"D{SECRETARY[0]}"


def _senders(slack: SlackStandIn, smtp_port: int | None = None) -> dict[str, Sender]:
    senders: dict[str, Sender] = {SLACK: SlackSender(make_client("xoxb-test", slack.base_url))}
    if smtp_port is not None:
        smtp = SmtpSettings.from_url(f"smtp://127.0.0.1:{smtp_port}")
        senders[EMAIL] = SmtpSender(smtp, "klu-bot@fjordby.dk")
    return senders


def _enqueue(c: Container, key: str, channel: str, recipient: str, payload: dict[str, str]) -> None:
    with c.uow() as uow:
        outbox.enqueue(
            uow, key=key, channel=channel, kind="test", recipient=recipient,
            payload=payload, now=c.clock(),
        )  # fmt: skip
        uow.commit()


def _until_idle(c: Container, clock: FakeClock, senders: dict[str, Sender], step: float) -> int:
    """Dispatch rounds, moving the clock `step` seconds each, until nothing is pending."""
    for rounds in range(1, 40):
        run_dispatch(c, senders)
        with c.uow() as uow:
            if uow.outbox.pending_count() == 0:
                return rounds
        clock.advance(seconds=step)
    raise AssertionError("outbox never emptied")


def _statuses(c: Container) -> Counter[str]:
    engine = c._engine
    with engine.connect() as conn:
        return Counter(conn.execute(text("SELECT status FROM deliveries")).scalars().all())


@pytest.fixture
def secretary(sample: Container, standin: SlackStandIn) -> Container:
    """The sample committee with the secretary on Slack."""
    link(sample, standin, SECRETARY)
    return sample


def test_slack_429_500_and_slow_answers_still_deliver_each_message_once(
    secretary: Container, standin: SlackStandIn, clock: FakeClock
) -> None:
    c = secretary
    for i in range(20):
        _enqueue(c, f"t:{i}", SLACK, CHANNEL, {"op": "post", "channel": CHANNEL, "text": f"m{i}"})
    _enqueue(c, "t:empty", SLACK, CHANNEL, {"op": "post", "channel": CHANNEL, "text": ""})
    standin.fail_next("chat.postMessage", status=429, retry_after=42, times=3)
    standin.fail_next("chat.postMessage", status=500, times=2)
    standin.delay("chat.postMessage", 0.05)
    senders = _senders(standin)

    first = run_dispatch(c, senders)
    assert (first.sent, first.retried, first.failed) == (15, 5, 1)
    with c.uow() as uow:
        rows = [uow.outbox.get(f"t:{i}") for i in range(20)]
        waits = sorted(
            round((d.not_before - clock()).total_seconds())
            for d in rows
            if d is not None and d.status == "pending"
        )
    assert waits == [30, 30, 42, 42, 42]  # Retry-After obeyed; 500s back off 30 s
    rounds = _until_idle(c, clock, senders, step=45)

    texts_posted = Counter(m["text"] for m in standin.messages(CHANNEL))
    assert texts_posted == Counter(f"m{i}" for i in range(20))
    [notice] = [m["text"] for m in standin.messages(CAMILLA_DM)]
    assert "kunne ikke levere" in notice and "no_text" in notice
    assert _statuses(c) == Counter({"sent": 21, "failed": 1})
    print(f"\n429x3 + 500x2 + slow: 20 messages sent once in {rounds + 1} rounds; 1 told")


class _Controller:
    """aiosmtpd on a fixed port, started and stopped at will."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def test_smtp_down_then_back_delivers_once_and_tells_the_secretary_what_never_went(
    secretary: Container, standin: SlackStandIn, clock: FakeClock
) -> None:
    c = secretary
    smtp = _Controller(free_port())
    senders = _senders(standin, smtp.port)
    for i in range(5):
        _enqueue(c, f"m:{i}", EMAIL, f"p{i}@example.dk", {"subject": f"s{i}", "text": "hej"})

    down = run_dispatch(c, senders)  # nobody listens: connection refused
    assert (down.sent, down.retried) == (0, 5)
    smtp.start()
    try:
        clock.advance(seconds=31)
        _until_idle(c, clock, senders, step=31)
        got = Counter(r for m in smtp.inbox.received for r in m.rcpt_tos)
        assert got == Counter(f"p{i}@example.dk" for i in range(5))
    finally:
        smtp.stop()

    _enqueue(c, "m:lost", EMAIL, "lost@example.dk", {"subject": "s", "text": "hej"})
    for _ in range(MAX_ATTEMPTS):
        run_dispatch(c, senders)
        clock.advance(hours=1)
    run_dispatch(c, senders)  # the notice to the secretary goes out on Slack
    [notice] = [m["text"] for m in standin.messages(CAMILLA_DM)]
    assert "lost@example.dk" in notice
    assert _statuses(c) == Counter({"sent": 6, "failed": 1})


def test_the_app_survives_its_database_connections_being_killed(
    bot: SlackAppServer, db_url: str
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("pg_terminate_backend needs PostgreSQL (set KLU_TEST_DATABASE_URL)")
    member = "U_SOFIE"
    assert "#" in bot.command("emne Før afbrydelsen", member).text
    admin = engine_for(db_url)
    with admin.connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    admin.dispose()
    assert killed >= 1
    after = bot.command("emne Efter afbrydelsen", member)
    assert after.status == 200 and "Efter afbrydelsen" in after.text, after.text
    assert bot.get("/healthz").status == 200
    with bot.container.uow() as uow:
        committee = find_committee(uow, None)
        assert committee.id is not None
        texts_stored = [t.text for t in uow.topics.for_committee(committee.id)]
    assert {"Før afbrydelsen", "Efter afbrydelsen"} <= set(texts_stored)
    print(f"\nkilled {killed} connections; the next request and /healthz worked")


def test_a_connection_killed_in_the_middle_of_a_request_writes_nothing_and_answers_politely(
    bot: SlackAppServer, db_url: str
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("pg_terminate_backend needs PostgreSQL (set KLU_TEST_DATABASE_URL)")
    member = "U_SOFIE"
    assert "#" in bot.command("emne Før låsen", member).text
    admin = engine_for(db_url)
    holder = admin.connect()
    holder.begin()
    holder.execute(text("LOCK TABLE topics IN ACCESS EXCLUSIVE MODE"))  # the insert will wait
    answers: list[Any] = []
    request = threading.Thread(
        target=lambda: answers.append(bot.command("emne Midt i afbrydelsen", member))
    )
    request.start()
    try:
        waiting: list[int] = []
        deadline = time.monotonic() + 10
        with admin.connect() as conn:
            while not waiting and time.monotonic() < deadline:
                waiting = list(
                    conn.execute(
                        text(
                            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                        )
                    ).scalars()
                )
                conn.rollback()  # pg_stat_activity is a snapshot per transaction: look anew
                time.sleep(0.02)
            assert waiting, "the request never reached the database"
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": waiting[0]})
    finally:  # a failure here must not leave the table locked for the tests after it
        holder.rollback()
        holder.close()
    request.join(10)
    admin.dispose()
    [answer] = answers
    assert answer.status == 200
    assert "Beklager" in answer.text and "Traceback" not in answer.text, answer.text
    after = bot.command("emne Efter afbrydelsen", member)
    assert after.status == 200 and "Efter afbrydelsen" in after.text, after.text
    with bot.container.uow() as uow:
        committee = find_committee(uow, None)
        assert committee.id is not None
        stored = [t.text for t in uow.topics.for_committee(committee.id)]
    assert "Midt i afbrydelsen" not in stored
    assert {"Før låsen", "Efter afbrydelsen"} <= set(stored)


@pytest.fixture
def live_slack() -> Iterator[SlackStandIn]:
    """The stand-in with message ts on the real clock, as the clock processes' clock is."""
    with SlackStandIn(ts_clock=time.time) as slack:
        yield slack


def test_a_clock_killed_while_sending_500_reminders_is_restarted_and_all_arrive(
    db_url: str, live_slack: SlackStandIn
) -> None:
    standin = live_slack
    live = seed_live(db_url, standin, extra_members=500 - 14)
    assert len(live.users) == 500
    env = environment(db_url, standin, None)
    standin.delay("chat.postMessage", 0.01)
    first = start_clock(env, "clock-killed", every=0.2)
    try:
        wait_until(lambda: len(standin.calls_to("chat.postMessage")) >= 150, 40, "150 reminders")
    finally:
        first.kill()
    at_kill = len(standin.calls_to("chat.postMessage"))
    # the killed clock's claims hold for LEASE; the restarted clock runs after it has expired
    later = (datetime.now(UTC) + LEASE + timedelta(minutes=1)).isoformat()
    restarted = Proc("clock-restarted", [str(BIN / "klu-bot"), "clock", "--every", "0.2",
                                         "--now", later], env)  # fmt: skip
    engine = engine_for(db_url)

    def all_sent() -> bool:
        with engine.connect() as conn:
            return not conn.execute(
                text("SELECT count(*) FROM deliveries WHERE key LIKE 'reminder:%' "
                     "AND channel = 'slack' AND status <> 'sent'")
            ).scalar_one()  # fmt: skip

    try:
        wait_until(all_sent, 45, "every reminder sent")
    except AssertionError:
        with engine.connect() as conn:
            state = conn.execute(
                text(
                    "SELECT status, attempts, last_error, claimed_until, not_before FROM deliveries"
                )
            ).all()
        print(Counter((r[0], r[1], r[2]) for r in state), state[:3], restarted.output()[-3000:])
        raise
    finally:
        restarted.stop()
    found = restarted.output().count("already posted")  # logged by SlackSender on a find
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT recipient FROM deliveries WHERE key LIKE 'reminder:%' AND channel='slack'")
        ).scalars().all()  # fmt: skip
    engine.dispose()
    got = Counter(str(c.args["channel"]) for c in standin.calls_to("chat.postMessage"))
    expected = Counter(f"D{r}" if r.startswith("U") else r for r in rows)
    duplicates = got - expected
    missing = expected - got
    print(
        f"\n{len(rows)} reminders; clock SIGKILLed after {at_kill} posts; restarted; "
        f"{sum(got.values())} posts: {sum(duplicates.values())} duplicate(s), "
        f"{sum(missing.values())} missing; "
        f"{len(standin.calls_to('conversations.history'))} looked up first, "
        f"{found} found already posted"
    )
    assert not missing
    assert not duplicates  # the one in flight at the kill was found, not posted again


def _reminder_posts(db_url: str, standin: SlackStandIn) -> tuple[int, int, int]:
    """(reminders, duplicate posts, missing posts) of the Slack reminders."""
    engine = engine_for(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT recipient FROM deliveries WHERE key LIKE 'reminder:%' AND channel='slack'")
        ).scalars().all()  # fmt: skip
    engine.dispose()
    got = Counter(str(c.args["channel"]) for c in standin.calls_to("chat.postMessage"))
    expected = Counter(f"D{r}" if r.startswith("U") else r for r in rows)
    return len(rows), sum((got - expected).values()), sum((expected - got).values())


def _unsent(db_url: str) -> tuple[int, int]:
    """(Slack reminders not sent, of which claimed)."""
    engine = engine_for(db_url)
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT count(*), count(claimed_until) FROM deliveries "
                 "WHERE key LIKE 'reminder:%' AND channel = 'slack' AND status <> 'sent'")
        ).one()  # fmt: skip
    engine.dispose()
    return int(row[0]), int(row[1])


def test_a_clock_stopped_by_sigterm_hands_back_its_claims_and_nothing_is_sent_twice(
    db_url: str, standin: SlackStandIn
) -> None:
    seed_live(db_url, standin, extra_members=150 - 14)
    env = environment(db_url, standin, None)
    standin.delay("chat.postMessage", 0.05)  # a round of 100 would take 5 s to finish
    first = start_clock(env, "clock-deploy", every=0.2)
    wait_until(lambda: len(standin.calls_to("chat.postMessage")) >= 30, 40, "30 reminders")
    started = time.monotonic()
    first.stop()  # SIGTERM, as a deploy does
    took = time.monotonic() - started
    unsent, claimed = _unsent(db_url)
    assert took < 2 and unsent > 0 and claimed == 0, (took, unsent, claimed, first.output())
    second = start_clock(env, "clock-next", every=0.2)  # real time: no lease to wait out
    try:
        wait_until(lambda: _unsent(db_url)[0] == 0, 40, "every reminder sent")
    finally:
        second.stop()
    total, duplicates, missing = _reminder_posts(db_url, standin)
    print(
        f"\n{total} reminders; SIGTERM with {unsent} unsent stopped the clock in {took:.1f} s "
        f"with {claimed} rows still claimed; the next clock sent the rest at once: "
        f"{duplicates} duplicates, {missing} missing"
    )
    assert (duplicates, missing) == (0, 0)
