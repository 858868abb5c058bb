"""Sends Slack outbox rows through the real Web API client (slack_sdk), after the ack.

Rows carry a neutral Message (bot/messaging/message.py), rendered by handlers/slack/render.py
into one operation; rows queued before that carry the operation itself and go out as they are.
Operations: post (channel message), dm (opens the DM first), upload (a file into a DM,
files_upload_v2), update (chat.update of an earlier post), home (views.publish),
respond (POST to an interaction's response_url).

Exactly once across a crash: post and dm carry Slack message metadata
{"event_type": "klu_delivery", "event_payload": {"key": <outbox key>}}. A row claimed before
(`Delivery.tried_before()`: the earlier claim died or failed mid-send) is first looked up
with conversations.history (conversations.replies in a thread); when the message is there,
its "channel|ts" is the result and nothing is posted again.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.domain import Delivery
from bot.messaging.outbox import PermanentFailure, TemporaryFailure, payload_of
from handlers.slack.render import operation

log = logging.getLogger(__name__)

EVENT_TYPE = "klu_delivery"
LOOKBACK = timedelta(seconds=1)  # before the row was created: Slack's clock may differ a bit
HISTORY_PAGES = 5  # of 200 messages each

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
    """bot.messaging.outbox.Sender for the 'slack' channel."""

    def __init__(
        self, client: WebClient, documents: Callable[[Mapping[str, Any]], bytes] | None = None
    ) -> None:
        self.client = client
        self.documents = documents

    def send(self, delivery: Delivery) -> str:
        payload = operation(payload_of(delivery))
        try:
            if delivery.tried_before() and payload.get("op") in ("post", "dm"):
                found = self.recover(delivery, payload)
                if found is not None:
                    log.info("delivery %s was already posted as %s", delivery.key, found)
                    return found
            return self._send(payload, delivery.key)
        except SlackApiError as exc:
            raise _classify(exc) from exc
        except (URLError, OSError, TimeoutError) as exc:
            raise TemporaryFailure(f"network: {exc}") from exc

    def _content(self, p: dict[str, Any]) -> Any:
        return _content_of(p, self.documents)

    def open_dm(self, user: str) -> str:
        """The DM channel id with a user."""
        response = self.client.conversations_open(users=user)
        return str(response["channel"]["id"])

    def recover(self, delivery: Delivery, p: dict[str, Any]) -> str | None:
        """ "channel|ts" of the message an earlier claim already posted for this row, or None.

        A permanent error while looking (e.g. a missing history scope) is logged and the row
        is posted (at least once); a temporary one is raised so the row is tried later.
        """
        try:
            channel = p["channel"] if p.get("op") == "post" else self.open_dm(p["user"])
            return self._find(channel, p.get("thread_ts"), delivery)
        except SlackApiError as exc:
            failure = _classify(exc)
            if isinstance(failure, TemporaryFailure):
                raise
            log.warning("cannot look for delivery %s before re-posting: %s", delivery.key, failure)
            return None

    def _find(self, channel: str, thread_ts: str | None, delivery: Delivery) -> str | None:
        oldest = f"{(delivery.created_at - LOOKBACK).timestamp():.6f}"
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            args: dict[str, Any] = {
                "channel": channel, "oldest": oldest, "include_all_metadata": True,
                "limit": 200, "cursor": cursor,
            }  # fmt: skip
            if thread_ts:
                response = self.client.conversations_replies(ts=thread_ts, **args)
            else:
                response = self.client.conversations_history(**args)
            for message in response.get("messages") or []:
                metadata = message.get("metadata") or {}
                if metadata.get("event_type") != EVENT_TYPE:
                    continue
                if (metadata.get("event_payload") or {}).get("key") == delivery.key:
                    return f"{response.get('channel') or channel}|{message['ts']}"
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not response.get("has_more") or not cursor:
                return None
        return None

    def _send(self, p: dict[str, Any], key: str) -> str:
        op = p.get("op")
        message = {k: p[k] for k in ("text", "blocks", "thread_ts") if p.get(k) is not None}
        metadata = {"event_type": EVENT_TYPE, "event_payload": {"key": key}}
        if op == "post":
            response = self.client.chat_postMessage(
                channel=p["channel"], metadata=metadata, **message
            )
            return f"{response['channel']}|{response['ts']}"
        if op == "dm":
            channel = self.open_dm(p["user"])
            response = self.client.chat_postMessage(channel=channel, metadata=metadata, **message)
            return f"{response['channel']}|{response['ts']}"
        if op == "update":
            response = self.client.chat_update(channel=p["channel"], ts=p["ts"], **message)
            return f"{response['channel']}|{response['ts']}"
        if op == "upload":
            # into a channel when given, else a DM; binary files travel base64 in content_b64
            channel = p.get("channel") or self.open_dm(p["user"])
            content = self._content(p)
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


def _content_of(p: dict[str, Any], documents: Callable[[Mapping[str, Any]], bytes] | None) -> Any:
    """The file's bytes: a named document rendered now, else what the payload carries."""
    if "document" in p:
        if documents is None:
            raise PermanentFailure("this process cannot render documents")
        return documents(p["document"])
    return base64.b64decode(p["content_b64"]) if "content_b64" in p else p["content"]


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
