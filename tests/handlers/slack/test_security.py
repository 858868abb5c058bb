"""Authenticity and installation checks at the Slack endpoint (issue 13.1, 13.2).

Every request not proven to be signed by Slack gets 401, writes nothing, calls nothing
outside (no Web API call, no POST to the response_url it names) and logs one WARNING line.
Signed requests claiming another workspace, organisation or app are acknowledged with an
empty 200 and acted on not at all.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from slack_bolt import BoltRequest
from sqlalchemy import func, select

from handlers.bootstrap import Container
from handlers.slack.app import create_app
from handlers.slack.sender import make_client
from storage.tables import deliveries, metadata
from tests.slack_http import MEMBER, SIGNING_SECRET, SlackAppServer, sign
from tests.slack_http import bot_fixture as bot_fixture
from tests.slack_http import standin_fixture as standin_fixture
from tests.slack_standin import SlackStandIn

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"


def _counts(bot: SlackAppServer) -> dict[str, int]:
    """Rows per table, every table (outbox, inbox and processed events included)."""
    with bot.container._engine.connect() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in metadata.sorted_tables
        }


def _raw_post(bot: SlackAppServer, body: bytes, headers: dict[str, bytes]) -> int:
    """POST with exactly these header bytes (urllib would refuse some of them)."""
    url = urlsplit(bot.url)
    conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
    try:
        conn.putrequest("POST", "/slack/events")
        conn.putheader("Content-Type", FORM)
        conn.putheader("Content-Length", str(len(body)))
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders(body)
        reply = conn.getresponse()
        reply.read()
        return reply.status
    finally:
        conn.close()


def _click_body(bot: SlackAppServer, response_url: str) -> bytes:
    payload = {
        "type": "block_actions",
        "team": {"id": bot.slack.team_id},
        "api_app_id": bot.slack.app_id,
        "user": {"id": MEMBER[0]},
        "trigger_id": "trigger.evil",
        "container": {"type": "message", "channel_id": "C_KLU"},
        "channel": {"id": "C_KLU"},
        "response_url": response_url,
        "actions": [{"action_id": "no_such_action", "block_id": "b", "value": "1"}],
    }
    return urlencode({"payload": json.dumps(payload)}).encode()


def _variants(body: bytes) -> list[dict[str, bytes]]:
    now = str(int(time.time())).encode()
    good = sign(body, int(now)).encode()
    return [
        {"X-Slack-Request-Timestamp": b"abc", "X-Slack-Signature": good},
        {"X-Slack-Request-Timestamp": b"9" * 5000, "X-Slack-Signature": good},
        {"X-Slack-Request-Timestamp": b"", "X-Slack-Signature": good},
        {"X-Slack-Request-Timestamp": b"-1", "X-Slack-Signature": good},
        {"X-Slack-Request-Timestamp": b"1e9", "X-Slack-Signature": good},
        {"X-Slack-Request-Timestamp": b"12.5", "X-Slack-Signature": good},
        {"X-Slack-Request-Timestamp": now + b"\xc3\xa6", "X-Slack-Signature": good},
        {"X-Slack-Request-Timestamp": "１２３".encode(), "X-Slack-Signature": good},
        {"X-Slack-Request-Timestamp": now},
        {"X-Slack-Signature": good},
        {},
        {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": b"v0=xyz"},
        {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": b"v1=" + good[3:]},
        {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": good.upper()},
        {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": good + b"00"},
        {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": good[:-2] + "æ".encode()},
        {"X-Slack-Request-Timestamp": now, "X-Slack-Signature": b"v0=" + b"0" * 64},
        {"X-Slack-Request-Timestamp": b"0", "X-Slack-Signature": sign(body, 0).encode()},
    ]


@pytest.mark.parametrize("case", range(len(_variants(b""))))
def test_requests_not_proven_authentic_get_401_and_change_and_call_nothing(
    bot: SlackAppServer, standin: SlackStandIn, caplog: pytest.LogCaptureFixture, case: int
) -> None:
    response_url = f"{standin.base_url}respond/evil"
    bodies = [_click_body(bot, response_url), bot.command_body("emne Kaffe", MEMBER[0])]
    before = _counts(bot)
    calls = len(standin.calls)
    for body in bodies:
        caplog.clear()
        with caplog.at_level(logging.INFO):
            assert _raw_post(bot, body, _variants(body)[case]) == 401
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(warnings) == 1, [r.getMessage() for r in warnings]
        assert warnings[0].exc_info is None and "refused" in warnings[0].getMessage()
    time.sleep(0.5)  # anything handed to the worker would have gone out by now
    assert _counts(bot) == before
    assert standin.calls[calls:] == []


def test_a_correctly_signed_click_still_gets_through(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    body = _click_body(bot, f"{standin.base_url}respond/ok")
    now = int(time.time())
    headers = {"X-Slack-Request-Timestamp": str(now).encode(), "X-Slack-Signature": b""}
    headers["X-Slack-Signature"] = sign(body, now).encode()
    assert _raw_post(bot, body, headers) == 404  # signed, but no listener for the action


def test_the_error_handler_never_answers_an_unverified_request(
    sample: Container, standin: SlackStandIn
) -> None:
    """Behind the WSGI check, Bolt's own error path must not trust a request either."""
    from dataclasses import replace

    settings = replace(
        sample.settings, slack_signing_secret=SIGNING_SECRET, slack_api_url=standin.base_url
    )
    container = Container(settings, sample._engine, sample.uow, sample.clock)
    app = create_app(container, make_client("xoxb-test", standin.base_url))
    body = _click_body_for(standin, f"{standin.base_url}respond/evil")
    headers: dict[str, Any] = {
        "content-type": FORM,
        "x-slack-request-timestamp": "abc",
        "x-slack-signature": "v0=" + hmac.new(b"x", b"y", hashlib.sha256).hexdigest(),
    }
    response = app.dispatch(BoltRequest(body=body, headers=headers))
    assert response.status == 401
    with container._engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(deliveries)).scalar_one() == 0


