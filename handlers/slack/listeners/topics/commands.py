"""The bruttoliste in Slack: `/klu emne` (text or modal), `/klu bruttoliste`, its buttons.

views.open is the one Web API call made inside a request: the trigger_id expires after 3 s,
so the outbox would be too late. It runs with a short timeout; everything else is queued.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App, BoltContext
from slack_sdk.errors import SlackApiError

from bot import texts
from bot.domain import Topic
from bot.errors import InputError
from bot.messaging.outbox import SLACK, enqueue
from bot.people.identity import Caller
from bot.people.roster import require_secretary
from bot.ports import UnitOfWork
from bot.time.parse import format_date
from bot.topics import proposals as topics
from bot.topics.board import topic_board
from bot.topics.form import check_topic_form
from bot.validation import is_id
from handlers.slack import blocks as b
from handlers.slack.commands import CommandReply, CommandRequest, register_subcommand, remembered
from handlers.slack.deps import SlackDeps
from handlers.slack.identity import body_caller, caller_for, is_direct
from handlers.slack.inbound import submitted
from handlers.slack.listeners.topics import views
from handlers.slack.outgoing import respond_later

log = logging.getLogger(__name__)


def _confirmation(caller: Caller, topic: Topic) -> str:
    return texts.SLACK_TOPIC_ADDED.format(
        committee=b.escape(caller.committee.name),
        id=topic.id,
        text=b.clip(b.escape(topic.text), 2500).replace("\n", "\n>"),
    )


def propose(request: CommandRequest) -> CommandReply:
    """`/klu emne <tekst>` adds the topic; `/klu emne` alone opens the form."""
    caller = request.caller()
    c = request.deps.container
    if not request.rest:
        return open_topic_modal(request, caller)
    spec = topics.NewTopic(text=request.rest, origin=texts.SLACK_ORIGIN)
    topic = topics.propose_topic(c.uow(), caller.committee, caller.person, spec, now=c.clock())
    return b.message(_confirmation(caller, topic))


def open_topic_modal(request: CommandRequest, caller: Caller) -> CommandReply:
    """Open the form with views.open (directly: the trigger_id expires in 3 s)."""
    metadata = {"committee_id": caller.committee.id, "channel_id": request.channel_id}
    view = views.topic_modal(caller.committee, metadata)
    try:
        request.deps.interactive.views_open(trigger_id=request.trigger_id, view=view)
    except (SlackApiError, OSError) as exc:
        log.warning("views.open failed (%s): %s", request.request_id, exc)
        return b.message(texts.SLACK_MODAL_FAILED)
    return {}


def _value(state: dict[str, Any], field: str) -> str:
    block = state.get(views.TOPIC_FIELDS[field]) or {}
    return submitted((block.get("value") or {}).get("value"))


def submit_topic(deps: SlackDeps, body: dict[str, Any]) -> CommandReply:
    """The form's submission: field errors go back to the form, else the topic is added."""
    view = body.get("view") or {}
    state = (view.get("state") or {}).get("values") or {}
    metadata = json.loads(view.get("private_metadata") or "{}")
    channel = str(metadata.get("channel_id") or "")
    user = str((body.get("user") or {}).get("id") or "")
    caller = caller_for(deps, user, channel, direct=is_direct(channel))
    spec = topics.NewTopic(
        text=_value(state, "text"),
        description=_value(state, "description"),
        note=_value(state, "note"),
        origin=texts.SLACK_ORIGIN,
    )
    problems = check_topic_form(spec)
    if problems:
        errors = {views.TOPIC_FIELDS[f]: b.clip(m, 150) for f, m in problems.items()}
        return {"response_action": "errors", "errors": errors}
    c = deps.container

    def confirm(uow: UnitOfWork, topic: Topic) -> None:
        enqueue(
            uow,
            key=f"topic-added:{topic.id}",
            channel=SLACK,
            kind="topic_added",
            recipient=user,
            payload={"op": "dm", "user": user, "text": _confirmation(caller, topic)},
            now=c.clock(),
        )

    topics.propose_topic(
        c.uow(), caller.committee, caller.person, spec, now=c.clock(), then=confirm
    )
    deps.background.notify()
    return {}


