"""Right after `klu-bot members import` (a real process), the roster works in Slack and the CLI:
a member whose Slack e-mail is on the roster is answered on their very first command, and
guests on the roster are listed with their role."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import texts
from bot.config import Settings
from handlers.bootstrap import bootstrap
from tests.conftest import EXAMPLES
from tests.slack_http import CHANNEL, SlackAppServer
from tests.slack_standin import SlackStandIn

KLU_BOT = Path(sys.executable).parent / "klu-bot"
SETUP = [
    "committee", "setup", "--name", "Kommunalt Lægeligt Udvalg", "--short-name", "KLU",
    "--secretariat-name", "Camilla Juul", "--secretariat-email", "camilla.juul@fjordby.dk",
    "--channel", CHANNEL,
]  # fmt: skip
HENRIK = ("U_HENRIK", "henrik.lund@plo-fjordby.dk", "Henrik Lund")


def klu_bot(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SMTP_", "MAIL_"))}
    env["DATABASE_URL"] = url
    return subprocess.run(
        [str(KLU_BOT), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def ok(url: str, *args: str) -> str:
    result = klu_bot(url, *args)
    assert (result.returncode, result.stderr) == (0, ""), result.stderr
    return result.stdout


@pytest.fixture
def imported(tmp_path: Path) -> str:
    """A database set up and given the sample roster by the real CLI, nothing else."""
    url = f"sqlite:///{tmp_path / 'klu.db'}"
    ok(url, *SETUP)
    ok(url, "members", "import", str(EXAMPLES / "roster.csv"))
    return url


@pytest.fixture
def server(imported: str) -> Iterator[tuple[SlackAppServer, SlackStandIn]]:
    with SlackStandIn() as slack:
        container = bootstrap(Settings(database_url=imported))
        app = SlackAppServer(container, slack)
        try:
            yield app, slack
        finally:
            app.stop()
            container.close()


def test_a_members_first_command_after_the_import_is_answered(
    server: tuple[SlackAppServer, SlackStandIn],
) -> None:
    app, slack = server
    slack.add_user(*HENRIK)  # in the workspace under the e-mail the roster has
    reply = app.command("næste", HENRIK[0])
    assert reply.status == 200
    text = str(reply.json())
    assert "prøv igen" not in text
    assert texts.NO_NEXT_MEETING in text
    again = app.command("bruttoliste", HENRIK[0])  # and from then on without asking Slack
    assert "prøv igen" not in str(again.json())
    assert len(slack.calls_to("users.info")) == 1


def test_a_stranger_is_still_told_how_to_get_on_the_roster(
    server: tuple[SlackAppServer, SlackStandIn],
) -> None:
    app, slack = server
    slack.add_user("U_STRANGER", "someone@elsewhere.dk", "Nogen Andre")
    text = str(app.command("næste", "U_STRANGER").json())
    assert "Jeg kender dig ikke" in text


def test_guests_on_the_roster_are_listed_with_their_role(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'klu.db'}"
    ok(url, *SETUP)
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "navn;email;organisation;rolle\n"
        "Henrik Lund;henrik.lund@plo-fjordby.dk;Lægerne i Nørreby;næstformand\n"
        "Ida Nørgaard;ida.norgaard@fjordby.dk;PPR Fjordby;gæst\n",
        encoding="utf-8",
    )
    assert ok(url, "members", "import", str(roster)) == (
        "Medlemslisten er indlæst: 2 nye, 0 opdaterede, 0 uændrede.\n"
    )
    listed = ok(url, "members", "list").splitlines()
    assert "Ida Nørgaard — gæst, PPR Fjordby <ida.norgaard@fjordby.dk>" in listed
    assert "Henrik Lund — næstformand, Lægerne i Nørreby <henrik.lund@plo-fjordby.dk>" in listed
    # importing the same file again changes nothing; a guest who becomes a member is updated
    assert "0 nye, 0 opdaterede, 2 uændrede" in ok(url, "members", "import", str(roster))
    roster.write_text(roster.read_text(encoding="utf-8").replace(";gæst", ";medlem"), "utf-8")
    assert "0 nye, 1 opdateret, 1 uændret" in ok(url, "members", "import", str(roster))
    assert "Ida Nørgaard — medlem, PPR Fjordby <ida.norgaard@fjordby.dk>" in ok(
        url, "members", "list"
    )
