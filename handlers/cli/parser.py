"""The `klu-bot` argument grammar (Danish help for the secretary)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, NoReturn

from bot import texts


class DanishHelpFormatter(argparse.HelpFormatter):
    """argparse's help with Danish headings ("brug:" instead of "usage:")."""

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(
            usage, actions, groups, texts.CLI_HELP_USAGE if prefix is None else prefix
        )


class KluArgumentParser(argparse.ArgumentParser):
    """Danish help throughout, and usage errors as one Danish line on stderr (exit 2), not
    argparse's English usage block. Sub-parsers are of this class too (argparse's default)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", DanishHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = texts.CLI_HELP_POSITIONALS
        self._optionals.title = texts.CLI_HELP_OPTIONALS
        self.add_argument("-h", "--help", action="help", help=texts.CLI_HELP_HELP)

    def error(self, message: str) -> NoReturn:
        for english, danish in texts.CLI_ARGPARSE_PHRASES.items():
            message = message.replace(english, danish)
        self.exit(2, texts.CLI_USAGE_ERROR.format(message=message, prog=self.prog) + "\n")


def build() -> argparse.ArgumentParser:
    """Build the parser; each leaf sets `command` to the name of its handler, which
    handlers/cli/registry.py finds in the area module that registers it. Only argparse and
    the texts are imported here, so `klu-bot --help` starts fast."""
    parser = KluArgumentParser(
        prog="klu-bot", description=texts.CLI_HELP["parser:.description.description"]
    )
    parser.add_argument("--committee", help=texts.CLI_HELP["parser:parser.committee"])
    parser.add_argument("--now", help=texts.CLI_HELP["parser:parser.now"])
    top = parser.add_subparsers(dest="area", metavar="OMRÅDE")

    def leaf(group: Any, name: str, func: str, help_text: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = group.add_parser(name, help=help_text)
        sub.set_defaults(command=func)
        return sub

    top.add_parser("demo", help=texts.CLI_HELP["parser:top.demo"])
    db = top.add_parser("db", help=texts.CLI_HELP["parser:top.db"]).add_subparsers(
        metavar="HANDLING"
    )
    leaf(db, "upgrade", "cmd_db_upgrade", texts.CLI_HELP["parser:db.upgrade"])

    com = top.add_parser("committee", help=texts.CLI_HELP["parser:top.committee"]).add_subparsers(
        metavar="HANDLING"
    )
    setup = leaf(com, "setup", "cmd_committee_setup", texts.CLI_HELP["parser:com.setup"])
    setup.add_argument(
        "--short-name", required=True, help=texts.CLI_HELP["parser:setup.short_name"]
    )
    # Every other field: None = not given, the committee keeps what it has (defaults when new).
    setup.add_argument("--name", help=texts.CLI_HELP["parser:setup.name"])
    setup.add_argument("--timezone", help=texts.CLI_HELP["parser:setup.timezone"])
    setup.add_argument("--unit", help=texts.CLI_HELP["parser:setup.unit"])
    setup.add_argument("--place", help=texts.CLI_HELP["parser:setup.place"])
    setup.add_argument("--start", help=texts.CLI_HELP["parser:setup.start"])
    setup.add_argument("--end", help=texts.CLI_HELP["parser:setup.end"])
    setup.add_argument("--secretariat-name")
    setup.add_argument("--secretariat-email")
    setup.add_argument("--secretariat-phone")
    setup.add_argument("--channel", help=texts.CLI_HELP["parser:setup.channel"])
    setup.add_argument(
        "--secretariat-participates",
        choices=("ja", "nej"),
        default=None,
        help=texts.CLI_HELP_SECRETARIAT_PARTICIPATES,
    )

    mem = top.add_parser("members", help=texts.CLI_HELP["parser:top.members"]).add_subparsers(
        metavar="HANDLING"
    )
    imp = leaf(mem, "import", "cmd_members_import", texts.CLI_HELP["parser:mem.import"])
    imp.add_argument("file")
    leaf(mem, "list", "cmd_members_list", texts.CLI_HELP["parser:mem.list"])

    mtg = top.add_parser("meeting", help=texts.CLI_HELP["parser:top.meeting"]).add_subparsers(
        metavar="HANDLING"
    )
    create = leaf(mtg, "create", "cmd_meeting_create", texts.CLI_HELP["parser:mtg.create"])
    create.add_argument("when", help=texts.CLI_HELP["parser:create.when"])
    create.add_argument("--place", default="")
    create.add_argument("--title", default="")
    create.add_argument("--case-no", default="")
    create.add_argument("--doc-no", default="")
    load = leaf(mtg, "load", "cmd_meeting_load", texts.CLI_HELP["parser:mtg.load"])
    load.add_argument("file")
    show = leaf(mtg, "show", "cmd_meeting_show", texts.CLI_HELP["parser:mtg.show"])
    show.add_argument(
        "meeting", nargs="?", default=None, help=texts.CLI_HELP["parser:show.meeting"]
    )
    leaf(mtg, "list", "cmd_meeting_list", texts.CLI_HELP["parser:mtg.list"])
    mmove = leaf(mtg, "move", "cmd_meeting_move", texts.CLI_HELP["parser:mtg.move"])
    mmove.add_argument("meeting", help=texts.CLI_HELP["parser:mmove.meeting"])
    mmove.add_argument("when", help=texts.CLI_HELP["parser:mmove.when"])
    mmove.add_argument("--place", default="", help=texts.CLI_HELP["parser:mmove.place"])
    mcancel = leaf(mtg, "cancel", "cmd_meeting_cancel", texts.CLI_HELP["parser:mtg.cancel"])
    mcancel.add_argument("meeting", help=texts.CLI_HELP["parser:mcancel.meeting"])

    ag = top.add_parser("agenda", help=texts.CLI_HELP["parser:top.agenda"]).add_subparsers(
        metavar="HANDLING"
    )
    add = leaf(ag, "add", "cmd_agenda_add", texts.CLI_HELP["parser:ag.add"])
    add.add_argument("--meeting", default=None, help=texts.CLI_HELP["parser:add.meeting"])
    add.add_argument("--title", required=True)
    add.add_argument("--section", type=int, default=2, help=texts.CLI_HELP["parser:add.section"])
    add.add_argument("--minutes", default="15", help=texts.CLI_HELP["parser:add.minutes"])
    add.add_argument("--position", type=int, default=None)
    add.add_argument("--presenter", default="")
    add.add_argument("--indstilling", default="")
    add.add_argument("--sagsbeskrivelse", default="")
    add.add_argument("--guest", action="append", help=texts.CLI_HELP["parser:add.guest"])
    add.add_argument("--attachment", action="append", help=texts.CLI_HELP["parser:add.attachment"])
    move = leaf(ag, "move", "cmd_agenda_move", texts.CLI_HELP["parser:ag.move"])
    move.add_argument("item", help=texts.CLI_HELP["parser:move.item"])
    move.add_argument("--meeting", default=None)
    move.add_argument("--section", type=int, default=None)
    move.add_argument("--position", type=int, default=None)
    amin = leaf(ag, "minutes", "cmd_agenda_minutes", texts.CLI_HELP["parser:ag.minutes"])
    amin.add_argument("item", help=texts.CLI_HELP["parser:amin.item"])
    amin.add_argument("minutes", help=texts.CLI_HELP["parser:amin.minutes"])
    amin.add_argument("--meeting", default=None)
    rm = leaf(ag, "remove", "cmd_agenda_remove", texts.CLI_HELP["parser:ag.remove"])
    rm.add_argument("item")
    rm.add_argument("--meeting", default=None)
    aexp = leaf(ag, "export", "cmd_agenda_export", texts.CLI_HELP["parser:ag.export"])
    aexp.add_argument(
        "meeting", nargs="?", default=None, help=texts.CLI_HELP["parser:aexp.meeting"]
    )
    aexp.add_argument("--format", default="md", help=texts.CLI_HELP["parser:aexp.format"])
    aexp.add_argument("-o", "--output", default=None, help=texts.CLI_HELP["parser:aexp.o"])

    tp = top.add_parser("topic", help=texts.CLI_HELP["parser:top.topic"]).add_subparsers(
        metavar="HANDLING"
    )
    tadd = leaf(tp, "add", "cmd_topic_add", texts.CLI_HELP["parser:tp.add"])
    tadd.add_argument("text")
    tadd.add_argument("--by", required=True, help=texts.CLI_HELP["parser:tadd.by"])
    tadd.add_argument("--note", default="")
    tadd.add_argument("--origin", default="", help=texts.CLI_HELP["parser:tadd.origin"])
    timp = leaf(tp, "import", "cmd_topic_import", texts.CLI_HELP["parser:tp.import"])
    timp.add_argument("file")
    tlist = leaf(tp, "list", "cmd_topic_list", texts.CLI_HELP["parser:tp.list"])
    tlist.add_argument("--all", action="store_true", help=texts.CLI_HELP["parser:tlist.all"])
    tnote = leaf(tp, "note", "cmd_topic_note", texts.CLI_HELP["parser:tp.note"])
    tnote.add_argument("topic")
    tnote.add_argument("note")
    tsch = leaf(tp, "schedule", "cmd_topic_schedule", texts.CLI_HELP["parser:tp.schedule"])
    tsch.add_argument("topic")
    tsch.add_argument("--meeting", default=None)
    tsch.add_argument("--section", type=int, default=2)
    tsch.add_argument("--minutes", default="15")
    tw = leaf(tp, "withdraw", "cmd_topic_withdraw", texts.CLI_HELP["parser:tp.withdraw"])
    tw.add_argument("topic")
    tw.add_argument("--reason", default="")
    inv = top.add_parser(
        "invitations", help=texts.CLI_HELP["parser:top.invitations"]
    ).add_subparsers(metavar="HANDLING")
    isend = leaf(inv, "send", "cmd_invitations_send", texts.CLI_HELP["parser:inv.send"])
    isend.add_argument("--meeting", default=None, help=texts.CLI_HELP["parser:isend.meeting"])
    leaf(inv, "sync", "cmd_invitations_sync", texts.CLI_HELP["parser:inv.sync"])
    srv = leaf(top, "serve", "cmd_serve", texts.CLI_HELP["parser:top.serve"])
    srv.add_argument("--port", type=int, default=None, help=texts.CLI_HELP["parser:srv.port"])
    srv.add_argument("--host", default="0.0.0.0", help=texts.CLI_HELP["parser:srv.host"])
    srv.set_defaults(requires=("slack_bot_token", "slack_signing_secret", "database_url"))
    sock = leaf(top, "socket", "cmd_socket", texts.CLI_HELP["parser:top.socket"])
    sock.set_defaults(requires=("slack_bot_token", "slack_app_token", "database_url"))
    clk = leaf(top, "clock", "cmd_clock", texts.CLI_HELP["parser:top.clock"])
    clk.add_argument("--once", action="store_true", help=texts.CLI_HELP["parser:clk.once"])
    clk.add_argument("--now", default=argparse.SUPPRESS, help=texts.CLI_HELP["parser:clk.now"])
    clk.add_argument("--every", type=float, default=None, help=texts.CLI_HELP["parser:clk.every"])
    rem = top.add_parser("reminders", help=texts.CLI_HELP["parser:top.reminders"]).add_subparsers(
        metavar="HANDLING"
    )
    leaf(rem, "show", "cmd_reminders_show", texts.CLI_HELP["parser:rem.show"])
    rset = leaf(rem, "set", "cmd_reminders_set", texts.CLI_HELP["parser:rem.set"])
    rset.add_argument("kind", help=texts.CLI_HELP["parser:rset.kind"])
    rset.add_argument("--days", default=None, help=texts.CLI_HELP["parser:rset.days"])
    rset.add_argument("--at", default=None, help=texts.CLI_HELP["parser:rset.at"])
    onoff = rset.add_mutually_exclusive_group()
    onoff.add_argument("--off", action="store_true", help=texts.CLI_HELP["parser:onoff.off"])
    onoff.add_argument("--on", action="store_true", help=texts.CLI_HELP["parser:onoff.on"])
    _backup(top, leaf)
    _minutes(top, leaf)
    _attendance(top, leaf)
    return parser


Leaf = Callable[[Any, str, str, str], argparse.ArgumentParser]


def _attendance(top: Any, leaf: Leaf) -> None:
    """`attendance regrets PERSON [GRUND…] [--meeting N]` and `attendance attend PERSON`."""
    group = top.add_parser(
        "attendance", help=texts.CLI_HELP["attendance:top.attendance"]
    ).add_subparsers(metavar="HANDLING")
    regrets = leaf(
        group, "regrets", "cmd_attendance_regrets", texts.CLI_HELP["attendance:group.regrets"]
    )
    regrets.add_argument("person", help=texts.CLI_HELP["attendance:regrets.person"])
    regrets.add_argument("reason", nargs="*", help=texts.CLI_HELP["attendance:regrets.reason"])
    regrets.add_argument(
        "--meeting", default=None, help=texts.CLI_HELP["attendance:regrets.meeting"]
    )
    attend = leaf(
        group, "attend", "cmd_attendance_attend", texts.CLI_HELP["attendance:group.attend"]
    )
    attend.add_argument("person", help=texts.CLI_HELP["attendance:attend.person"])
    attend.add_argument("--meeting", default=None, help=texts.CLI_HELP["attendance:attend.meeting"])


def _backup(top: Any, leaf: Any) -> None:
    """`export`, `import`, `person export|erase|route` and `prune`."""
    exp = leaf(top, "export", "cmd_export", texts.CLI_HELP["backup:top.export"])
    exp.add_argument("-o", "--output", required=True, help=texts.CLI_HELP["backup:exp.o"])
    imp = leaf(top, "import", "cmd_import", texts.CLI_HELP["backup:top.import"])
    imp.add_argument("file")
    person = top.add_parser("person", help=texts.CLI_HELP["backup:top.person"]).add_subparsers(
        metavar="HANDLING"
    )
    pexp = leaf(person, "export", "cmd_person_export", texts.CLI_HELP["backup:person.export"])
    pexp.add_argument("email")
    pexp.add_argument("-o", "--output", required=True)
    perase = leaf(person, "erase", "cmd_person_erase", texts.CLI_HELP["backup:person.erase"])
    perase.add_argument("email")
    perase.add_argument("--yes", action="store_true", help=texts.CLI_HELP["backup:perase.yes"])
    route = leaf(person, "route", "cmd_person_route", texts.CLI_HELP["people:person.route"])
    route.add_argument("person", help=texts.CLI_HELP["people:route.person"])
    route.add_argument("choice", help=texts.CLI_HELP["people:route.choice"])
    leaf(top, "prune", "cmd_prune", texts.CLI_HELP["backup:top.prune"])


def _minutes(top: Any, leaf: Leaf) -> None:
    """Add the minutes and search commands to the `klu-bot` parser."""
    mn = top.add_parser("minutes", help=texts.CLI_HELP["minutes:top.minutes"]).add_subparsers(
        metavar="HANDLING"
    )
    rec = leaf(mn, "record", "cmd_minutes_record", texts.CLI_HELP["minutes:mn.record"])
    rec.add_argument("meeting", help=texts.CLI_HELP["minutes:rec.meeting"])
    rec.add_argument("item", help=texts.CLI_HELP["minutes:rec.item"])
    rec.add_argument("--referat", default=None, help=texts.CLI_HELP["minutes:rec.referat"])
    rec.add_argument("--beslutning", default=None)
    rec.add_argument("--outcome", default=None, help=texts.CLI_HELP["minutes:rec.outcome"])
    rec.add_argument(
        "--action", action="append", default=None, help=texts.CLI_HELP["minutes:rec.action"]
    )
    att = leaf(mn, "attendance", "cmd_minutes_attendance", texts.CLI_HELP["minutes:mn.attendance"])
    att.add_argument("meeting", help=texts.CLI_HELP["minutes:att.meeting"])
    att.add_argument("--came", action="append", help=texts.CLI_HELP["minutes:att.came"])
    att.add_argument("--regrets", action="append", help=texts.CLI_HELP["minutes:att.regrets"])
    att.add_argument("--no-show", action="append", help=texts.CLI_HELP["minutes:att.no_show"])
    nxt = leaf(mn, "next", "cmd_minutes_next", texts.CLI_HELP["minutes:mn.next"])
    nxt.add_argument("meeting", help=texts.CLI_HELP["minutes:nxt.meeting"])
    nxt.add_argument("note", help=texts.CLI_HELP["minutes:nxt.note"])
    imp = leaf(mn, "import", "cmd_minutes_import", texts.CLI_HELP["minutes:mn.import"])
    imp.add_argument("meeting", help=texts.CLI_HELP["minutes:imp.meeting"])
    imp.add_argument("file", help=texts.CLI_HELP["minutes:imp.file"])
    app = leaf(mn, "approve", "cmd_minutes_approve", texts.CLI_HELP["minutes:mn.approve"])
    app.add_argument("meeting", help=texts.CLI_HELP["minutes:app.meeting"])
    exp = leaf(mn, "export", "cmd_minutes_export", texts.CLI_HELP["minutes:mn.export"])
    exp.add_argument("meeting", help=texts.CLI_HELP["minutes:exp.meeting"])
    exp.add_argument("--format", default="md", help=texts.CLI_HELP["minutes:exp.format"])
    exp.add_argument("-o", "--output", default=None, help=texts.CLI_HELP["minutes:exp.o"])
    leaf(mn, "actions", "cmd_minutes_actions", texts.CLI_HELP["minutes:mn.actions"])
    done = leaf(mn, "done", "cmd_minutes_done", texts.CLI_HELP["minutes:mn.done"])
    done.add_argument("action", help=texts.CLI_HELP["minutes:done.action"])
    src = leaf(top, "search", "cmd_search", texts.CLI_HELP["minutes:top.search"])
    src.add_argument("words", nargs="+", help=texts.CLI_HELP["minutes:src.words"])
