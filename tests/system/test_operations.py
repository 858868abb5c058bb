"""Operations: every log line about a request carries its request id (key=value lines), and
/healthz answers 503 when PostgreSQL cannot be reached."""

from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request

import pytest

from bot.config import Settings
from handlers.bootstrap import bootstrap
from handlers.logs import KeyValueFormatter, request_context
from handlers.slack.serve import build_wsgi, make_dev_server
from tests.conftest import FakeClock
from tests.invitation_helpers import free_port
from tests.slack_http import MEMBER, SlackAppServer
from tests.slack_http import bot_fixture as bot_fixture
from tests.slack_http import standin_fixture as standin_fixture
from tests.slack_standin import SlackStandIn


def test_lines_logged_while_handling_a_request_carry_its_id(
    bot: SlackAppServer, standin: SlackStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    standin.fail_next("views.open", status=500)
    body = bot.command_body("emne", MEMBER[0])
    trigger = dict(p.split("=", 1) for p in body.decode().split("&"))["trigger_id"]
    with caplog.at_level(logging.INFO):
        bot.post(body, "application/x-www-form-urlencoded")
        logging.getLogger("outside").warning("no request here")
    [line] = [r for r in caplog.records if "views.open failed" in r.getMessage()]
    assert getattr(line, "request_id", None) == trigger
    formatted = KeyValueFormatter().format(line)
    assert f"request_id={trigger}" in formatted and "level=WARNING" in formatted
    assert formatted.startswith("ts=") and 'msg="views.open failed' in formatted
    [outside] = [r for r in caplog.records if r.name == "outside"]
    assert getattr(outside, "request_id", None) == "-"


def test_key_value_lines_quote_what_needs_it() -> None:
    record = logging.LogRecord("x", logging.ERROR, __file__, 1, 'a "b"\nc=d', None, None)
    with request_context("Ev1"):
        record.request_id = "Ev1"
        line = KeyValueFormatter().format(record)
    assert line.endswith('request_id=Ev1 msg="a \\"b\\"\\nc=d"')
    assert "\n" not in line


def test_healthz_is_503_when_postgresql_is_unreachable(clock: FakeClock) -> None:
    url = f"postgresql://klu@127.0.0.1:{free_port()}/klu"
    container = bootstrap(Settings(database_url=url), clock=clock, migrate=False)
    server = make_dev_server(build_wsgi(container), "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(urllib.error.HTTPError) as failed:
            urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/healthz", timeout=10)
        assert failed.value.code == 503
        assert failed.value.read() == b"database unavailable\n"
    finally:
        server.shutdown()
        server.server_close()
