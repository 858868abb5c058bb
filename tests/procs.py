"""Real processes for the scale-out and fault tests: PostgreSQL, gunicorn, `klu-bot clock`.

`pg_url` gives a PostgreSQL database (KLU_TEST_DATABASE_URL, or a throwaway server started
with scripts/pg-start.sh; skipped when PostgreSQL is not installed). `seed_live` puts the
sample committee on a database with a meeting tomorrow (real time) and every roster member
linked to a Slack user, and sets the day-before reminder to fall due a few minutes ago, so
a clock on the real clock sends it at once. `Web` runs gunicorn as the Procfile does and
`Clock` runs `klu-bot clock`, both as subprocesses pointed at the stand-in and an SMTP
server; `Web.command/event` sign requests as Slack does.
"""

from __future__ import annotations

import atexit
import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from bot.config import Settings
from bot.domain import MeetingStatus
from bot.meetings.meeting_file import load_meeting
from bot.people import committees
from bot.people import roster as people
from bot.reminders.settings import Kind, ReminderSetting
from handlers.bootstrap import Container, bootstrap
from tests.conftest import EXAMPLES, ROOT, SAMPLE_COMMITTEE
from tests.invitation_helpers import free_port
from tests.slack_http import BOT_TOKEN, CHANNEL, SIGNING_SECRET, Response, sign
from tests.slack_standin import SlackStandIn

CPH = ZoneInfo("Europe/Copenhagen")
BIN = Path(sys.executable).parent
MAIL_FROM = "klu-bot@fjordby.dk"


def reset_schema(url: str) -> None:
    """Drop everything in the public schema."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(name="pg_url", scope="module")
def pg_url_fixture() -> Iterator[str]:
    """A PostgreSQL URL: KLU_TEST_DATABASE_URL, else a throwaway server of our own."""
    given = os.environ.get("KLU_TEST_DATABASE_URL", "").strip()
    if given:
        yield given
        return
    if not list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")) and not shutil.which("pg_ctl"):
        pytest.skip("PostgreSQL is not installed (needed for several processes on one database)")
    work = tempfile.mkdtemp(prefix="klu-pg.")
    started = subprocess.run(
        ["bash", str(ROOT / "scripts/pg-start.sh"), work], capture_output=True, text=True
    )
    if started.returncode != 0:
        pytest.skip(f"could not start PostgreSQL: {started.stderr.strip()}")
    try:
        yield started.stdout.strip()
    finally:
        subprocess.run(["bash", str(ROOT / "scripts/pg-stop.sh"), work], capture_output=True)


def slack_id(index: int) -> str:
    """The Slack user id given to roster row `index`."""
    return f"U{index:03d}"


def roster_with_slack(extra: int = 0) -> tuple[bytes, list[tuple[str, str, str]]]:
    """examples/roster.csv with a Slack id on every row, plus `extra` generated members."""
    rows = list(csv.reader(io.StringIO((EXAMPLES / "roster.csv").read_text()), delimiter=";"))
    header, body = rows[0], rows[1:]
    for n in range(extra):
        body.append(
            [f"Medlem Nr{n}", f"medlem{n}@fjordby.dk", "", "Fjordby", "", "Fjordby Kommune",
             "medlem", ""]
        )  # fmt: skip
    users = []
    for index, row in enumerate(body):
        row[2] = slack_id(index)
        users.append((row[2], row[1], row[0]))
    out = io.StringIO()
    csv.writer(out, delimiter=";").writerows([header, *body])
    return out.getvalue().encode(), users


@dataclass
class Live:
    """What seed_live made: the Slack users (id, e-mail, name) and the secretary's id."""

    users: list[tuple[str, str, str]]
    secretary: str
    meeting_id: int


def seed_live(url: str, slack: SlackStandIn, *, extra_members: int = 0) -> Live:
    """The sample committee, everyone linked, a called meeting tomorrow, day-before reminder
    due."""
    container = bootstrap(Settings(database_url=url))
    try:
        now = datetime.now(UTC)
        committee = committees.setup_committee(container.uow(), SAMPLE_COMMITTEE)
        assert committee.id is not None
        committees.bind_channel(container.uow(), committee.id, CHANNEL)
        roster, users = roster_with_slack(extra_members)
        people.import_roster(container.uow(), roster, today=now.date())
        due = now.astimezone(CPH) - timedelta(minutes=10)
        day = due.date() + timedelta(days=1)
        meeting_file = (EXAMPLES / "meeting.yaml").read_text()
        meeting_file = meeting_file.replace(
            "when: 18. juni 2026 kl. 15-17", f"when: {day:%d.%m.%Y} kl. 15-17"
        )
        meeting = load_meeting(container.uow(), committee, meeting_file.encode(), now=now)
        assert meeting.id is not None
        with container.uow() as uow:
            setting = ReminderSetting(committee.id, Kind.DAY_BEFORE, 1, f"{due:%H:%M}", True)
            uow.reminders.save(setting)
            called = uow.meetings.get(meeting.id)  # members hear only of a called meeting
            assert called is not None
            called.status = MeetingStatus.CALLED  # its invitations are not what is tested here
            uow.commit()
    finally:
        container.close()
    for user_id, email, name in users:
        slack.add_user(user_id, email, name)
    secretary = next(u for u, e, _ in users if e == SAMPLE_COMMITTEE.secretariat_email)
    return Live(users, secretary, meeting.id)


