"""Scale-out proof: gunicorn with two workers and two `klu-bot clock` processes on one
PostgreSQL database, 50 concurrent `/klu emne`, regrets by DM (each retried by "Slack" with
the same event_id), `/klu afbud`, and the secretary's `/klu indkald` clicked twice at once.

Everything stored once, nothing lost, and every Slack post, file and e-mail delivered once:
the multiset of what the outbox marked sent equals the multiset the stand-in and the SMTP
server received.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from tests.invitation_helpers import Inbox, start_smtp
from tests.procs import (
    Live,
    Proc,
    Web,
    dm_event,
    engine_for,
    environment,
    reset_schema,
    seed_live,
    start_clock,
    wait_until,
)
from tests.procs import pg_url_fixture as pg_url_fixture
from tests.slack_http import Response
from tests.slack_standin import SlackStandIn

TOPICS = 50
DM_REGRETS = 6
RETRIES = 2  # each DM event is delivered 1 + RETRIES times, concurrently
COMMAND_REGRETS = 2


def sent_rows(url: str) -> list[dict[str, Any]]:
    """Every outbox row marked sent."""
    import json

    engine = engine_for(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT key, channel, recipient, payload FROM deliveries WHERE status = 'sent'")
        ).all()
    engine.dispose()
    return [
        {
            **_rendered(r.channel, json.loads(r.payload)),
            "key": r.key,
            "via": r.channel,
            "recipient": r.recipient,
        }
        for r in rows
    ]


def _rendered(channel: str, payload: dict[str, Any]) -> dict[str, Any]:
    """What the way out sent for a stored payload (a neutral Message rendered)."""
    from handlers.mail.render import mail_fields
    from handlers.slack.render import operation

    return operation(payload) if channel == "slack" else mail_fields(payload)


def expected_and_actual(
    url: str, slack: SlackStandIn, inbox: Inbox
) -> dict[str, tuple[Counter[Any], Counter[Any]]]:
    """Per kind of delivery: what the outbox says went out, and what arrived."""
    rows = sent_rows(url)

    def chan(value: str) -> str:
        return f"D{value}" if value[:1] in ("U", "W") else value

    posts = Counter(
        (chan(r["channel"] if r["op"] == "post" else r["user"]), r.get("text"))
        for r in rows
        if r["via"] == "slack" and r["op"] in ("post", "dm")
    )
    got_posts = Counter(
        (chan(str(c.args["channel"])), c.args.get("text"))
        for c in slack.calls_to("chat.postMessage")
        if c.ok
    )
    files = Counter(
        (r.get("channel") or chan(r["user"]), r["filename"])
        for r in rows
        if r["via"] == "slack" and r["op"] == "upload"
    )
    got_files = Counter((u.channel_id, u.filename) for u in slack.uploads)
    mails = Counter(r["recipient"] for r in rows if r["via"] == "email")
    got_mails = Counter(rcpt for m in inbox.received for rcpt in m.rcpt_tos)
    responds = Counter(r["url"] for r in rows if r["via"] == "slack" and r["op"] == "respond")
    got_responds = Counter(
        slack.base_url + c.method for c in slack.calls if c.method.startswith("respond/")
    )
    return {
        "slack posts": (posts, got_posts),
        "files": (files, got_files),
        "e-mails": (mails, got_mails),
        "responses": (responds, got_responds),
    }


def quiet(url: str) -> Callable[[], bool]:
    """True when nothing is due or in flight in the outbox (twice in a row, 1 s apart)."""
    engine = engine_for(url)
    state = {"quiet_since": 0.0}

    def check() -> bool:
        now = datetime.now(UTC)
        with engine.connect() as conn:
            busy = conn.execute(
                text(
                    "SELECT count(*) FROM deliveries WHERE status = 'pending' AND "
                    "(not_before <= :now OR claimed_until > :now)"
                ),
                {"now": now},
            ).scalar_one()
        if busy:
            state["quiet_since"] = 0.0
            return False
        state["quiet_since"] = state["quiet_since"] or time.monotonic()
        return time.monotonic() - state["quiet_since"] > 1.5

    return check


@pytest.fixture
def stack(pg_url: str) -> Iterator[tuple[str, SlackStandIn, Inbox, Live, Web, list[Proc]]]:
    """PostgreSQL, the stand-in, SMTP, gunicorn -w 2 and two clocks."""
    reset_schema(pg_url)
    smtp, inbox = start_smtp()
    with SlackStandIn() as slack:
        live = seed_live(pg_url, slack)
        env = environment(pg_url, slack, smtp.port)
        web = Web(env, slack, workers=2)
        clocks = [start_clock(env, "clock-a"), start_clock(env, "clock-b")]
        try:
            yield pg_url, slack, inbox, live, web, clocks
        finally:
            for proc in [*clocks, web.proc]:
                proc.stop()
            smtp.stop()


def test_two_web_workers_and_two_clocks_store_and_send_everything_once(
    stack: tuple[str, SlackStandIn, Inbox, Live, Web, list[Proc]],
) -> None:
    url, slack, inbox, live, web, clocks = stack
    members = [u for u, _, _ in live.users if u != live.secretary]
    jobs: list[Callable[[], Response]] = []
    for i in range(TOPICS):
        user = members[i % len(members)]
        jobs.append(
            lambda i=i, user=user: web.command(f"emne Forslag nr. {i}: *fed* <!channel>", user)
        )
    regretters = members[:DM_REGRETS]
    for n, user in enumerate(regretters):
        event = dm_event(user, "Afbud – ferie")
        for retry in [None, *range(1, RETRIES + 1)]:
            jobs.append(lambda u=user, e=event, r=retry, n=n: web.event(f"EvR{n}", e, r))
    for user in members[DM_REGRETS : DM_REGRETS + COMMAND_REGRETS]:
        jobs.append(lambda u=user: web.command("afbud syg", u))
    jobs += [lambda: web.command("indkald", live.secretary)] * 2
    random.Random(7).shuffle(jobs)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        answers = list(pool.map(lambda job: job(), jobs))
    took = time.monotonic() - started
    assert [a.status for a in answers] == [200] * len(jobs), [a.text for a in answers]
    assert not [a for a in answers if "fejl-id" in a.text]

    wait_until(quiet(url), 40, "the outbox to be sent")
    for proc in [*clocks, web.proc]:
        proc.stop()
    engine = engine_for(url)
    with engine.connect() as conn:
        topic_texts = conn.execute(text("SELECT text FROM topics")).scalars().all()
        regrets = conn.execute(
            text("SELECT count(*) FROM attendance WHERE status = 'afbud'")
        ).scalar_one()
        events = conn.execute(
            text("SELECT count(*) FROM processed_events WHERE event_id LIKE 'EvR%'")
        ).scalar_one()
        reminders = conn.execute(
            text("SELECT count(*) FROM deliveries WHERE key LIKE 'reminder:%' AND status='sent'")
        ).scalar_one()
        invitations = conn.execute(
            text("SELECT count(*) FROM deliveries WHERE key LIKE 'cal:%' AND status='sent'")
        ).scalar_one()
        failed = conn.execute(
            text("SELECT key, last_error FROM deliveries WHERE status = 'failed'")
        ).all()
    engine.dispose()
    counts = expected_and_actual(url, slack, inbox)
    print(
        f"\n{len(jobs)} requests in {took:.1f} s ({TOPICS} emne, {DM_REGRETS} DM regrets x"
        f" {1 + RETRIES} deliveries, {COMMAND_REGRETS} /klu afbud, 2 indkald); stored:"
        f" {len(topic_texts)} topics, {regrets} regrets, {events} events;"
        f" sent: {reminders} reminders, {invitations} invitation rows;"
        + "".join(f" {k} {sum(e.values())}/{sum(a.values())}" for k, (e, a) in counts.items())
    )
    assert Counter(topic_texts) == Counter(
        f"Forslag nr. {i}: *fed* <!channel>" for i in range(TOPICS)
    )
    assert regrets == DM_REGRETS + COMMAND_REGRETS
    assert events == DM_REGRETS
    assert failed == []
    for kind, (expected, actual) in counts.items():
        assert actual == expected, (
            f"{kind}: duplicates {actual - expected}, lost {expected - actual}"
        )
    assert reminders > 0 and invitations > 0
    logs = web.proc.output() + "".join(c.output() for c in clocks)
    assert 'request_id=EvR0 msg="answered 200' in logs  # key=value lines with Slack's ids
    assert "level=ERROR" not in logs
    assert all(
        "<!channel>" not in str(c.args.get("text")) for c in slack.calls_to("chat.postMessage")
    )
