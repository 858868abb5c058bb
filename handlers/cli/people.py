"""`klu-bot person route PERSON slack|mail|begge|standard`: the secretary chooses where a
person's messages from the bot go (bot.people.routes)."""

from __future__ import annotations

import argparse
from typing import Any

from bot import texts
from bot.people.roster import find_person
from bot.people.routes import parse_route, route_text, set_route
from handlers.bootstrap import Container


def cmd_person_route(args: argparse.Namespace, c: Container) -> str:
    """Set a person's route; answers where their messages now go."""
    choice = parse_route(args.choice)
    with c.uow() as uow:
        person = find_person(uow, args.person)
    assert person.id is not None
    return route_text(set_route(c.uow(), person.id, choice))


def add_route_command(person: Any, leaf: Any) -> None:
    """The `route` leaf under `person`."""
    route = leaf(person, "route", "cmd_person_route", texts.CLI_HELP["people:person.route"])
    route.add_argument("person", help=texts.CLI_HELP["people:route.person"])
    route.add_argument("choice", help=texts.CLI_HELP["people:route.choice"])
