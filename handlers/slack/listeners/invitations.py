"""`/klu indkald [mødenr]` and the "Send indkaldelse" button: the secretary calls a meeting.

Thin: check the caller, call bot.invitations.sync.send_invitations, answer in Danish.
The DMs, .ics files and e-mails go through the outbox (the worker sends them).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot import texts
from bot.errors import PermissionDeniedError
from bot.invitations.sync import report_text, send_invitations
from bot.meetings.planning import resolve_meeting
from bot.people.identity import Caller
from handlers.delivery import calendar_mailbox, email_enabled
from handlers.slack import blocks as b
from handlers.slack.commands import CommandReply, CommandRequest, register_subcommand
from handlers.slack.deps import SlackDeps
from handlers.slack.identity import body_caller
from handlers.slack.outgoing import respond_later
from handlers.slack.render import SEND_ACTION


def _secretary(caller: Caller) -> Caller:
    if not caller.is_secretary:
        raise PermissionDeniedError(texts.ONLY_SECRETARY.format(action=texts.INVITE_ACTION))
    return caller


def send_reply(deps: SlackDeps, caller: Caller, ref: str | None) -> CommandReply:
    """Send the meeting's invitations (only what is new) and say what went where."""
    c = deps.container
    with c.uow() as uow:
        meeting = resolve_meeting(uow, caller.committee, ref, c.clock())
    assert meeting.id is not None
    report = send_invitations(
        c.uow(),
        meeting.id,
        now=c.clock(),
        email_enabled=email_enabled(c.settings),
        mailbox=calendar_mailbox(c.settings),
    )
    deps.background.notify()
    return b.message(b.escape(report_text(report)))


def indkald_command(request: CommandRequest) -> CommandReply:
    """`/klu indkald [mødenr]` (secretary only; default: the next meeting)."""
    caller = _secretary(request.caller())
    return send_reply(request.deps, caller, request.rest.strip() or None)


def on_send_button(deps: SlackDeps, body: dict[str, Any]) -> None:
    """'Send indkaldelse' (value: meeting id)."""
    caller = _secretary(body_caller(deps, body))
    value = str(((body.get("actions") or [{}])[0]).get("value") or "")
    reply = send_reply(deps, caller, value or None)
    respond_later(deps, body, reply, key=f"indkald:{body.get('trigger_id')}", replace=False)


def register(app: App, deps: SlackDeps) -> None:
    """The verb and the button."""
    register_subcommand(
        "indkald", indkald_command, usage=texts.INVITE_USAGE, help=texts.INVITE_HELP
    )

    @app.action(SEND_ACTION)
    def send_button(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        on_send_button(deps, body)
