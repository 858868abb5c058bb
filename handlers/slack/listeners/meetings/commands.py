"""The secretary's `/klu` verbs (opsæt, møde, punkt, dagsorden), modals and agenda buttons.

Thin: read the Slack fields, check the caller, open a modal or call one use case
(see handlers/slack/secretary_submit.py for the submissions).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App
from slack_sdk.errors import SlackApiError

from bot import texts
from bot.domain import Committee, Person
from bot.errors import KluError, NotFoundError, PermissionDeniedError
from bot.meetings import planning as meetings
from bot.meetings.guests import GuestRef
from bot.people import committees
from bot.people.identity import Caller
from bot.people.rights import SetupCaller, check_setup
from bot.validation import is_id
from handlers.slack import blocks as b
from handlers.slack.commands import CommandReply, CommandRequest, register_subcommand
from handlers.slack.deps import SlackDeps
from handlers.slack.identity import link_now
from handlers.slack.listeners.meetings import agenda as secretary_agenda
from handlers.slack.listeners.meetings import items, submit, views
from handlers.slack.listeners.meetings.forms import Form

log = logging.getLogger(__name__)


def _secretary(request: CommandRequest, action: str) -> Caller:
    caller = request.caller()
    if not caller.is_secretary:
        raise PermissionDeniedError(texts.ONLY_SECRETARY.format(action=action))
    return caller


def _open(deps: SlackDeps, body: dict[str, Any], view: dict[str, Any]) -> CommandReply:
    """views.open right away (trigger ids expire in 3 s); inside a modal, replace its content
    with views.update instead, so repeated edits never hit Slack's limit of three stacked views."""
    current = body.get("view") or {}
    try:
        if current.get("type") == "modal" and current.get("id"):
            deps.interactive.views_update(view_id=str(current["id"]), view=view)
        else:
            trigger = str(body.get("trigger_id") or "")
            deps.interactive.views_open(trigger_id=trigger, view=view)
    except (SlackApiError, OSError) as exc:
        log.warning("views.open/update failed: %s", exc)
        return b.message(texts.SEC_MODAL_FAILED)
    return {}


def _linked_person(deps: SlackDeps, user_id: str) -> Person | None:
    with deps.container.uow() as uow:
        person = uow.people.by_slack_id(user_id)
    if person is None and link_now(deps, user_id):
        with deps.container.uow() as uow:
            person = uow.people.by_slack_id(user_id)
    return person


def _profile(deps: SlackDeps, user_id: str) -> tuple[str, str]:
    """The Slack user's e-mail (lower case) and name, from users.info ('' when unknown)."""
    try:
        user = deps.interactive.users_info(user=user_id).get("user") or {}
    except (SlackApiError, OSError):
        user = {}
    profile = user.get("profile") or {}
    email = str(profile.get("email") or "").strip().lower()
    name = str(profile.get("real_name") or user.get("real_name") or user.get("name") or "")
    return email, name


def setup_caller(deps: SlackDeps, user_id: str, *, lookup: bool) -> tuple[SetupCaller, str]:
    """Who runs /klu opsæt, and their Slack name. A user not yet linked is looked up in Slack
    (when `lookup`), so an administrator named by e-mail, or a roster person the background
    linking has not reached yet, is known at once."""
    person = _linked_person(deps, user_id)
    email = name = ""
    if person is None and lookup:
        email, name = _profile(deps, user_id)
        if email:
            with deps.container.uow() as uow:
                person = uow.people.by_email(email)
    return SetupCaller(user_id, person, email), name


