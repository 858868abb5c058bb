"""Issue 13 point 1: nothing unauthenticated gets past the signature check.

Each request below is a real POST to the running app with headers an attacker chose. None is
proven authentic, so each gets 401, writes nothing, calls nothing outside (no Web API call, no
POST to the response_url it names) and logs one WARNING line without a traceback.
"""

from __future__ import annotations

import http.client
import logging
import time
from urllib.parse import urlparse

import pytest

from tests.dbdump import dump
from tests.slack_http import (  # noqa: F401
    MEMBER,
    SIGNING_SECRET,
    SlackAppServer,
    bot_fixture,
    sign,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

SOFIE = MEMBER[0]


def raw_post(bot: SlackAppServer, body: bytes, headers: dict[str, bytes]) -> int:
    """POST with exactly these header bytes (http.client sends them as given)."""
    url = urlparse(bot.url)
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=10)
    try:
        conn.putrequest("POST", "/slack/events")
        conn.putheader("Content-Type", "application/x-www-form-urlencoded")
        conn.putheader("Content-Length", str(len(body)))
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders(body)
        return conn.getresponse().status
    finally:
        conn.close()


def _cases(body: bytes) -> list[tuple[str, dict[str, bytes]]]:
    now = str(int(time.time())).encode()
    good = sign(body, int(now)).encode()
    stamps = {  # (timestamp, signature); None leaves the header out
        "no headers": (None, None),
        "no signature": (now, None),
        "no timestamp": (None, good),
        "timestamp abc": (b"abc", good),
        "5000 digits": (b"9" * 5000, good),
        "negative": (b"-" + now, good),
        "float": (now + b".5", good),
        "unicode digits": ("١٢٣".encode(), good),
        "empty timestamp": (b"", good),
        "far future": (b"99999999999", good),
        "v1 signature": (now, b"v1=" + good[3:]),
        "upper hex": (now, good.upper()),
        "short signature": (now, good[:-2]),
        "garbage": (now, b"\xff\xfe"),
        "other secret": (now, sign(body, int(now), "wrong").encode()),
    }
    cases = []
    for name, (stamp, signature) in stamps.items():
        headers = {}
        if stamp is not None:
            headers["X-Slack-Request-Timestamp"] = stamp
        if signature is not None:
            headers["X-Slack-Signature"] = signature
        cases.append((name, headers))
    return cases


def test_every_request_not_proven_authentic_gets_401_and_does_nothing(
    bot: SlackAppServer, standin: SlackStandIn, db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    body = bot.command_body("emne Falsk emne", SOFIE)
    before = dump(db_url)
    calls_before = len(standin.calls)
    for name, headers in _cases(body):
        caplog.clear()
        with caplog.at_level(logging.INFO):
            status = raw_post(bot, body, headers)
        assert status == 401, name
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(warnings) == 1, (name, [r.getMessage() for r in warnings])
        assert warnings[0].exc_info is None and "Traceback" not in caplog.text, name
    time.sleep(0.5)  # the outbox worker would have sent anything queued by now
    assert dump(db_url) == before
    assert len(standin.calls) == calls_before  # no Web API call, no response_url POST


def test_a_properly_signed_request_still_works(bot: SlackAppServer) -> None:
    body = bot.command_body("emne Ægte emne", SOFIE)
    now = int(time.time())
    headers = {
        "X-Slack-Request-Timestamp": str(now).encode(),
        "X-Slack-Signature": sign(body, now, SIGNING_SECRET).encode(),
    }
    assert raw_post(bot, body, headers) == 200
