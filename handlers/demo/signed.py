"""Signed requests to the demo's app, exactly as Slack sends them."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

SECRET = "demo-signing-secret"
CHANNEL = "C0KLU"
SECRETARY = "U_CAMILLA"
EMAIL_ONLY = "henrik.lund@plo-fjordby.dk"  # a GP with e-mail only, not in Slack
Out = Callable[[str], None]


class SignedClient:
    """Posts to /slack/events exactly as Slack does: bodies signed with the secret."""

    def __init__(self, url: str, team: str = "T0KLU", app: str = "A0KLU") -> None:
        self.url = url
        self.team, self.app = team, app
        self.seq = 0

    def post(self, fields: dict[str, str]) -> dict[str, Any]:
        """POST a signed form; the JSON answer ({} when empty)."""
        return self.send(urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def send(self, body: bytes, content_type: str) -> dict[str, Any]:
        """POST a signed body; the JSON answer ({} when empty)."""
        ts = str(int(time.time()))
        base = b"v0:" + ts.encode() + b":" + body
        signature = "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
        }
        request = urllib.request.Request(self.url, data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=20) as reply:
            text = reply.read().decode()
        answer = json.loads(text) if text.strip() else {}
        return answer if isinstance(answer, dict) else {}

    def command(self, user: str, text: str, channel: str = CHANNEL) -> dict[str, Any]:
        """`/klu <text>` from a user in a channel."""
        self.seq += 1
        return self.post(
            {
                "command": "/klu",
                "text": text,
                "user_id": user,
                "channel_id": channel,
                "channel_name": "klu",
                "team_id": self.team,
                "api_app_id": self.app,
                "trigger_id": f"trigger.{self.seq}",
                "response_url": f"{self.url}/response/{self.seq}",
            }
        )

    def interaction(self, payload: dict[str, Any]) -> dict[str, Any]:
        """An interaction payload (button, modal) from this workspace."""
        self.seq += 1
        base = {"team": {"id": self.team}, "api_app_id": self.app, "trigger_id": f"t.{self.seq}"}
        return self.post({"payload": json.dumps({**base, **payload})})

    def submit(self, user: str, view: dict[str, Any], state: dict[str, Any]) -> dict[str, Any]:
        """Submit a modal with its state values (block id -> element state)."""
        payload = {
            "type": "view_submission",
            "user": {"id": user},
            "view": {**view, "id": f"V{self.seq}", "state": {"values": state}},
        }
        return self.interaction(payload)

    def click(self, user: str, action_id: str, value: str) -> dict[str, Any]:
        """Press a button in a message only this user sees."""
        action = {"action_id": action_id, "block_id": "b", "type": "button", "value": value}
        payload = {
            "type": "block_actions",
            "user": {"id": user},
            "container": {"type": "message", "channel_id": CHANNEL, "is_ephemeral": True},
            "channel": {"id": CHANNEL},
            "response_url": f"{self.url}/response/{self.seq}",
            "actions": [action],
        }
        return self.interaction(payload)

    def event(self, event: dict[str, Any]) -> dict[str, Any]:
        """An Events API callback (a message someone wrote)."""
        self.seq += 1
        body = {
            "team_id": self.team,
            "api_app_id": self.app,
            "type": "event_callback",
            "event_id": f"Ev{self.seq:06d}",
            "event_time": int(time.time()),
            "event": event,
        }
        return self.send(json.dumps(body).encode(), "application/json")
