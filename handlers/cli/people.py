"""`klu-bot db`, `committee`, `members` and `person route`: the schema, the committee, its
roster and where a person's messages go (bot.people.routes)."""

from __future__ import annotations

import argparse

from bot import texts
from bot.people import committees
from bot.people import roster as people
from bot.people.routes import parse_route, route_text, set_route
from handlers.bootstrap import Container
from handlers.cli.files import CliCommand, read_file


def cmd_db_upgrade(args: argparse.Namespace, c: Container) -> str:
    return texts.CLI_DB_UPGRADED


def cmd_committee_setup(args: argparse.Namespace, c: Container) -> str:
    settings = committees.changed_settings(
        c.uow(),
        args.short_name,
        {
            "name": args.name,
            "timezone": args.timezone,
            "organiser_unit": args.unit,
            "default_place": args.place,
            "default_start": args.start,
            "default_end": args.end,
            "secretariat_name": args.secretariat_name,
            "secretariat_email": args.secretariat_email,
            "secretariat_phone": args.secretariat_phone,
            "slack_channel_id": args.channel,
            "secretariat_participates": None
            if args.secretariat_participates is None
            else args.secretariat_participates == "ja",
        },
    )
    committee = committees.setup_committee(c.uow(), settings)
    return texts.CLI_COMMITTEE_SAVED.format(name=committee.name, short=committee.short_name)


def cmd_members_import(args: argparse.Namespace, c: Container) -> str:
    report = people.import_roster(
        c.uow(), read_file(args.file), today=c.clock().date(), committee_ref=args.committee
    )
    return texts.ROSTER_IMPORTED.format(**vars(report))


def cmd_members_list(args: argparse.Namespace, c: Container) -> str:
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
        entries = people.roster(uow, committee, c.clock().date())
    lines = [texts.MEMBERS_HEADER.format(committee=committee.name)]
    for e in entries:
        lines.append(
            texts.MEMBER_LINE.format(
                name=e.person.name,
                role=texts.ROLE_NAMES[e.role],
                org=f", {e.person.organisation}" if e.person.organisation else "",
                email=f" <{e.person.email}>" if e.person.email else "",
            )
        )
    return "\n".join(lines)


def cmd_person_route(args: argparse.Namespace, c: Container) -> str:
    """Set a person's route (slack|mail|begge|standard); answers where their messages go."""
    choice = parse_route(args.choice)
    with c.uow() as uow:
        person = people.find_person(uow, args.person)
    assert person.id is not None
    return route_text(set_route(c.uow(), person.id, choice))


COMMANDS: dict[str, CliCommand] = {
    "cmd_db_upgrade": cmd_db_upgrade,
    "cmd_committee_setup": cmd_committee_setup,
    "cmd_members_import": cmd_members_import,
    "cmd_members_list": cmd_members_list,
    "cmd_person_route": cmd_person_route,
}