def setup(request: CommandRequest) -> CommandReply:
    """`/klu opsæt [kortnavn]`: bind this channel to a committee, or open the setup form."""
    if request.direct:
        return b.message(texts.SEC_SETUP_IN_CHANNEL)
    c, ref = request.deps.container, request.rest.strip()
    with c.uow() as uow:
        bound = uow.committees.by_channel(request.channel_id)
        named = uow.committees.by_short_name(ref) if ref else None
    targets: list[Committee | None] = [x for x in (bound, named) if x is not None]
    lookup = not targets or bool(c.settings.admins)
    caller, slack_name = setup_caller(request.deps, request.user_id, lookup=lookup)
    with c.uow() as uow:
        for committee in targets or [None]:
            check_setup(uow, c.settings.admins, caller, committee, c.clock().date())
    if named is not None and named.id is not None:
        saved = committees.bind_channel(c.uow(), named.id, request.channel_id)
        return b.message(
            texts.SEC_BOUND.format(name=b.escape(saved.name), short=b.escape(saved.short_name))
        )
    me = caller.person
    secretariat = (me.name, me.email or "") if me is not None else (slack_name, caller.email)
    view = views.setup_modal(bound, request.channel_id, ref, secretariat)
    return _open(request.deps, request.body, view)


def new_meeting(request: CommandRequest) -> CommandReply:
    """`/klu møde`: the form for a new meeting."""
    caller = _secretary(request, texts.SEC_ACTION_MEETING)
    return _open(request.deps, request.body, views.meeting_modal(caller.committee))


def _item_form(
    deps: SlackDeps, body: dict[str, Any], committee: Committee, ref: str
) -> CommandReply:
    c = deps.container
    with c.uow() as uow:
        found = list(meetings.upcoming(uow, committee, c.clock()))
        chosen = meetings.resolve_meeting(uow, committee, ref, c.clock()) if ref else None
    if not found:
        raise NotFoundError(texts.SEC_NO_MEETINGS)
    if chosen is not None and chosen not in found:
        found.insert(0, chosen)
    meeting_id = chosen.id if chosen is not None else None
    return _open(deps, body, views.agenda_item_modal(committee, found, meeting_id))


def new_item(request: CommandRequest) -> CommandReply:
    """`/klu punkt [mødenr]`: the form for a new agenda item."""
    caller = _secretary(request, texts.SEC_ACTION_AGENDA)
    return _item_form(request.deps, request.body, caller.committee, request.rest.strip())


def show_agenda(request: CommandRequest) -> CommandReply:
    """`/klu dagsorden [mødenr]`: the agenda and time plan; the secretary gets edit menus."""
    caller = request.caller()
    c = request.deps.container
    with c.uow() as uow:
        meeting = meetings.resolve_meeting(uow, caller.committee, request.rest or None, c.clock())
        everyone = submit.people_by_id(uow)
    editable = caller.is_secretary and meeting.is_live
    blocks = secretary_agenda.agenda_blocks(meeting, caller.committee, everyone, editable=editable)
    return b.message(b.escape(meeting.title), blocks)


def slack_guests(deps: SlackDeps, user_ids: list[str], form: Form) -> list[GuestRef]:
    """Slack users chosen as guests, with their e-mail (from the roster, else users.info)."""
    refs = []
    for user_id in user_ids:
        with deps.container.uow() as uow:
            person = uow.people.by_slack_id(user_id)
        if person is not None and person.email:
            refs.append(GuestRef(person.email, person.name, user_id))
            continue
        email, name = _profile(deps, user_id)
        if not email:
            form.fail("guests_slack", texts.GUEST_NO_EMAIL.format(name=name or user_id))
        refs.append(GuestRef(email, name, user_id))
    return refs