def environment(url: str, slack: SlackStandIn, smtp_port: int | None) -> dict[str, str]:
    """The process environment of web and clock."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.base_url,
        "PYTHONUNBUFFERED": "1",
    }
    if smtp_port is not None:
        env |= {"SMTP_URL": f"smtp://127.0.0.1:{smtp_port}", "MAIL_FROM": MAIL_FROM}
    return env


class Proc:
    """A subprocess with its output in a file (shown when a test fails)."""

    def __init__(self, name: str, argv: Sequence[str], env: Mapping[str, str]) -> None:
        self.name = name
        self.log = Path(tempfile.mkstemp(prefix=f"klu-{name}.", suffix=".log")[1])
        atexit.register(self.log.unlink, missing_ok=True)
        with self.log.open("wb") as out:
            self.popen = subprocess.Popen(
                list(argv), env=dict(env), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip

    def output(self) -> str:
        """Everything the process wrote so far."""
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL, now (as a crash would)."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(10)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM (a deploy), then wait."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                self.kill()


def start_clock(env: Mapping[str, str], name: str = "clock", every: float = 0.3) -> Proc:
    """`klu-bot clock` on the real clock, dispatching every `every` seconds."""
    return Proc(name, [str(BIN / "klu-bot"), "clock", "--every", str(every)], env)


class Web:
    """gunicorn with the Procfile's app factory on a free port."""

    def __init__(self, env: Mapping[str, str], slack: SlackStandIn, workers: int = 2) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.slack = slack
        self.proc = Proc(
            "web",
            [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", str(workers),
             "--threads", "4", "--timeout", "30", "handlers.slack.serve:create_wsgi_app()"],
            env,
        )  # fmt: skip
        self._seq = 0
        deadline = time.monotonic() + 30
        while self.get("/healthz").status != 200:
            if time.monotonic() > deadline or self.proc.popen.poll() is not None:
                raise AssertionError("gunicorn did not start:\n" + self.proc.output())
            time.sleep(0.2)

    def stop(self) -> None:
        """SIGTERM gunicorn (graceful)."""
        self.proc.stop()

    def get(self, path: str) -> Response:
        """A plain GET."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=10) as reply:
                return Response(reply.status, reply.read().decode())
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.read().decode())
        except OSError as exc:
            return Response(0, str(exc))

    def post(self, body: bytes, content_type: str, headers: Mapping[str, str] = {}) -> Response:
        """POST a signed body to /slack/events."""
        ts = int(time.time())
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign(body, ts),
            **headers,
        }
        request = urllib.request.Request(self.url + "/slack/events", data=body, headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                return Response(reply.status, reply.read().decode())
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.read().decode())

    def command(self, text_value: str, user: str, channel: str = CHANNEL) -> Response:
        """`/klu <text>` from a user."""
        self._seq += 1
        fields = {
            "team_id": self.slack.team_id,
            "channel_id": channel,
            "user_id": user,
            "command": "/klu",
            "text": text_value,
            "api_app_id": self.slack.app_id,
            "response_url": f"{self.slack.base_url}respond/W{self._seq}",
            "trigger_id": f"trigger.w{self._seq}.{time.time_ns()}",
        }
        return self.post(urlencode(fields).encode(), "application/x-www-form-urlencoded")

    def event(self, event_id: str, event: dict[str, Any], retry: int | None = None) -> Response:
        """An Events API callback; `retry` adds X-Slack-Retry-Num as Slack's retries do."""
        body = {
            "team_id": self.slack.team_id,
            "api_app_id": self.slack.app_id,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
        }
        headers = {}
        if retry is not None:
            headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(json.dumps(body).encode(), "application/json", headers)


def dm_event(user: str, text_value: str) -> dict[str, Any]:
    """A DM from a user to the bot."""
    return {
        "type": "message",
        "channel": f"D{user}",
        "channel_type": "im",
        "user": user,
        "text": text_value,
        "ts": f"{time.time():.6f}",
    }


def wait_until(check: Any, timeout: float, what: str) -> None:
    """Poll `check()` until true."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def engine_for(url: str) -> Any:
    """A plain engine on the URL (for counting rows)."""
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def container_for(url: str) -> Container:
    """A container on an existing database (no migration)."""
    return bootstrap(Settings(database_url=url), migrate=False)
