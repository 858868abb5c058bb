"""Sends Slack outbox rows through the real Web API client (slack_sdk), after the ack.

Payload operations: post (channel message), dm (opens the DM first), upload (a file into a
DM, files_upload_v2), update (chat.update of an earlier post), home (views.publish),
respond (POST to an interaction's response_url).
"""

from __future__ import annotations

import base64
import logging
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.domain import Delivery
from bot.outbox import PermanentFailure, TemporaryFailure, payload_of

log = logging.getLogger(__name__)

PERMANENT_ERRORS = {
    "channel_not_found",
    "not_in_channel",
    "is_archived",
    "user_not_found",
    "users_not_found",
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "cannot_dm_bot",
    "invalid_blocks",
    "msg_too_long",
    "no_text",
    "message_not_found",
    "cant_update_message",
    "invalid_arguments",
}


def make_client(token: str, base_url: str, timeout: int = 10) -> WebClient:
    """A WebClient with no automatic retries: the outbox decides when to try again."""
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=[])


class SlackSender:
    """bot.outbox.Sender for the 'slack' channel."""

    def __init__(self, client: WebClient) -> None:
        self.client = client

    def send(self, delivery: Delivery) -> str:
        payload = payload_of(delivery)
        try:
            return self._send(payload)
        except SlackApiError as exc:
            raise _classify(exc) from exc
        except (URLError, OSError, TimeoutError) as exc:
            raise TemporaryFailure(f"network: {exc}") from exc

    def open_dm(self, user: str) -> str:
        """The DM channel id with a user."""
        response = self.client.conversations_open(users=user)
        return str(response["channel"]["id"])

    def _send(self, p: dict[str, Any]) -> str:
        op = p.get("op")
        message = {k: p[k] for k in ("text", "blocks", "thread_ts") if p.get(k) is not None}
        if op == "post":
            response = self.client.chat_postMessage(channel=p["channel"], **message)
            return f"{response['channel']}|{response['ts']}"
        if op == "dm":
            channel = self.open_dm(p["user"])
            response = self.client.chat_postMessage(channel=channel, **message)
            return f"{response['channel']}|{response['ts']}"
        if op == "update":
            response = self.client.chat_update(channel=p["channel"], ts=p["ts"], **message)
            return f"{response['channel']}|{response['ts']}"
        if op == "upload":
            # into a channel when given, else a DM; binary files travel base64 in content_b64
            channel = p.get("channel") or self.open_dm(p["user"])
            content = base64.b64decode(p["content_b64"]) if "content_b64" in p else p["content"]
            response = self.client.files_upload_v2(
                channel=channel,
                content=content,
                filename=p["filename"],
                title=p.get("title") or p["filename"],
                initial_comment=p.get("initial_comment"),
            )
            file = response.get("file") or {}
            return f"{channel}|{file.get('id', '')}"
        if op == "respond":
            return _respond(p["url"], p["message"])
        if op == "home":
            self.client.views_publish(user_id=p["user"], view=p["view"])
            return str(p["user"])
        raise PermanentFailure(f"unknown slack op {op!r}")


def _respond(url: str, message: dict[str, Any]) -> str:
    """POST to an interaction's response_url (valid 30 min, 5 uses)."""
    response = WebhookClient(url, timeout=10).send_dict(message)
    if response.status_code == 429 or response.status_code >= 500:
        raise TemporaryFailure(f"response_url http {response.status_code}")
    if response.status_code >= 400:
        raise PermanentFailure(f"response_url http {response.status_code} {response.body}")
    return "respond"


def _classify(exc: SlackApiError) -> Exception:
    response = exc.response
    status = getattr(response, "status_code", 200)
    error = str(response.get("error", "")) if response is not None else ""
    if status == 429 or error == "ratelimited":
        headers = getattr(response, "headers", {}) or {}
        retry = headers.get("Retry-After") or headers.get("retry-after")
        return TemporaryFailure("ratelimited", float(retry) if retry else None)
    if error in PERMANENT_ERRORS:
        return PermanentFailure(error)
    return TemporaryFailure(f"http {status} {error}".strip())
