"""Slack user -> roster person (by linked id, else by e-mail in the background)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.people.identity import (
    Caller,
    NotLinkedError,
    link_chat_user,
    resolve_caller,
    unlinked_people,
)
from bot.ports import UnitOfWork
from handlers.slack.deps import SlackDeps

log = logging.getLogger(__name__)


def is_direct(channel_id: str | None, channel_name: str | None = None) -> bool:
    """True for a DM with the bot (or a request with no channel, like App Home)."""
    return not channel_id or channel_id.startswith("D") or channel_name == "directmessage"


def caller_for(deps: SlackDeps, user_id: str, channel_id: str | None, *, direct: bool) -> Caller:
    """Resolve the caller. A Slack user not linked yet is linked by e-mail at once (the first
    command after a roster import just works); one not on the roster is told how to get on."""
    c = deps.container
    today = _today(deps)

    def resolve() -> Caller:
        return deps.answers.get(
            ("caller", user_id, channel_id, direct, today),
            lambda: resolve_caller(
                c.uow(), user_id, channel_id=channel_id, direct=direct, today=today
            ),
            roster_only=True,
        )

    try:
        return resolve()
    except NotLinkedError:
        if not link_now(deps, user_id):
            raise
    return resolve()


def link_now(deps: SlackDeps, user_id: str) -> bool:
    """Link a Slack user not yet linked to the roster person with their Slack e-mail, inside
    the request (users.info with the short timeout); True when they are now linked. When
    Slack does not answer in time, the background worker tries again."""
    if not user_id:
        return False
    if Linker(deps.container.uow, deps.interactive).link_user(user_id):
        return True
    deps.background.link_user(user_id)
    return False


def _today(deps: SlackDeps) -> date:
    return deps.container.clock().date()


def body_caller(deps: SlackDeps, body: dict[str, Any]) -> Caller:
    """The caller of an interaction payload (block action or view submission)."""
    user = body.get("user") or {}
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
        "channel_id"
    )
    return caller_for(deps, str(user.get("id", "")), channel, direct=is_direct(channel))


class Linker:
    """Links roster people to Slack users by e-mail (needs the users:read.email scope)."""

    def __init__(self, uow: Callable[[], UnitOfWork], client: WebClient) -> None:
        self.uow = uow
        self.client = client

    def link_user(self, user_id: str) -> bool:
        """users.info -> e-mail -> roster; True when the user is now linked."""
        try:
            response = self.client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("users.info %s failed: %s", user_id, exc.response.get("error"))
            return False
        except OSError as exc:  # a timeout or a refused connection: the worker tries later
            log.warning("users.info %s failed: %s", user_id, exc)
            return False
        email = str(((response.get("user") or {}).get("profile") or {}).get("email") or "")
        person = link_chat_user(self.uow(), email, user_id) if email else None
        return person is not None and person.slack_user_id == user_id

    def link_all(self) -> int:
        """users.lookupByEmail for every roster person not yet linked; how many were linked."""
        linked = 0
        for person in unlinked_people(self.uow()):
            assert person.email is not None
            try:
                response = self.client.users_lookupByEmail(email=person.email)
            except SlackApiError:
                continue  # not in this workspace (users_not_found) or a hiccup: next round
            user_id = str((response.get("user") or {}).get("id") or "")
            if user_id and link_chat_user(self.uow(), person.email, user_id) is not None:
                linked += 1
        return linked


__all__ = [
    "Caller",
    "Linker",
    "NotLinkedError",
    "body_caller",
    "caller_for",
    "is_direct",
    "link_now",
]
