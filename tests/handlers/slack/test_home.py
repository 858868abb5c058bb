"""App Home over signed HTTP, the background linking, /healthz and start-up configuration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot import texts
from bot.config import Settings
from bot.domain import Attendance, AttendanceStatus
from bot.people.committees import find_committee
from bot.people.identity import unlinked_people
from bot.topics import proposals as topics
from handlers.bootstrap import Container, bootstrap
from handlers.slack import blocks as b
from handlers.slack.identity import Linker
from handlers.slack.sender import make_client
from handlers.slack.serve import build_wsgi, make_dev_server
from tests.conftest import FakeClock
from tests.slack_http import (  # noqa: F401
    MEMBER,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

SOFIE = MEMBER[0]
ROOT = Path(__file__).resolve().parents[3]


def home_opened(server: SlackAppServer, user: str) -> int:
    event = {"type": "app_home_opened", "user": user, "channel": "D1", "tab": "home"}
    return server.event(event).status


def test_home_shows_meeting_role_own_topics_board_and_absences(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    c = bot.container
    with c.uow() as uow:
        committee = find_committee(uow, None)
        sofie = uow.people.by_email(MEMBER[1])
        meeting = uow.meetings.for_committee(committee.id or 0)[0]
        assert sofie is not None and sofie.id is not None and meeting.id is not None
        uow.attendance.add(
            Attendance(meeting.id, sofie.id, AttendanceStatus.REGRETS, c.clock(), reason="ferie")
        )
        uow.commit()
    spec = topics.NewTopic(text="Mit emne om <!channel>")
    topics.propose_topic(c.uow(), committee, sofie, spec, now=c.clock())

    assert home_opened(bot, SOFIE) == 200
    standin.wait_for("views.publish")
    view = standin.home_view(SOFIE)
    assert view is not None and view["type"] == "home"
    assert len(view["blocks"]) <= b.VIEW_BLOCKS
    shown = json.dumps(view["blocks"], ensure_ascii=False)
    assert texts.SLACK_HOME_ROLE.format(role="medlem", committee=committee.name) in shown
    assert "18. juni 2026" in shown and "15:00–" in shown
    assert "Mit emne om &lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert texts.SLACK_HOME_ABSENCES in shown and "(ferie)" in shown


def test_home_for_an_unknown_user_is_the_roster_hint(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    assert home_opened(bot, "U_NOBODY") == 200
    standin.wait_for("views.publish")
    view = standin.home_view("U_NOBODY")
    assert view is not None
    assert "medlemslisten" in json.dumps(view, ensure_ascii=False)


def test_home_with_many_long_topics_stays_under_100_blocks(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    c = bot.container
    with c.uow() as uow:
        committee = find_committee(uow, None)
        sofie = uow.people.by_email(MEMBER[1])
    assert sofie is not None
    for n in range(60):
        spec = topics.NewTopic(text=f"{n} " + "ø" * 1990, note="n" * 2000)
        topics.propose_topic(c.uow(), committee, sofie, spec, now=c.clock())
    home_opened(bot, SOFIE)
    standin.wait_for("views.publish")
    view = standin.home_view(SOFIE)
    assert view is not None
    assert len(view["blocks"]) <= b.VIEW_BLOCKS
    for block in view["blocks"]:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= b.SECTION_TEXT


def test_unsigned_event_is_refused(bot: SlackAppServer, standin: SlackStandIn) -> None:
    event = {"type": "app_home_opened", "user": SOFIE, "tab": "home"}
    assert bot.event(event, secret="nope").status == 401
    assert bot.container.uow is not None
    with bot.container.uow() as uow:
        assert uow.outbox.pending_count() == 0


def test_link_all_links_roster_people_slack_knows_by_email(
    sample: Container, standin: SlackStandIn
) -> None:
    standin.add_user("U_HENRIK", "henrik.lund@plo-fjordby.dk", "Henrik Lund")
    linker = Linker(sample.uow, make_client("xoxb-test", standin.base_url))
    unlinked = len(unlinked_people(sample.uow()))
    assert linker.link_all() == 1
    with sample.uow() as uow:
        henrik = uow.people.by_email("henrik.lund@plo-fjordby.dk")
        assert henrik is not None and henrik.slack_user_id == "U_HENRIK"
    assert len(standin.calls_to("users.lookupByEmail")) == unlinked
    assert len(unlinked_people(sample.uow())) == unlinked - 1


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path: Path, clock: FakeClock) -> None:
    url = f"sqlite:///{tmp_path}/missing/dir/klu.db"
    container = bootstrap(Settings(database_url=url), clock=clock, migrate=False)
    server = make_dev_server(build_wsgi(container), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/healthz", timeout=5)
        assert failed.value.code == 503
    finally:
        server.shutdown()
        server.server_close()


def test_serve_without_a_signing_secret_stops_with_exit_code_2(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": "xoxb-x",
        "SLACK_SIGNING_SECRET": "",
        "DATABASE_URL": f"sqlite:///{tmp_path}/k.db",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import sys, handlers.cli.main as c; sys.exit(c.main(['serve']))"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "fejl: Miljøvariablen SLACK_SIGNING_SECRET mangler eller er tom."
    )
