"""Run the real Slack app over HTTP on 127.0.0.1 and talk to it like Slack does.

`SlackAppServer` serves `handlers.slack.serve.build_wsgi` (the same WSGI app gunicorn runs)
with its outbox worker, pointed at a `SlackStandIn` as SLACK_API_URL. Requests are signed
with Slack's v0 scheme (HMAC-SHA256 over "v0:<timestamp>:<body>"); pass `secret=` or
`timestamp=` to send badly signed or stale ones, or `sign=False` for none.

Fixtures for test modules (import them: `from tests.slack_http import bot_fixture,
standin_fixture`):
`standin` (a running stand-in) and `bot` (the app over the `sample` committee, channel
C_KLU bound, the secretary and one member linked to Slack users U_CAMILLA and U_SOFIE).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode

import pytest

from bot.people.committees import bind_channel, find_committee
from bot.people.identity import link_chat_user
from handlers.bootstrap import Container
from handlers.slack.serve import build_wsgi, make_dev_server, start_worker
from tests.slack_standin import SlackStandIn

SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test"
CHANNEL = "C_KLU"
SECRETARY = ("U_CAMILLA", "camilla.juul@fjordby.dk", "Camilla Juul")
MEMBER = ("U_SOFIE", "sofie.brandt@plo-fjordby.dk", "Sofie Brandt")


@dataclass(frozen=True)
class Response:
    """What the app answered."""

    status: int
    text: str

    def json(self) -> Any:
        """The body as JSON ({} when empty)."""
        return json.loads(self.text) if self.text.strip() else {}


def sign(body: bytes, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    """Slack's X-Slack-Signature for a body."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class SlackAppServer:
    """The app on a free port, with its outbox worker, until stop()."""

    def __init__(self, container: Container, slack: SlackStandIn) -> None:
        settings = replace(
            container.settings,
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=slack.base_url,
        )
        self.container = Container(settings, container._engine, container.uow, container.clock)
        self.slack = slack
        self.worker = start_worker(self.container, interval=0.2, link_every=None)
        self.server = make_dev_server(build_wsgi(self.container, self.worker), "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        self._seq = 0

    def stop(self) -> None:
        """Stop serving and the worker."""
        self.server.shutdown()
        self.server.server_close()
        self.worker.stop()

    def _next(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}{self._seq}"

    def get(self, path: str) -> Response:
        """A plain GET (for /healthz)."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as reply:
                return Response(reply.status, reply.read().decode())
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.read().decode())

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        secret: str = SIGNING_SECRET,
        timestamp: int | None = None,
        sign_it: bool = True,
        path: str = "/slack/events",
    ) -> Response:
        """POST a (signed) body as Slack would."""
        ts = int(time.time()) if timestamp is None else timestamp
        headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": str(ts)}
        if sign_it:
            headers["X-Slack-Signature"] = sign(body, ts, secret)
        request = urllib.request.Request(self.url + path, data=body, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return Response(reply.status, reply.read().decode())
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.read().decode())

    def command_body(self, text: str, user: str, channel: str = CHANNEL) -> bytes:
        """The form body of `/klu <text>`."""
        fields = {
            "token": "legacy",
            "team_id": self.slack.team_id,
            "team_domain": "klu",
            "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "klu",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/klu",
            "text": text,
            "api_app_id": self.slack.app_id,
            "response_url": f"{self.slack.base_url}respond/{self._next('C')}",
            "trigger_id": self._next("trigger."),
        }
        return urlencode(fields).encode()

    def command(self, text: str, user: str, channel: str = CHANNEL, **kw: Any) -> Response:
        """Send `/klu <text>` from a user in a channel."""
        body = self.command_body(text, user, channel)
        return self.post(body, "application/x-www-form-urlencoded", **kw)

    def interaction(self, payload: dict[str, Any], **kw: Any) -> Response:
        """Send an interaction (`payload=` JSON form field)."""
        base = {
            "team": {"id": self.slack.team_id},
            "api_app_id": self.slack.app_id,
            "trigger_id": self._next("trigger."),
        }
        body = urlencode({"payload": json.dumps({**base, **payload})}).encode()
        return self.post(body, "application/x-www-form-urlencoded", **kw)

    def block_action(
        self, user: str, action_id: str, *, value: str = "", selected: str = "", **kw: Any
    ) -> tuple[Response, str]:
        """Click a button (value) or pick an overflow option (selected); returns the
        response and the response_url the app should answer on."""
        url = f"{self.slack.base_url}respond/{self._next('A')}"
        action: dict[str, Any] = {"action_id": action_id, "block_id": "b", "action_ts": "1"}
        if selected:
            action.update(type="overflow", selected_option={"value": selected})
        else:
            action.update(type="button", value=value)
        payload = {
            "type": "block_actions",
            "user": {"id": user},
            "container": {"type": "message", "channel_id": CHANNEL, "is_ephemeral": True},
            "channel": {"id": CHANNEL},
            "response_url": url,
            "actions": [action],
        }
        return self.interaction(payload, **kw), url.removeprefix(self.slack.base_url)

    def view_submission(
        self, user: str, view: dict[str, Any], values: dict[str, str], **kw: Any
    ) -> Response:
        """Submit a modal the app opened, with plain-text values per block id."""
        state = {
            block: {"value": {"type": "plain_text_input", "value": value}}
            for block, value in values.items()
        }
        payload = {
            "type": "view_submission",
            "user": {"id": user},
            "view": {**view, "id": "V_SUBMIT", "state": {"values": state}},
        }
        return self.interaction(payload, **kw)

    def event(self, event: dict[str, Any], **kw: Any) -> Response:
        """Send an Events API callback (JSON)."""
        body = {
            "token": "legacy",
            "team_id": self.slack.team_id,
            "api_app_id": self.slack.app_id,
            "type": "event_callback",
            "event_id": self._next("Ev"),
            "event_time": int(time.time()),
            "event": event,
        }
        return self.post(json.dumps(body).encode(), "application/json", **kw)


def link(container: Container, slack: SlackStandIn, who: tuple[str, str, str]) -> None:
    """Make a roster person a known Slack user (as the e-mail linking would)."""
    user_id, email, name = who
    slack.add_user(user_id, email, name)
    link_chat_user(container.uow(), email, user_id)


@pytest.fixture(name="standin")
def standin_fixture() -> Iterator[SlackStandIn]:
    """A running Slack Web API stand-in."""
    with SlackStandIn() as slack:
        yield slack


def prepare(sample: Container, standin: SlackStandIn) -> None:
    """The sample committee bound to CHANNEL, the secretary and a member linked to Slack."""
    with sample.uow() as uow:
        committee = find_committee(uow, None)
    assert committee.id is not None
    bind_channel(sample.uow(), committee.id, CHANNEL)
    link(sample, standin, SECRETARY)
    link(sample, standin, MEMBER)


@pytest.fixture(name="bot")
def bot_fixture(sample: Container, standin: SlackStandIn) -> Iterator[SlackAppServer]:
    """The app over HTTP on the sample committee; channel and two users linked."""
    prepare(sample, standin)
    server = SlackAppServer(sample, standin)
    yield server
    server.stop()
