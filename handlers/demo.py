"""`klu-bot demo`: the real app over HTTP against a local Slack stand-in, no workspace needed.

A throwaway SQLite database in a temp dir; the sample roster from examples/; signed slash
commands and modal submissions as Slack would send them; and, printed, what each person sees.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sys
import tempfile
import threading
import time
import unicodedata
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from bot import texts
from bot.config import DEFAULT_TIMEZONE, Settings
from bot.roster import parse_roster_csv
from bot.timeparse import format_date
from handlers.bootstrap import Container, bootstrap, system_clock

ROOT = Path(__file__).resolve().parent.parent
SECRET = "demo-signing-secret"
TOKEN = "xoxb-demo"
CHANNEL = "C0KLU"
Out = Callable[[str], None]


def examples_dir() -> Path:
    """examples/ of the clone (next to the package, else in the current directory)."""
    for root in (ROOT, Path.cwd()):
        if (root / "examples" / "roster.csv").is_file():
            return root / "examples"
    raise FileNotFoundError(texts.DEMO_NO_EXAMPLES)


def standin_class() -> Any:
    """tests.slack_standin.SlackStandIn, importable from a clone installed with pip -e."""
    for root in (ROOT, Path.cwd()):
        if (root / "tests" / "slack_standin.py").is_file():
            if str(root) not in sys.path:
                sys.path.insert(0, str(root))
            break
    from tests.slack_standin import SlackStandIn

    return SlackStandIn


def user_id_for(name: str) -> str:
    """U_SOFIE for Sofie Brandt: readable ids for the stand-in's users."""
    first = unicodedata.normalize("NFKD", name.split()[0]).encode("ascii", "ignore").decode()
    return "U_" + "".join(ch for ch in first.upper() if ch.isalnum())


class SignedClient:
    """Posts to /slack/events exactly as Slack does: form bodies signed with the secret."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.seq = 0

    def post(self, fields: dict[str, str]) -> dict[str, Any]:
        """POST a signed form; the JSON answer ({} when empty)."""
        body = urlencode(fields).encode()
        ts = str(int(time.time()))
        base = b"v0:" + ts.encode() + b":" + body
        signature = "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature,
        }
        request = urllib.request.Request(self.url, data=body, headers=headers)
        with urllib.request.urlopen(request, timeout=20) as reply:
            text = reply.read().decode()
        answer = json.loads(text) if text.strip() else {}
        return answer if isinstance(answer, dict) else {}

    def command(self, user: str, text: str, channel: str = CHANNEL) -> dict[str, Any]:
        """`/klu <text>` from a user in a channel."""
        self.seq += 1
        return self.post(
            {
                "command": "/klu",
                "text": text,
                "user_id": user,
                "channel_id": channel,
                "channel_name": "klu",
                "team_id": "T0KLU",
                "trigger_id": f"trigger.{self.seq}",
                "response_url": f"{self.url}/response/{self.seq}",
            }
        )

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
        """Submit a modal: strings for text fields, ('option', v) for selects."""
        state: dict[str, Any] = {}
        for block, value in values.items():
            if isinstance(value, tuple):
                state[block] = {
                    "value": {"type": "static_select", "selected_option": {"value": value[1]}}
                }
            elif isinstance(value, list):
                state[block] = {"value": {"type": "multi_users_select", "selected_users": value}}
            else:
                state[block] = {"value": {"type": "plain_text_input", "value": value}}
        payload = {
            "type": "view_submission",
            "team": {"id": "T0KLU"},
            "user": {"id": user},
            "view": {**view, "id": f"V{self.seq}", "state": {"values": state}},
        }
        return self.post({"payload": json.dumps(payload)})


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
    from handlers.demo_story import play

    SlackStandIn = standin_class()
    examples = examples_dir()
    roster = parse_roster_csv((examples / "roster.csv").read_bytes())
    with tempfile.TemporaryDirectory(prefix="klu-demo-") as tmp, SlackStandIn() as slack:
        names = {user_id_for(row.name): row.name for row in roster}
        for row in roster:
            slack.add_user(user_id_for(row.name), row.email, row.name)
        slack.add_channel(CHANNEL, "klu")
        settings = Settings(
            database_url=f"sqlite:///{Path(tmp) / 'demo.db'}",
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=slack.base_url,
        )
        container = bootstrap(settings, clock=system_clock)
        try:
            with running_app(container) as url:
                today = system_clock().astimezone(ZoneInfo(DEFAULT_TIMEZONE)).date()
                when = next_meeting_text(today)
                play(container, slack, SignedClient(url), examples, when, names, out)
        finally:
            container.engine.dispose()
    out(texts.DEMO_DONE)
    return 0
