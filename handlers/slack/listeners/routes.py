"""`/klu kanal slack|mail|begge|standard [person]`: a member chooses where the bot's messages
reach them (bot.people.routes), the secretary chooses for anyone named after the word;
without a word it says where the caller's go now."""

from __future__ import annotations

from slack_bolt import App

from bot import texts
from bot.errors import KluError, PermissionDeniedError
from bot.people.roster import find_person
from bot.people.routes import parse_route, route_text, set_route
from handlers.slack import blocks as b
from handlers.slack.commands import CommandReply, CommandRequest, register_subcommand
from handlers.slack.deps import SlackDeps
from handlers.slack.listeners.attendance import _contact, _linked


def route_command(request: CommandRequest) -> CommandReply:
    """Set (or show) the caller's own route."""
    deps = request.deps
    person = _linked(deps, request.user_id)
    if person is None:
        return b.message(texts.SLACK_NOT_LINKED.format(contact=b.escape(_contact(deps.container))))
    if not request.rest.strip():
        return b.message(b.escape(route_text(person)))
    word, _, other = request.rest.strip().partition(" ")
    try:
        choice = parse_route(word)
        if other.strip():  # the secretary sets someone else's route
            if not request.caller().is_secretary:
                raise PermissionDeniedError(
                    texts.ONLY_SECRETARY.format(action=texts.ROUTE_ACTION_OTHER)
                )
            with deps.container.uow() as uow:
                person = find_person(uow, other)
    except KluError as exc:
        return b.message(b.escape(exc.message))
    assert person.id is not None
    return b.message(b.escape(route_text(set_route(deps.container.uow(), person.id, choice))))


def register(app: App, deps: SlackDeps) -> None:
    """The `kanal` verb."""
    register_subcommand("kanal", route_command, usage=texts.ROUTE_USAGE, help=texts.ROUTE_HELP)
