"""`klu-bot demo`: the real app over HTTP against a local Slack stand-in, no workspace needed.

A throwaway SQLite database in a temp dir; the sample roster from examples/; signed slash
commands and modal submissions as Slack would send them; and, printed, what each person sees.
"""

from __future__ import annotations

import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.config import DEFAULT_TIMEZONE, Settings
from bot.people.roster_file import parse_roster_csv
from bot.time.parse import format_date
from handlers.bootstrap import Container, bootstrap, system_clock
from handlers.demo.signed import CHANNEL, EMAIL_ONLY, SECRET, Out, SignedClient

TOKEN = "xoxb-demo"
MAIL_FROM = "klu@fjordby.dk"


def examples_dir() -> Path:
    """The sample committee, installed with the package (examples/ in a clone links here)."""
    here = Path(__file__).resolve().parent / "examples"
    if (here / "roster.csv").is_file():
        return here
    raise FileNotFoundError(texts.DEMO_NO_EXAMPLES)


def standin_class() -> Any:
    """The local Slack Web API stand-in the demo talks to (part of the installed package)."""
    from handlers.slack.standin import SlackStandIn

    return SlackStandIn


def user_id_for(name: str) -> str:
    """U_SOFIE for Sofie Brandt: readable ids for the stand-in's users."""
    first = unicodedata.normalize("NFKD", name.split()[0]).encode("ascii", "ignore").decode()
    return "U_" + "".join(ch for ch in first.upper() if ch.isalnum())


class DemoClock:
    """The real clock, moved ahead when the story jumps to a later day."""

    def __init__(self, zone: str = DEFAULT_TIMEZONE) -> None:
        self.zone = ZoneInfo(zone)
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return system_clock() + self.offset

    def jump(self, when: datetime) -> None:
        """From now on the clock reads `when` (and runs on from there)."""
        self.offset = when - system_clock()


def next_meeting_text(now_local_date: Any) -> str:
    """A Thursday six to seven weeks ahead, in the words a secretary would type."""
    day = now_local_date + timedelta(days=42)
    day += timedelta(days=(3 - day.weekday()) % 7)
    return f"{format_date(day)} kl. 15-17"


@contextmanager
def running_app(container: Container) -> Iterator[str]:
    """The WSGI app on a free port with its outbox worker; yields the events URL."""
    from handlers.slack.serve import build_wsgi, make_dev_server, start_worker

    worker = start_worker(container, interval=0.1, link_every=None)
    server = make_dev_server(build_wsgi(container, worker), "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/slack/events"
    finally:
        server.shutdown()
        server.server_close()
        worker.stop()


def run_demo(out: Out = print) -> int:
    """Play the whole story and print it; 0 when it ran through."""
    from handlers.demo.story import play

    SlackStandIn = standin_class()
    examples = examples_dir()
    roster = parse_roster_csv((examples / "roster.csv").read_bytes())
    from handlers.demo.mailbox import smtp_server

    with (
        tempfile.TemporaryDirectory(prefix="klu-demo-") as tmp,
        SlackStandIn() as slack,
        smtp_server() as (smtp_url, mail),
    ):
        names = {user_id_for(row.name): row.name for row in roster}
        for row in roster:
            if row.email != EMAIL_ONLY:
                slack.add_user(user_id_for(row.name), row.email, row.name)
        slack.add_channel(CHANNEL, "klu")
        settings = Settings(
            database_url=f"sqlite:///{Path(tmp) / 'demo.db'}",
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=slack.base_url,
            smtp_url=smtp_url,
            mail_from=MAIL_FROM,
        )
        clock = DemoClock()
        container = bootstrap(settings, clock=clock)
        try:
            with running_app(container) as url:
                today = clock().astimezone(clock.zone).date()
                when = next_meeting_text(today)
                client = SignedClient(url, slack.team_id, slack.app_id)
                play(container, slack, client, examples, when, names, out, clock, mail)
        finally:
            container.close()
    out(texts.DEMO_DONE)
    return 0
