"""`/klu <verb> <rest>`: one grammar (bot.commands), one dispatch table that parts extend.

A subcommand handler takes a CommandRequest and returns the message body that is the ack
itself (ephemeral unless it says otherwise), so the answer costs no Web API call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltContext

from bot import texts
from bot.commands import HELP, parse_command, verb_key
from bot.people.identity import Caller
from bot.topics.board import meeting_brief
from handlers.slack.deps import SlackDeps
from handlers.slack.identity import caller_for, is_direct
from handlers.slack.inbound import typed
from handlers.slack.listeners.topics import views

CommandReply = dict[str, Any]


@dataclass(frozen=True)
class CommandRequest:
    """One `/klu` invocation: the verb's argument text and the Slack fields around it."""

    deps: SlackDeps
    body: dict[str, Any]
    verb: str
    rest: str
    request_id: str

    @property
    def user_id(self) -> str:
        return str(self.body.get("user_id") or "")

    @property
    def channel_id(self) -> str:
        return str(self.body.get("channel_id") or "")

    @property
    def trigger_id(self) -> str:
        return str(self.body.get("trigger_id") or "")

    @property
    def direct(self) -> bool:
        return is_direct(self.channel_id, self.body.get("channel_name"))

    def caller(self) -> Caller:
        """The roster person behind the command and the committee it is about."""
        return caller_for(self.deps, self.user_id, self.channel_id, direct=self.direct)


CommandHandler = Callable[[CommandRequest], CommandReply]


log = logging.getLogger(__name__)
CONFLICT_RETRIES = 3  # a deadlock between two workers is rare; three tries are plenty


def remembered(request: CommandRequest, compute: Callable[[], CommandReply]) -> CommandReply:
    """A read-only answer, kept while the data is unchanged (handlers/slack/answers.py): the
    key is everything it depends on besides the data, down to the minute of the clock."""
    minute = request.deps.container.clock().replace(second=0, microsecond=0)
    key = (request.verb, request.rest, request.user_id, request.channel_id, request.direct)
    return request.deps.answers.get((*key, minute), compute)


@dataclass(frozen=True)
class Subcommand:
    """A verb's handler and its line in the help."""

    handler: CommandHandler
    usage: str
    help: str


_SUBCOMMANDS: dict[str, Subcommand] = {}


def register_subcommand(
    verb: str, handler: CommandHandler, *, usage: str = "", help: str = ""
) -> None:
    """Add (or replace) a `/klu` verb; `usage`/`help` go into `/klu hjælp` when given."""
    _SUBCOMMANDS[verb_key(verb)] = Subcommand(handler, usage, help)


def help_entries() -> list[tuple[str, str]]:
    """(usage, help) for every documented verb, in registration order, `hjælp` last."""
    help_key = verb_key(HELP)
    ordered = sorted(_SUBCOMMANDS.items(), key=lambda kv: kv[0] == help_key)
    return [(s.usage, s.help) for _, s in ordered if s.usage]


def help_reply(request: CommandRequest | None = None, prefix: str = "") -> CommandReply:
    """The command list."""
    return views.help_message(help_entries(), prefix)


def next_meeting_reply(request: CommandRequest) -> CommandReply:
    """`/klu næste`: the next meeting with place, agenda and time plan."""
    c = request.deps.container
    return remembered(
        request, lambda: views.meeting_message(meeting_brief(c.uow(), request.caller(), c.clock()))
    )


def handle_command(deps: SlackDeps, body: dict[str, Any], request_id: str) -> CommandReply:
    """Parse the text and run the verb's handler; unknown verbs get the help."""
    command = parse_command(body.get("text"))
    sub = _SUBCOMMANDS.get(command.verb)
    if sub is None:
        typed = str(body.get("text") or "").split(maxsplit=1)[0]
        return help_reply(prefix=texts.SLACK_UNKNOWN_COMMAND.format(verb=typed[:50]))
    request = CommandRequest(deps, body, command.verb, command.rest, request_id)
    for attempt in range(CONFLICT_RETRIES):
        try:
            return sub.handler(request)
        except Exception as exc:  # a deadlock rolled the whole transaction back: run it again
            if attempt + 1 == CONFLICT_RETRIES or not deps.container.conflicted(exc):
                raise
            log.warning("command %s met a concurrent transaction; trying again", command.verb)
    raise AssertionError("unreachable")


def register(app: App, deps: SlackDeps) -> None:
    """The /klu command and the built-in verbs (hjælp, næste)."""
    register_subcommand(HELP, help_reply, usage=texts.SLACK_USAGE_HELP, help=texts.SLACK_HELP_HELP)
    register_subcommand(
        "næste", next_meeting_reply, usage=texts.SLACK_USAGE_NEXT, help=texts.SLACK_HELP_NEXT
    )

    @app.command("/klu")
    def klu(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        body = {**body, "text": typed(body.get("text"))}  # what the person typed
        reply = handle_command(deps, body, str(context.get("request_id") or ""))
        ack(reply) if reply else ack()
