"""Helpers shared by the minutes listeners: the secretary check, opening a modal, values."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.errors import SlackApiError

from bot import texts
from bot.errors import PermissionDeniedError
from bot.people.identity import Caller
from handlers.slack.deps import SlackDeps

log = logging.getLogger(__name__)


def secretary_caller(caller: Caller, action: str) -> Caller:
    """The caller, when they are the committee's secretary."""
    if not caller.is_secretary:
        raise PermissionDeniedError(texts.ONLY_SECRETARY.format(action=action))
    return caller


def open_modal(deps: SlackDeps, body: dict[str, Any], view: dict[str, Any]) -> None:
    """views.open right away (trigger ids expire after 3 s)."""
    try:
        deps.interactive.views_open(trigger_id=str(body.get("trigger_id") or ""), view=view)
    except (SlackApiError, OSError) as exc:
        log.warning("views.open failed: %s", exc)


def action_value(body: dict[str, Any]) -> str:
    """The clicked button's value."""
    return str(((body.get("actions") or [{}])[0]).get("value") or "")
