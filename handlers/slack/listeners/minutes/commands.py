"""`/klu referat`, `/klu referat send`, `/klu søg`, the per-item minutes modal and its buttons.

Thin: check the caller, call one use case, answer with blocks from minutes_views.
"""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App

from bot import texts
from bot.errors import InputError, KluError, NotFoundError
from bot.meetings.planning import get_meeting
from bot.meetings.timeplan import item_number
from bot.minutes.approve import approve_minutes, approved_text
from bot.minutes.grammar import parse_action
from bot.minutes.recording import (
    ItemMinutes,
    minutes_meeting,
    record_item,
    recordable,
    set_next_meeting_note,
)
from bot.minutes.search import hits_text, search
from bot.people.identity import Caller
from bot.time.parse import format_date
from bot.validation import is_id
from handlers.slack import blocks as b
from handlers.slack.commands import CommandReply, CommandRequest, register_subcommand
from handlers.slack.deps import SlackDeps
from handlers.slack.identity import body_caller
from handlers.slack.listeners.minutes import views
from handlers.slack.listeners.minutes.attendance import on_attendance_button, on_attendance_submit
from handlers.slack.listeners.minutes.common import action_value, open_modal, secretary_caller
from handlers.slack.outgoing import respond_later

log = logging.getLogger(__name__)
SEND_WORDS = ("send", "godkend")


def list_reply(deps: SlackDeps, caller: Caller, ref: str | None) -> CommandReply:
    """The meeting's items with "Skriv referat" buttons."""
    c = deps.container
    with c.uow() as uow:
        meeting = minutes_meeting(uow, caller.committee, ref, c.clock())
        recordable(meeting, caller.committee, c.clock())
    return views.minutes_list(meeting, ZoneInfo(caller.committee.timezone))


def approve_reply(deps: SlackDeps, caller: Caller, ref: str | None) -> CommandReply:
    """Approve and send; tells what went where."""
    c = deps.container
    with c.uow() as uow:
        meeting = minutes_meeting(uow, caller.committee, ref, c.clock())
    assert meeting.id is not None
    result = approve_minutes(
        c.uow(),
        caller.committee,
        meeting.id,
        actor=caller.person,
        now=c.clock(),
        document=True,
    )
    deps.background.notify()
    tz = ZoneInfo(caller.committee.timezone)
    date = format_date(result.meeting.starts_at.astimezone(tz).date())
    if result.already:
        return b.message(texts.MINUTES_ALREADY_APPROVED.format(date=date))
    text = approved_text(date, result.regrets_sent, posted=result.posted)
    carried: dict[int, list[str]] = {}
    starts = {}
    for item, target in result.carried:
        carried.setdefault(id(target), []).append(item.title)
        starts[id(target)] = target.starts_at
    for key, titles in carried.items():
        day = format_date(starts[key].astimezone(tz).date())
        text += "\n" + texts.MINUTES_CARRIED.format(date=day, titles=", ".join(titles))
    return b.message(b.escape(text))


def referat_command(request: CommandRequest) -> CommandReply:
    """`/klu referat [mødenr]` and `/klu referat send [mødenr]` (secretary only)."""
    caller = secretary_caller(request.caller(), texts.MINUTES_RECORD_ACTION)
    words = request.rest.split()
    if words and words[0].lower() in SEND_WORDS:
        return approve_reply(request.deps, caller, " ".join(words[1:]) or None)
    return list_reply(request.deps, caller, " ".join(words) or None)


def search_command(request: CommandRequest) -> CommandReply:
    """`/klu søg <ord>`: earlier decisions and topics, newest first."""
    caller = request.caller()
    c = request.deps.container
    with c.uow() as uow:
        hits = search(uow, caller.committee, request.rest)
    return b.message(b.escape(hits_text(hits, request.rest, caller.committee)))


def on_item_button(deps: SlackDeps, body: dict[str, Any]) -> None:
    """'Skriv referat': open the item's modal."""
    caller = secretary_caller(body_caller(deps, body), texts.MINUTES_RECORD_ACTION)
    meeting_id, _, item_id = action_value(body).partition(":")
    if not (is_id(meeting_id) and is_id(item_id)):
        raise NotFoundError(texts.MINUTES_SLACK_ITEM_GONE)
    c = deps.container
    with c.uow() as uow:
        meeting = get_meeting(uow, int(meeting_id))
        recordable(meeting, caller.committee, c.clock())
        item = next((i for i in meeting.items if i.id == int(item_id)), None)
        if item is None:
            raise NotFoundError(texts.MINUTES_SLACK_ITEM_GONE)
        actions = [a for a in uow.actions.for_meeting(int(meeting_id)) if a.item_id == item.id]
    open_modal(deps, body, views.minutes_item_modal(meeting, item, actions))


