"""Issue 13 point 1: nothing unauthenticated gets past the signature check.

Each request below is a real POST to the running app with headers an attacker chose. None is
proven authentic, so each gets 401, writes nothing, calls nothing outside (no Web API call, no
POST to the response_url it names) and logs one WARNING line without a traceback.
"""

from __future__ import annotations

import http.client
import json
import logging
import time
from dataclasses import replace
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from handlers.bootstrap import Container
from tests.dbdump import dump
from tests.slack_http import (  # noqa: F401
    MEMBER,
    SIGNING_SECRET,
    SlackAppServer,
    bot_fixture,
    prepare,
    sign,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

SOFIE = MEMBER[0]
FORM = "application/x-www-form-urlencoded"


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


# --- issue 13 point 2: only the workspace the app is installed in ------------------------------


def _signed(bot: SlackAppServer, body: bytes, content_type: str) -> tuple[int, str]:
    reply = bot.post(body, content_type)
    return reply.status, reply.text


def test_signed_requests_for_another_team_enterprise_or_app_are_refused(
    sample: Container, standin: SlackStandIn, db_url: str
) -> None:
    prepare(sample, standin)
    settings = replace(sample.settings, slack_app_id=standin.app_id)
    bot = SlackAppServer(Container(settings, sample._engine, sample.uow, sample.clock), standin)
    try:
        before, calls = dump(db_url), len(standin.calls)
        command = parse_qs(bot.command_body("emne Fremmed emne", SOFIE).decode())
        for field, value in (("team_id", "T_EVIL"), ("enterprise_id", "E_EVIL"),
                             ("api_app_id", "A_EVIL")):  # fmt: skip
            forged = {k: v[0] for k, v in command.items()} | {field: value}
            status, text = _signed(bot, urlencode(forged).encode(), FORM)
            assert status == 200 and "andet Slack-arbejdsområde" in text, field
        event = {
            "type": "event_callback", "team_id": "T_EVIL", "api_app_id": standin.app_id,
            "event_id": "Ev_EVIL", "event_time": int(time.time()),
            "event": {"type": "message", "channel_type": "im", "channel": "DU_SOFIE",
                      "user": SOFIE, "text": "afbud", "ts": f"{time.time():.6f}"},
        }  # fmt: skip
        assert _signed(bot, json.dumps(event).encode(), "application/json") == (200, "")
        click = {"type": "block_actions", "team": {"id": "T_EVIL"}, "api_app_id": standin.app_id,
                 "user": {"id": SOFIE}, "actions": [{"action_id": "x", "value": "1"}],
                 "response_url": f"{standin.base_url}respond/EVIL"}  # fmt: skip
        body = urlencode({"payload": json.dumps(click)}).encode()
        assert _signed(bot, body, FORM) == (200, "")
        time.sleep(0.5)
        assert dump(db_url) == before
        assert len(standin.calls) == calls  # nothing sent, no response_url
        # the installation's own team and app still work
        assert "bruttoliste" in bot.command("emne Eget emne", SOFIE).json()["text"].lower()
    finally:
        bot.stop()