def item_menu(deps: SlackDeps, body: dict[str, Any]) -> None:
    """Ret/Flyt/Fjern from an item's menu: open the matching form."""
    action = (body.get("actions") or [{}])[0]
    kind, _, ref = str((action.get("selected_option") or {}).get("value") or "").partition(":")
    meeting_id, _, item_id = ref.partition(":")
    person = _linked_person(deps, str((body.get("user") or {}).get("id") or ""))
    try:
        if not (is_id(meeting_id) and is_id(item_id)):
            raise NotFoundError(texts.SEC_ITEM_GONE)
        meeting, number = items.item_ref(deps.container, int(meeting_id), int(item_id))
        items.secretary_of_meeting(deps.container, meeting, person)
        item = next(i for i in meeting.items if i.id == int(item_id))
        if kind == "edit":
            with deps.container.uow() as uow:
                everyone = submit.people_by_id(uow)
            view = views.item_edit_modal(meeting, item, number, everyone)
        else:
            build = views.move_modal if kind == "move" else views.remove_modal
            view = build(meeting, item, number)
    except KluError as exc:
        view = views.done_view(texts.SEC_DONE_TITLE, exc.message, [])
    _open(deps, body, view)


def add_button(deps: SlackDeps, body: dict[str, Any]) -> None:
    """'Tilføj punkt' under an agenda: the item form for that meeting."""
    value = str(((body.get("actions") or [{}])[0]).get("value") or "")
    person = _linked_person(deps, str((body.get("user") or {}).get("id") or ""))
    try:
        _, committee = items.meeting_for_secretary(deps.container, value, person)
        _item_form(deps, body, committee, value)
    except KluError as exc:
        _open(deps, body, views.done_view(texts.SEC_DONE_TITLE, exc.message, []))


def register(app: App, deps: SlackDeps) -> None:
    """The secretary's verbs, the four forms and the agenda buttons."""
    for verb, handler, usage, help_text in (
        ("opsæt", setup, texts.SEC_USAGE_SETUP, texts.SEC_HELP_SETUP),
        ("møde", new_meeting, texts.SEC_USAGE_MEETING, texts.SEC_HELP_MEETING),
        ("punkt", new_item, texts.SEC_USAGE_ITEM, texts.SEC_HELP_ITEM),
        ("dagsorden", show_agenda, texts.SEC_USAGE_AGENDA, texts.SEC_HELP_AGENDA),
    ):
        register_subcommand(verb, handler, usage=usage, help=help_text)
    c = deps.container

    def person(body: dict[str, Any]) -> Person | None:
        return _linked_person(deps, str((body.get("user") or {}).get("id") or ""))

    @app.view(views.SETUP_VIEW)
    def on_setup(ack: Ack, body: dict[str, Any]) -> None:
        user_id = str((body.get("user") or {}).get("id") or "")
        caller, slack_name = setup_caller(deps, user_id, lookup=True)
        ack(submit.submit_setup(c, caller, slack_name, Form(body["view"])))

    @app.view(views.MEETING_VIEW)
    def on_meeting(ack: Ack, body: dict[str, Any]) -> None:
        ack(submit.submit_meeting(c, person(body), Form(body["view"])))

    @app.view(views.AGENDA_ITEM_VIEW)
    def on_item(ack: Ack, body: dict[str, Any]) -> None:
        form = Form(body["view"])
        guests = slack_guests(deps, form.users("guests_slack"), form)
        ack(items.submit_item(c, person(body), form, guests))

    @app.view(views.ITEM_EDIT_VIEW)
    def on_item_edit(ack: Ack, body: dict[str, Any]) -> None:
        form = Form(body["view"])
        guests = slack_guests(deps, form.users("guests_slack"), form)
        ack(items.submit_item_edit(c, person(body), form, guests))

    @app.view(views.MOVE_VIEW)
    def on_move(ack: Ack, body: dict[str, Any]) -> None:
        ack(items.submit_move(c, person(body), Form(body["view"])))

    @app.view(views.REMOVE_VIEW)
    def on_remove(ack: Ack, body: dict[str, Any]) -> None:
        ack(items.submit_remove(c, person(body), Form(body["view"])))

    @app.action(views.ITEM_MENU)
    def on_menu(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        item_menu(deps, body)

    @app.action(views.ADD_ITEM_BUTTON)
    def on_add(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        add_button(deps, body)