def _click_body_for(standin: SlackStandIn, response_url: str) -> str:
    payload = {
        "type": "block_actions",
        "team": {"id": standin.team_id},
        "api_app_id": standin.app_id,
        "user": {"id": MEMBER[0]},
        "response_url": response_url,
        "actions": [{"action_id": "x", "block_id": "b", "value": "1"}],
    }
    return urlencode({"payload": json.dumps(payload)})


def _form(body: bytes, **changes: str) -> bytes:
    fields = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
    return urlencode({**fields, **changes}).encode()


def _event(bot: SlackAppServer, event_id: str, **changes: Any) -> bytes:
    body = {
        "token": "legacy",
        "team_id": bot.slack.team_id,
        "api_app_id": bot.slack.app_id,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": "DU_SOFIE",
            "user": MEMBER[0],
            "text": "afbud - ferie",
            "ts": f"{time.time():.6f}",
        },
    }
    return json.dumps({**body, **changes}).encode()


def _refused_quietly(
    bot: SlackAppServer, caplog: pytest.LogCaptureFixture, body: bytes, content_type: str
) -> None:
    before = _counts(bot)
    calls = len(bot.slack.calls)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        reply = bot.post(body, content_type)
    told = '{"response_type": "ephemeral", "text": "Denne KLU-bot er installeret'
    assert reply.status == 200 and (reply.text == "" or reply.text.startswith(told)), reply.text
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and warnings[0].exc_info is None
    assert warnings[0].getMessage().startswith("request for another installation refused")
    time.sleep(0.4)
    assert _counts(bot) == before
    assert [c.method for c in bot.slack.calls[calls:] if c.method != "auth.test"] == []


