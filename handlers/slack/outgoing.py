"""Everything a listener sends after the ack goes through the outbox, then wakes the worker."""

from __future__ import annotations

from typing import Any

from bot.messaging.outbox import SLACK, enqueue
from handlers.slack.deps import SlackDeps


def send_later(
    deps: SlackDeps, *, key: str, kind: str, recipient: str, payload: dict[str, Any]
) -> bool:
    """Enqueue one Slack operation (see handlers/slack/sender.py) and wake the worker."""
    c = deps.container
    with c.uow() as uow:
        new = enqueue(
            uow,
            key=key,
            channel=SLACK,
            kind=kind,
            recipient=recipient,
            payload=payload,
            now=c.clock(),
        )
        uow.commit()
    deps.background.notify()
    return new


def respond_later(
    deps: SlackDeps, body: dict[str, Any], message: dict[str, Any], *, key: str, replace: bool
) -> bool:
    """Answer an interaction through its response_url (replacing the message or not)."""
    url = str(body.get("response_url") or "")
    if not url:
        return False
    user = str((body.get("user") or {}).get("id") or "")
    payload = {
        "op": "respond",
        "url": url,
        "message": {**message, "replace_original": replace},
    }
    return send_later(deps, key=key, kind="respond", recipient=user, payload=payload)