def on_open_button(deps: SlackDeps, body: dict[str, Any]) -> None:
    """`referat_open` (value: meeting id), e.g. on the 'minutes due' reminder: the item list."""
    caller = secretary_caller(body_caller(deps, body), texts.MINUTES_RECORD_ACTION)
    reply = list_reply(deps, caller, action_value(body) or None)
    respond_later(deps, body, reply, key=f"referat-open:{body.get('trigger_id')}", replace=False)


def on_approve_button(deps: SlackDeps, body: dict[str, Any]) -> None:
    """'Godkend og send referat'."""
    caller = secretary_caller(body_caller(deps, body), texts.MINUTES_APPROVE_ACTION)
    reply = approve_reply(deps, caller, action_value(body) or None)
    respond_later(deps, body, reply, key=f"referat-approve:{body.get('trigger_id')}", replace=False)


def on_item_submit(deps: SlackDeps, body: dict[str, Any]) -> dict[str, Any] | None:
    """Save the modal; errors go next to the field they concern."""
    caller = secretary_caller(body_caller(deps, body), texts.MINUTES_RECORD_ACTION)
    meta, values = views.submitted_item(body.get("view") or {})
    meeting_id, item_id = meta.get("meeting_id"), meta.get("item_id")
    c = deps.container
    try:
        actions = tuple(
            parse_action(line) for line in values.get("actions", "").splitlines() if line.strip()
        )
    except InputError as exc:
        return {"response_action": "errors", "errors": {"actions": exc.message}}
    if not isinstance(meeting_id, int) or not isinstance(item_id, int):
        raise NotFoundError(texts.MINUTES_SLACK_ITEM_GONE)
    with c.uow() as uow:
        meeting = get_meeting(uow, meeting_id)
        item = next((i for i in meeting.items if i.id == item_id), None)
        if item is None:
            raise NotFoundError(texts.MINUTES_SLACK_ITEM_GONE)
        number = item_number(meeting, item)
    spec = ItemMinutes(
        referat=values.get("referat"),
        beslutning=values.get("beslutning"),
        outcome=values.get("outcome"),
        actions=actions,
    )
    try:
        record_item(
            c.uow(), caller.committee, meeting_id, number, spec, actor=caller.person, now=c.clock()
        )
        if "next" in values:
            set_next_meeting_note(
                c.uow(),
                caller.committee,
                meeting_id,
                values["next"],
                actor=caller.person,
                now=c.clock(),
            )
    except KluError as exc:
        return {"response_action": "errors", "errors": {"beslutning": exc.message}}
    deps.background.notify()
    return None


def register(app: App, deps: SlackDeps) -> None:
    """The minutes verbs, buttons and modal."""
    register_subcommand(
        "referat",
        referat_command,
        usage=texts.MINUTES_SLACK_USAGE_REFERAT,
        help=texts.MINUTES_SLACK_HELP_REFERAT,
    )
    register_subcommand(
        "søg", search_command, usage=texts.SEARCH_USAGE_LINE, help=texts.SEARCH_HELP
    )

    @app.action(views.ITEM_ACTION)
    def item_button(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        on_item_button(deps, body)

    @app.action(views.OPEN_ACTION)
    def open_button(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        on_open_button(deps, body)

    @app.action(views.APPROVE_ACTION)
    def approve_button(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        on_approve_button(deps, body)

    @app.action(views.ATTENDANCE_ACTION)
    def attendance_button(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        on_attendance_button(deps, body)

    @app.view(views.ATTENDANCE_VIEW)
    def attendance_submit(ack: Ack, body: dict[str, Any]) -> None:
        answer = on_attendance_submit(deps, body)
        if answer is None:
            ack()
        else:
            ack(answer)

    @app.view(views.MINUTES_ITEM_VIEW)
    def item_submit(ack: Ack, body: dict[str, Any]) -> None:
        answer = on_item_submit(deps, body)
        if answer is None:
            ack()
        else:
            ack(answer)