@pytest.mark.parametrize(
    "changes",
    [{"team_id": "T_OTHER"}, {"enterprise_id": "E_OTHER"}, {"team_id": ""}],
)
def test_a_slash_command_for_another_workspace_is_refused(
    bot: SlackAppServer, caplog: pytest.LogCaptureFixture, changes: dict[str, str]
) -> None:
    body = _form(bot.command_body("emne Fremmed emne", MEMBER[0]), **changes)
    _refused_quietly(bot, caplog, body, FORM)
    assert bot.command("emne Eget emne", MEMBER[0]).status == 200  # ours still work
    time.sleep(0.2)
    with bot.container.uow() as uow:
        assert [t.text for t in uow.topics.for_committee(1)] == ["Eget emne"]


@pytest.mark.parametrize(
    "changes",
    [
        {"team": {"id": "T_OTHER"}},
        {"team": {"id": "T0KLU", "enterprise_id": "E_OTHER"}},
        {"enterprise": {"id": "E_OTHER"}},
        {"view": {"team_id": "T_OTHER", "id": "V1"}},
    ],
)
def test_an_interaction_for_another_workspace_is_refused(
    bot: SlackAppServer, caplog: pytest.LogCaptureFixture, changes: dict[str, Any]
) -> None:
    payload = {
        "type": "block_actions",
        "team": {"id": bot.slack.team_id},
        "api_app_id": bot.slack.app_id,
        "user": {"id": MEMBER[0]},
        "trigger_id": "trigger.x",
        "container": {"type": "message", "channel_id": "C_KLU"},
        "channel": {"id": "C_KLU"},
        "response_url": f"{bot.slack.base_url}respond/x",
        "actions": [{"action_id": "regrets", "block_id": "b", "value": "1", "action_ts": "1"}],
        **changes,
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    _refused_quietly(bot, caplog, body, FORM)


@pytest.mark.parametrize(
    "changes",
    [
        {"team_id": "T_OTHER"},
        {"enterprise_id": "E_OTHER"},
        {"authorizations": [{"team_id": "T_OTHER", "enterprise_id": None}]},
        {"team_id": None},
    ],
)
def test_an_event_for_another_workspace_is_acknowledged_and_dropped(
    bot: SlackAppServer, caplog: pytest.LogCaptureFixture, changes: dict[str, Any]
) -> None:
    _refused_quietly(bot, caplog, _event(bot, "Ev_OTHER", **changes), "application/json")


@pytest.fixture(name="app_bot")
def app_bot_fixture(sample: Container, standin: SlackStandIn) -> Any:
    """The app with SLACK_APP_ID configured as the stand-in's app."""
    from dataclasses import replace

    from tests.slack_http import prepare

    prepare(sample, standin)
    settings = replace(sample.settings, slack_app_id=standin.app_id)
    server = SlackAppServer(Container(settings, sample._engine, sample.uow, sample.clock), standin)
    yield server
    server.stop()


def test_with_an_app_id_configured_requests_for_another_app_are_refused(
    app_bot: SlackAppServer, caplog: pytest.LogCaptureFixture
) -> None:
    body = _form(app_bot.command_body("emne Fremmed", MEMBER[0]), api_app_id="A_OTHER")
    _refused_quietly(app_bot, caplog, body, FORM)
    _refused_quietly(app_bot, caplog, _event(app_bot, "Ev_A", api_app_id="A_OTHER"), JSON)
    assert app_bot.event(json.loads(_event(app_bot, "Ev_B"))["event"]).status == 200
    time.sleep(0.3)
    with app_bot.container.uow() as uow:
        assert uow.inbox.pending_count() + len(app_bot.slack.messages("DU_SOFIE")) >= 1


def test_the_installation_is_asked_once(bot: SlackAppServer) -> None:
    for n in range(3):
        assert bot.command(f"emne Nummer {n}", MEMBER[0]).status == 200
    asked = [c for c in bot.slack.calls if c.method == "auth.test"]
    assert len(asked) <= 2  # ours, and Bolt's own authorisation: each once per process
