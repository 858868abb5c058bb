"""The `klu-bot` argument grammar (Danish help for the secretary)."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from typing import Any, NoReturn

from bot import texts
from handlers.cli_attendance import add_attendance_commands
from handlers.cli_backup import add_commands as add_backup_commands
from handlers.cli_minutes import add_commands as add_minutes_commands


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


def build(commands: Mapping[str, Callable[..., Any]]) -> argparse.ArgumentParser:
    """Build the parser; each leaf sets `handler` to the cmd_* function named for it."""
    parser = KluArgumentParser(
        prog="klu-bot", description="KLU-bot: møder, dagsordener og bruttoliste for et udvalg."
    )
    parser.add_argument("--committee", help="udvalgets kortnavn (når der er flere udvalg)")
    parser.add_argument("--now", help="kør som om klokken var (lokal tid), fx 2026-06-17T09:00")
    top = parser.add_subparsers(dest="area", metavar="OMRÅDE")

    def leaf(group: Any, name: str, func: str, help_text: str) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = group.add_parser(name, help=help_text)
        sub.set_defaults(handler=commands[func])
        return sub

    top.add_parser(
        "demo", help="vis en guidet demo uden Slack (lokal Slack-attrap, midlertidig database)"
    )
    db = top.add_parser("db", help="databasen").add_subparsers(metavar="HANDLING")
    leaf(db, "upgrade", "cmd_db_upgrade", "opgrader databasens skema til nyeste version")

    com = top.add_parser("committee", help="udvalget").add_subparsers(metavar="HANDLING")
    setup = leaf(com, "setup", "cmd_committee_setup", "opret eller ret udvalget")
    setup.add_argument("--short-name", required=True, help="fx KLU")
    # Every other field: None = not given, the committee keeps what it has (defaults when new).
    setup.add_argument("--name", help="fx 'Kommunalt Lægeligt Udvalg' (kræves ved oprettelse)")
    setup.add_argument("--timezone", help="standard Europe/Copenhagen")
    setup.add_argument("--unit", help="den organiserende enhed")
    setup.add_argument("--place", help="standard mødested")
    setup.add_argument("--start", help="standard starttid (15:00 ved oprettelse)")
    setup.add_argument("--end", help="standard sluttid (17:00 ved oprettelse)")
    setup.add_argument("--secretariat-name")
    setup.add_argument("--secretariat-email")
    setup.add_argument("--secretariat-phone")
    setup.add_argument("--channel", help="Slack-kanalens id")
    setup.add_argument(
        "--secretariat-participates",
        choices=("ja", "nej"),
        default=None,
        help=texts.CLI_HELP_SECRETARIAT_PARTICIPATES,
    )

    mem = top.add_parser("members", help="medlemslisten").add_subparsers(metavar="HANDLING")
    imp = leaf(mem, "import", "cmd_members_import", "indlæs medlemsliste fra CSV (fra Excel)")
    imp.add_argument("file")
    leaf(mem, "list", "cmd_members_list", "vis medlemmerne")

    mtg = top.add_parser("meeting", help="møder").add_subparsers(metavar="HANDLING")
    create = leaf(mtg, "create", "cmd_meeting_create", "opret et møde")
    create.add_argument("when", help="fx '18. juni 2026 kl. 15-17'")
    create.add_argument("--place", default="")
    create.add_argument("--title", default="")
    create.add_argument("--case-no", default="")
    create.add_argument("--doc-no", default="")
    load = leaf(mtg, "load", "cmd_meeting_load", "indlæs et helt møde fra en YAML-fil")
    load.add_argument("file")
    show = leaf(mtg, "show", "cmd_meeting_show", "vis dagsorden og tidsplan")
    show.add_argument("meeting", nargs="?", default=None, help="mødets nummer (standard: næste)")
    leaf(mtg, "list", "cmd_meeting_list", "vis alle møder")
    mmove = leaf(mtg, "move", "cmd_meeting_move", "flyt et møde (opdaterer invitationerne)")
    mmove.add_argument("meeting", help="mødets nummer")
    mmove.add_argument("when", help="fx '19. juni 2026 kl. 14-16'; tom tekst beholder tiden")
    mmove.add_argument("--place", default="", help="nyt mødested")
    mcancel = leaf(mtg, "cancel", "cmd_meeting_cancel", "aflys et møde (sender aflysninger)")
    mcancel.add_argument("meeting", help="mødets nummer")

    ag = top.add_parser("agenda", help="dagsordenen").add_subparsers(metavar="HANDLING")
    add = leaf(ag, "add", "cmd_agenda_add", "tilføj et punkt")
    add.add_argument("--meeting", default=None, help="mødets nummer (standard: næste)")
    add.add_argument("--title", required=True)
    add.add_argument("--section", type=int, default=2, help="afsnit 1-4 (standard 2)")
    add.add_argument("--minutes", default="15", help="planlagt varighed i minutter")
    add.add_argument("--position", type=int, default=None)
    add.add_argument("--presenter", default="")
    add.add_argument("--indstilling", default="")
    add.add_argument("--sagsbeskrivelse", default="")
    add.add_argument("--guest", action="append", help="gæst (e-mail eller navn); kan gentages")
    add.add_argument("--attachment", action="append", help="bilag som NAVN=URL; kan gentages")
    move = leaf(ag, "move", "cmd_agenda_move", "flyt et punkt")
    move.add_argument("item", help="punktets nummer, fx 2.b")
    move.add_argument("--meeting", default=None)
    move.add_argument("--section", type=int, default=None)
    move.add_argument("--position", type=int, default=None)
    amin = leaf(ag, "minutes", "cmd_agenda_minutes", "ret et punkts varighed i tidsplanen")
    amin.add_argument("item", help="punktets nummer, fx 2.b")
    amin.add_argument("minutes", help="minutter")
    amin.add_argument("--meeting", default=None)
    rm = leaf(ag, "remove", "cmd_agenda_remove", "fjern et punkt")
    rm.add_argument("item")
    rm.add_argument("--meeting", default=None)
    aexp = leaf(ag, "export", "cmd_agenda_export", "gem dagsordenen som md, html eller pdf")
    aexp.add_argument("meeting", nargs="?", default=None, help="mødets nummer (standard: næste)")
    aexp.add_argument("--format", default="md", help="md, html eller pdf")
    aexp.add_argument("-o", "--output", default=None, help="filnavn (standard: vis md/html)")

    tp = top.add_parser("topic", help="bruttolisten").add_subparsers(metavar="HANDLING")
    tadd = leaf(tp, "add", "cmd_topic_add", "foreslå et emne")
    tadd.add_argument("text")
    tadd.add_argument("--by", required=True, help="forslagsstiller (e-mail eller navn)")
    tadd.add_argument("--note", default="")
    tadd.add_argument("--origin", default="", help="hvor emnet blev foreslået")
    timp = leaf(tp, "import", "cmd_topic_import", "indlæs en bruttoliste fra CSV (fra Excel)")
    timp.add_argument("file")
    tlist = leaf(tp, "list", "cmd_topic_list", "vis bruttolisten")
    tlist.add_argument("--all", action="store_true", help="også behandlede og tilbagetrukne")
    tnote = leaf(tp, "note", "cmd_topic_note", "tilføj en note til et emne")
    tnote.add_argument("topic")
    tnote.add_argument("note")
    tsch = leaf(tp, "schedule", "cmd_topic_schedule", "sæt et emne på et mødes dagsorden")
    tsch.add_argument("topic")
    tsch.add_argument("--meeting", default=None)
    tsch.add_argument("--section", type=int, default=2)
    tsch.add_argument("--minutes", default="15")
    tw = leaf(tp, "withdraw", "cmd_topic_withdraw", "træk et emne tilbage")
    tw.add_argument("topic")
    tw.add_argument("--reason", default="")
    inv = top.add_parser("invitations", help="kalenderinvitationer").add_subparsers(
        metavar="HANDLING"
    )
    isend = leaf(inv, "send", "cmd_invitations_send", "send indkaldelse (Slack og e-mail)")
    isend.add_argument("--meeting", default=None, help="mødets nummer (standard: næste)")
    leaf(inv, "sync", "cmd_invitations_sync", "send ventende opdateringer og udsendelser nu")
    srv = leaf(top, "serve", "cmd_serve", "kør Slack-appen over HTTP (/slack/events, /healthz)")
    srv.add_argument("--port", type=int, default=None, help="port (standard: $PORT eller 3000)")
    srv.add_argument("--host", default="0.0.0.0", help="adresse at lytte på")
    srv.set_defaults(requires=("slack_bot_token", "slack_signing_secret", "database_url"))
    sock = leaf(top, "socket", "cmd_socket", "kør Slack-appen i Socket Mode (SLACK_APP_TOKEN)")
    sock.set_defaults(requires=("slack_bot_token", "slack_app_token", "database_url"))
    clk = leaf(top, "clock", "cmd_clock", "send påmindelser og udsendelser hvert minut")
    clk.add_argument("--once", action="store_true", help="kør det, der er forfaldent, én gang")
    clk.add_argument("--now", default=argparse.SUPPRESS, help="som om klokken var (lokal tid)")
    clk.add_argument("--every", type=float, default=None, help="sekunder mellem udsendelser (5)")
    rem = top.add_parser("reminders", help="automatiske påmindelser").add_subparsers(
        metavar="HANDLING"
    )
    leaf(rem, "show", "cmd_reminders_show", "vis påmindelserne og deres tidspunkter")
    rset = leaf(rem, "set", "cmd_reminders_set", "ret en påmindelse")
    rset.add_argument("kind", help="emner, dagsorden, dagen-før eller referat")
    rset.add_argument("--days", default=None, help="dage før mødet (for referat: efter)")
    rset.add_argument("--at", default=None, help="klokkeslæt, fx 09:00")
    onoff = rset.add_mutually_exclusive_group()
    onoff.add_argument("--off", action="store_true", help="slå påmindelsen fra")
    onoff.add_argument("--on", action="store_true", help="slå påmindelsen til igen")
    add_backup_commands(top, leaf)
    add_minutes_commands(top, leaf)
    add_attendance_commands(top, leaf)
    return parser
