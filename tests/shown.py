"""What a queued delivery will send: its Message rendered by the way out it is queued for.

Tests that read the outbox look at this (the Slack operation, or the e-mail's fields), not at
the neutral Message the core stored (bot/messaging/message.py)."""

from __future__ import annotations

from typing import Any

from bot.domain import Delivery
from bot.messaging.outbox import SLACK, payload_of
from handlers.mail.render import mail_fields
from handlers.slack.render import operation


def shown(delivery: Delivery) -> dict[str, Any]:
    """The Slack operation or the e-mail fields of a delivery."""
    payload = payload_of(delivery)
    return operation(payload) if delivery.channel == SLACK else mail_fields(payload)