def _page(text: str) -> int:
    value = text.strip() or "1"
    if not is_id(value) or int(value) < 1:
        raise InputError(texts.SLACK_BAD_PAGE.format(value=value[:20]))
    return int(value)


def board(request: CommandRequest) -> CommandReply:
    """`/klu bruttoliste [side]`."""
    page = _page(request.rest)
    c = request.deps.container
    return remembered(
        request,
        lambda: views.board_message(topic_board(c.uow(), request.caller(), c.clock(), page)),
    )


def page_action(deps: SlackDeps, body: dict[str, Any]) -> None:
    """Previous/next page: the message is replaced through the response_url."""
    action = (body.get("actions") or [{}])[0]
    page = int(str(action.get("value") or "1")) if is_id(str(action.get("value"))) else 1
    c = deps.container
    reply = views.board_message(topic_board(c.uow(), body_caller(deps, body), c.clock(), page))
    respond_later(deps, body, reply, key=f"board:{body.get('trigger_id')}", replace=True)


def topic_action(deps: SlackDeps, body: dict[str, Any]) -> None:
    """The secretary's menu on a topic: schedule onto a meeting, or withdraw."""
    action = (body.get("actions") or [{}])[0]
    value = str((action.get("selected_option") or {}).get("value") or action.get("value") or "")
    verb, _, rest = value.partition(":")
    caller = body_caller(deps, body)
    c = deps.container
    now = c.clock()
    what = texts.SLACK_ACTION_SCHEDULE if verb == "schedule" else texts.SLACK_ACTION_WITHDRAW
    with c.uow() as uow:
        require_secretary(uow, caller.committee, caller.person, now.date(), what)
    if verb == "schedule":
        topic_ref, _, meeting_ref = rest.partition(":")
        if not is_id(meeting_ref):
            raise InputError(texts.SLACK_BAD_ACTION)
        topics.schedule_topic(
            c.uow(), caller.committee, topic_ref, int(meeting_ref), actor=caller.person, now=now
        )
        day = _meeting_day(deps, int(meeting_ref), caller)
        notice = texts.SLACK_TOPIC_SCHEDULED.format(id=topic_ref, date=day)
    elif verb == "withdraw":
        topics.withdraw_topic(c.uow(), caller.committee, rest, actor=caller.person, now=now)
        notice = texts.SLACK_TOPIC_WITHDRAWN.format(id=rest)
    else:
        raise InputError(texts.SLACK_BAD_ACTION)
    reply = views.board_message(topic_board(c.uow(), caller, now), notice)
    respond_later(deps, body, reply, key=f"board:{body.get('trigger_id')}", replace=True)


def _meeting_day(deps: SlackDeps, meeting_id: int, caller: Caller) -> str:
    with deps.container.uow() as uow:
        meeting = uow.meetings.get(meeting_id)
    if meeting is None:
        return str(meeting_id)
    return format_date(meeting.starts_at.astimezone(ZoneInfo(caller.committee.timezone)).date())


def register(app: App, deps: SlackDeps) -> None:
    """emne, bruttoliste, the topic form and the bruttoliste buttons."""
    register_subcommand("emne", propose, usage=texts.SLACK_USAGE_TOPIC, help=texts.SLACK_HELP_TOPIC)
    register_subcommand(
        "bruttoliste", board, usage=texts.SLACK_USAGE_BOARD, help=texts.SLACK_HELP_BOARD
    )

    @app.view(views.TOPIC_MODAL)
    def on_submit(ack: Ack, body: dict[str, Any]) -> None:
        reply = submit_topic(deps, body)
        ack(reply) if reply else ack()

    @app.action({"action_id": f"{views.BOARD_PAGE_ACTION}_prev"})
    @app.action({"action_id": f"{views.BOARD_PAGE_ACTION}_next"})
    def on_page(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        page_action(deps, body)

    @app.action(views.BOARD_TOPIC_ACTION)
    def on_topic(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        ack()
        topic_action(deps, body)
