"""The Bolt app: one App, the listener modules, and one place that answers errors.

Listener contract: each listener module exposes
`register(app: slack_bolt.App, deps: handlers.slack.deps.SlackDeps) -> None` and registers
its listeners there, and its register is one line of LISTENERS below. `/klu` verbs are added with
`handlers.slack.commands.register_subcommand(verb, handler, usage=..., help=...)`.
Listeners ack quickly: answer a slash command with the ack body itself, and send everything
else through the outbox (handlers.slack.outgoing.send_later / respond_later). Domain errors
(bot.errors.KluError) may simply be raised: `_on_error` below answers them in Danish.
What the database could not store is never answered as done: an event gets 503 (Slack
sends it again), a command says that nothing was saved, a button or form that cannot be
told so gets 503.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_sdk import WebClient

from bot import texts
from bot.errors import KluError
from handlers.bootstrap import Container
from handlers.logs import install_record_factory, set_request_id
from handlers.slack import commands
from handlers.slack.answers import AnswerCache, NoCache
from handlers.slack.authenticity import authentic
from handlers.slack.blocks import escape, message
from handlers.slack.deps import Background, NoBackground, SlackDeps
from handlers.slack.listeners import attendance as regrets
from handlers.slack.listeners import home, invitations, routes
from handlers.slack.listeners.meetings import commands as meeting_commands
from handlers.slack.listeners.minutes import commands as minutes_commands
from handlers.slack.listeners.topics import commands as topic_commands
from handlers.slack.outgoing import respond_later
from handlers.slack.sender import make_client

log = logging.getLogger(__name__)
INTERACTIVE_TIMEOUT = 2

# Bolt tries listeners in the order they were registered, and each try costs (it builds the
# matcher's arguments): the two that take nearly all the traffic, the /klu command and
# message events, are registered first.
FIRST = [commands.register, regrets.register_message]

# Listener modules' register(app, deps), in order. Add yours as one more line.
LISTENERS: list[Callable[[App, SlackDeps], None]] = [
    topic_commands.register,
    home.register,
    meeting_commands.register,
    minutes_commands.register,
    regrets.register,
    invitations.register,
    routes.register,
]


def create_app(
    container: Container, client: WebClient | None = None, background: Background | None = None
) -> App:
    """The Bolt app over the container; signatures are checked with SLACK_SIGNING_SECRET."""
    settings = container.settings
    client = client or make_client(settings.slack_bot_token, settings.slack_api_url)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        process_before_response=True,
        token_verification_enabled=False,
    )
    interactive = make_client(client.token or "", client.base_url, timeout=INTERACTIVE_TIMEOUT)
    answers = AnswerCache(container.revision_reader()) if settings.answer_cache else NoCache()
    deps = SlackDeps(container, client, interactive, background or NoBackground(), answers)
    install_record_factory()
    app.use(_request_id)
    app.error(_on_error(deps))
    for first in FIRST:
        first(app, deps)
    for register in LISTENERS:
        register(app, deps)
    return app


def _request_id(context: BoltContext, body: dict[str, Any], next: Callable[[], None]) -> None:
    """Give every request an id for the logs (Slack's event id or trigger id when there is);
    every log line made while it is handled carries it (handlers.logs)."""
    request_id = str(body.get("event_id") or body.get("trigger_id") or uuid.uuid4().hex[:12])
    context["request_id"] = request_id
    set_request_id(request_id)
    next()


def _first_input(body: dict[str, Any]) -> str | None:
    for block in (body.get("view") or {}).get("blocks") or []:
        if block.get("type") == "input" and block.get("block_id"):
            return str(block["block_id"])
    return None


def _unverified(request: BoltRequest, secret: str) -> str | None:
    """Why this request is not proven to be Slack's, or None (Socket Mode's requests come over
    the app's own authenticated connection)."""
    if request.mode == "socket_mode":
        return None

    def first(name: str) -> str | None:
        values = request.headers.get(name) or []
        return str(values[0]) if values else None

    return authentic(
        request.raw_body.encode("utf-8"),
        first("x-slack-request-timestamp"),
        first("x-slack-signature"),
        secret,
    )


def _on_error(deps: SlackDeps) -> Callable[..., BoltResponse]:
    secret = deps.container.settings.slack_signing_secret or ""

    def handle(error: Exception, body: dict[str, Any], request: BoltRequest) -> BoltResponse:
        refused = _unverified(request, secret)
        if refused is not None:  # a second line behind the WSGI check: never act for a stranger
            log.warning("unauthenticated request refused after an error: %s", refused)
            return BoltResponse(status=401, body="")
        request_id = str(request.context.get("request_id") or "-")
        failed = deps.container.storage_failed(error)  # the database, not the request
        if isinstance(error, KluError):
            text = error.message
        else:
            log.error("request %s failed", request_id, exc_info=error)
            text = texts.SLACK_ERROR_REF.format(
                message=texts.STORAGE_UNAVAILABLE if failed else texts.UNEXPECTED_ERROR,
                request_id=request_id,
            )
        shown = escape(text)  # errors quote what the user typed: never let it ping or link
        if "command" in body:
            return BoltResponse(status=200, body=message(shown))
        kind = body.get("type")
        # Not stored, so not acknowledged: Slack sends an event again on a non-2xx answer, and
        # shows a button or form as failed rather than done.
        unstored = BoltResponse(status=503, body="")
        if kind == "event_callback":
            return unstored if failed else BoltResponse(status=200, body="")
        block = _first_input(body) if kind == "view_submission" else None
        if block is not None:
            return BoltResponse(
                status=200, body={"response_action": "errors", "errors": {block: text}}
            )
        url = body.get("response_url")
        if (
            kind == "block_actions"
            and isinstance(url, str)
            and url.startswith(("https://", "http://"))
        ):
            try:
                respond_later(deps, body, message(shown), key=f"error:{request_id}", replace=False)
            except Exception:  # the outbox cannot be written either
                log.exception("request %s: its apology could not be queued", request_id)
                return unstored
        elif failed:
            return unstored
        return BoltResponse(status=200, body="")

    return handle
