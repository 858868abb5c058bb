"""Names, titles, places, organisations and short names are one line at every way in
(issue 13 point 5): a line break typed into a Slack form, passed to the CLI, quoted in a
roster cell or written as a YAML block in a meeting file is stored as one space, so it can
never reach an e-mail header or a calendar line as two lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.meetings.meeting_file import load_meeting
from bot.meetings.planning import get_meeting
from bot.people import committees
from bot.people import roster as people
from bot.people.committees import find_committee
from bot.validation import one_line, optional_line
from handlers.bootstrap import Container, bootstrap
from handlers.cli.main import main
from handlers.slack.listeners.meetings import views
from tests.conftest import SAMPLE_COMMITTEE, FakeClock
from tests.handlers.slack.test_secretary import meeting, opened_view, submit
from tests.slack_http import (  # noqa: F401
    SECRETARY,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn


def _single(*values: str | None) -> None:
    for value in values:
        assert value is not None
        assert "\n" not in value and "\r" not in value and "\t" not in value, repr(value)
        assert "  " not in value and value == value.strip(), repr(value)


def test_the_helpers_collapse_every_line_break() -> None:
    assert one_line(" Karen\r\nMunk\u2028Østergaard\t ", "navn") == "Karen Munk Østergaard"
    assert optional_line(" \n ", "sted") == ""
    assert optional_line("Rådhuset,\n\nlokale 2", "sted") == "Rådhuset, lokale 2"


def test_roster_cells_with_line_breaks(container: Container, clock: FakeClock) -> None:
    committees.setup_committee(container.uow(), SAMPLE_COMMITTEE)
    roster = (
        "navn;email;side;organisation;titel;rolle\n"
        '"Karen\nMunk";karen@fjordby.dk;Kommune;"Fjordby\r\nKommune";"Direktør,\nSundhed";'
        "formand\n"
    ).encode()
    people.import_roster(container.uow(), roster, today=clock().date())
    with container.uow() as uow:
        karen = uow.people.by_email("karen@fjordby.dk")
    assert karen is not None
    assert (karen.name, karen.organisation, karen.title) == (
        "Karen Munk", "Fjordby Kommune", "Direktør, Sundhed",
    )  # fmt: skip


MEETING_FILE = """\
title: |
  Møde i
  Kommunalt Lægeligt Udvalg
when: 18. juni 2026 kl. 15-17
place: "Rådhusgade 4,\\r\\n2. sal"
case_no: "2026-1\\n2"
guests:
  - name: "Ida\\nNørgaard"
    email: ida@fjordby.dk
    organisation: "PPR\\nFjordby"
    title: "Leder\\naf PPR"
items:
  - section: 2
    title: "Procedure for\\nlægeerklæringer"
    minutes: 20
    presenter: "Ida\\nNørgaard"
    guests: [ida@fjordby.dk]
    attachments:
      - name: "Vejledning\\n(udkast)"
        url: https://fjordby.dk/v.pdf
"""


def test_meeting_file_values_with_line_breaks(container: Container, clock: FakeClock) -> None:
    committee = committees.setup_committee(container.uow(), SAMPLE_COMMITTEE)
    created = load_meeting(container.uow(), committee, MEETING_FILE.encode(), now=clock())
    assert created.id is not None
    with container.uow() as uow:
        m = get_meeting(uow, created.id)
        ida = uow.people.by_email("ida@fjordby.dk")
        [item] = [i for i in m.items if i.section == 2]
        assert ida is not None
        _single(m.title, m.place, m.case_no, ida.name, ida.organisation, ida.title)
        _single(item.title, item.presenter, *(a.name for a in item.attachments))
    assert m.title == "Møde i Kommunalt Lægeligt Udvalg"
    assert item.title == "Procedure for lægeerklæringer"


def test_cli_committee_setup_with_line_breaks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    argv = [
        "committee", "setup", "--short-name", "KLU\n", "--name", "Kommunalt\nLægeligt Udvalg",
        "--place", "Rådhuset\r\nlokale 2", "--unit", "Fjordby\nKommune",
        "--secretariat-name", "Camilla\nJuul", "--secretariat-email", "camilla@fjordby.dk",
    ]  # fmt: skip
    assert main(argv) == 0

    c = bootstrap(Settings(database_url=f"sqlite:///{tmp_path / 'cli.db'}"))
    with c.uow() as uow:
        committee = find_committee(uow, "KLU")
    c.close()
    assert committee.name == "Kommunalt Lægeligt Udvalg"
    _single(committee.short_name, committee.default_place, committee.organiser_unit)
    _single(committee.secretariat_name)


def test_slack_meeting_form_with_line_breaks(bot: SlackAppServer, standin: SlackStandIn) -> None:
    assert bot.command("møde", SECRETARY[0]).status == 200
    view = opened_view(standin, views.MEETING_VIEW)
    answer = submit(
        bot,
        SECRETARY[0],
        view,
        {
            "when": "17. september 2026 kl. 15-17",
            "place": "Byrådssalen\nindgang B",
            "title": "Ekstra\r\nmøde",
            "case_no": "",
            "doc_no": "",
        },
    )
    assert answer["response_action"] == "update"
    created = meeting(bot, 2)
    assert (created.title, created.place) == ("Ekstra møde", "Byrådssalen indgang B")
