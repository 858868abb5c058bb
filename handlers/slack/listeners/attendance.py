"""Regrets in Slack: replies to a reminder, DMs to the bot, the buttons, `/klu afbud`.

A message event is stored in the inbox (bot/inbox.py) under its event id and answered at
once; the web process's worker (or the clock, should that process die) works on it right
after. Events are handled once: Slack's retries (same event_id, X-Slack-Retry-Num) add no
second inbox row, and the event id is recorded in the same transaction as the change
(bot.attendance.answers), so an event handed over again after a crash changes nothing.
The bot's own messages, other bots' and edits (any subtype) are ignored; only DMs
(message.im) are read.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot import texts
from bot.attendance.answers import (
    Answer,
    ReplyTo,
    answer_only,
    answer_reply,
    meeting_of_message,
)
from bot.attendance.replies import Intent, parse_command_reason, parse_reply
from bot.domain import Person
from bot.messaging import inbox
from bot.people.identity import contact_of
from bot.validation import is_id
from handlers.bootstrap import Container
from handlers.slack import blocks as b
from handlers.slack.commands import CommandReply, CommandRequest, register_subcommand
from handlers.slack.deps import Background, SlackDeps
from handlers.slack.identity import link_now
from handlers.slack.inbound import typed
from handlers.slack.render import ATTEND_ACTION, REGRETS_ACTION

log = logging.getLogger(__name__)


def is_own_or_bot(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """Messages to ignore: bots (ours too), edits, joins and other subtypes."""
    return bool(
        event.get("bot_id")
        or event.get("subtype")
        or not event.get("user")
        or (bot_user_id and event.get("user") == bot_user_id)
    )


def _person(container: Container, user_id: str) -> Person | None:
    with container.uow() as uow:
        return uow.people.by_slack_id(user_id)


def _linked(deps: SlackDeps, user_id: str) -> Person | None:
    """The roster person of a Slack user, linked by e-mail now if they are not yet."""
    person = _person(deps.container, user_id)
    if person is None and link_now(deps, user_id):
        person = _person(deps.container, user_id)
    return person


MESSAGE = "slack.message"


def on_message(deps: SlackDeps, event: dict[str, Any], event_id: str, bot_user: str | None) -> None:
    """A DM to the bot, or a reply in the thread of a reminder DM: stored in the inbox
    (bot/inbox.py) and answered at once; the worker reads it right after (process_message)."""
    if is_own_or_bot(event, bot_user):
        return
    channel = str(event.get("channel") or "")
    if event.get("channel_type") != "im" and not channel.startswith("D"):
        return  # not subscribed to channels; ignore should one arrive
    c = deps.container
    payload = {"event_id": event_id, "event": event}
    if inbox.receive(c.uow(), key=event_id, kind=MESSAGE, payload=payload, now=c.clock()):
        deps.background.notify()


def process_message(
    container: Container, background: Background, payload: Mapping[str, Any]
) -> None:
    """Work on a stored message: regrets, attendance, or a hint; answered in its thread."""
    event, event_id = payload["event"], str(payload["event_id"])
    channel = str(event.get("channel") or "")
    thread_ts = event.get("thread_ts")
    reply_to = ReplyTo(channel, str(thread_ts) if thread_ts else None)
    c = container
    found = meeting_of_message(c.uow(), channel, str(thread_ts)) if thread_ts else None
    user_id = str(event["user"])
    person = _person(container, user_id)
    if person is None and background.link_now(user_id):
        person = _person(container, user_id)
    if person is None:
        background.link_user(user_id)
        text = texts.SLACK_NOT_LINKED.format(contact=_contact(container))
        answer_only(c.uow(), request_id=event_id, reply_to=reply_to, text=text, now=c.clock())
    else:
        reply = parse_reply(typed(event.get("text")))
        answer_reply(
            c.uow(),
            request_id=event_id,
            person=person,
            intent=reply.intent,
            reason=reply.reason,
            meeting_id=found[0] if found else None,
            via="slack-svar" if found else "slack-dm",
            now=c.clock(),
            reply_to=reply_to,
        )
    background.notify()


def slack_event_handlers(
    container: Container, background: Background
) -> dict[str, inbox.InboxHandler]:
    """What the worker does with each kind of stored Slack event."""
    return {MESSAGE: partial(process_message, container, background)}


def _contact(container: Container) -> str:
    with container.uow() as uow:
        committees = uow.committees.list()
    return contact_of(committees[0] if len(committees) == 1 else None)


def on_button(deps: SlackDeps, body: dict[str, Any], intent: Intent, request_id: str) -> None:
    """ "Jeg kommer" / "Meld afbud" under an agenda reminder; the answer goes in its thread."""
    action = (body.get("actions") or [{}])[0]
    user_id = str((body.get("user") or {}).get("id") or "")
    channel = str((body.get("container") or {}).get("channel_id") or "")
    ts = str(
        (body.get("message") or {}).get("ts")
        or (body.get("container") or {}).get("message_ts")
        or ""
    )
    reply_to = ReplyTo(channel, ts or None)
    value = str(action.get("value") or "")
    c = deps.container
    person = _linked(deps, user_id)
    if person is None:
        text = texts.SLACK_NOT_LINKED.format(contact=_contact(deps.container))
        answer_only(c.uow(), request_id=request_id, reply_to=reply_to, text=text, now=c.clock())
    else:
        answer_reply(
            c.uow(),
            request_id=request_id,
            person=person,
            intent=intent,
            meeting_id=int(value) if is_id(value) else None,
            via="slack-knap",
            now=c.clock(),
            reply_to=reply_to,
        )
    deps.background.notify()


def _command(request: CommandRequest, intent: Intent, reason: str) -> CommandReply:
    deps, c = request.deps, request.deps.container
    person = _linked(deps, request.user_id)
    if person is None:
        return b.message(texts.SLACK_NOT_LINKED.format(contact=b.escape(_contact(deps.container))))
    answer: Answer = answer_reply(
        c.uow(),
        request_id=f"cmd:{request.request_id}",
        person=person,
        intent=intent,
        reason=reason,
        meeting_id=None,
        via="slack-kommando",
        now=c.clock(),
        reply_to=None,
    )
    deps.background.notify()
    return b.message(b.escape(answer.text))


def regrets_command(request: CommandRequest) -> CommandReply:
    """`/klu afbud [grund]`: regrets for your next meeting."""
    return _command(request, Intent.REGRETS, parse_command_reason(request.rest))


def attend_command(request: CommandRequest) -> CommandReply:
    """`/klu kommer`: you come after all (takes back regrets)."""
    return _command(request, Intent.ATTEND, "")


def register_message(app: App, deps: SlackDeps) -> None:
    """The message listener (a DM or a reply to the bot): see handlers/slack/app.py for why
    it is registered apart from, and before, the rest."""

    @app.event("message")
    def message(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
        event_id = str(body.get("event_id") or f"msg:{event.get('channel')}:{event.get('ts')}")
        on_message(deps, event, event_id, context.bot_user_id)


def register(app: App, deps: SlackDeps) -> None:
    """The two buttons and the two verbs."""
    register_subcommand(
        "afbud", regrets_command, usage=texts.SLACK_USAGE_REGRETS, help=texts.SLACK_HELP_REGRETS
    )
    register_subcommand(
        "kommer", attend_command, usage=texts.SLACK_USAGE_ATTEND, help=texts.SLACK_HELP_ATTEND
    )

    @app.action(REGRETS_ACTION)
    def regrets_button(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        on_button(deps, body, Intent.REGRETS, _action_id(body, context))

    @app.action(ATTEND_ACTION)
    def attend_button(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        on_button(deps, body, Intent.ATTEND, _action_id(body, context))


def _action_id(body: dict[str, Any], context: BoltContext) -> str:
    """A click's id: its trigger id (unique per click)."""
    action = (body.get("actions") or [{}])[0]
    user = (body.get("user") or {}).get("id")
    trigger = body.get("trigger_id") or context.get("request_id")
    return f"act:{trigger}:{user}:{action.get('action_ts', '')}"
