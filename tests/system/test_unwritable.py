"""A database that reads but cannot be written: nothing is acknowledged that was not stored.

The app runs over HTTP on the sample database opened read-only (SQLite: a `mode=ro` URI;
PostgreSQL: `default_transaction_read_only`), or with its file unable to grow (SQLite's
`max_page_count` at the file's size, as on a full disk). A DM event that cannot be stored
is answered 503, so Slack sends it again; once the database takes writes, that retry is
stored and worked on. /healthz says 503 as long as the database cannot be written.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import event, select, text

from bot import texts
from bot.config import Settings
from bot.domain import AttendanceStatus
from handlers.bootstrap import Container, bootstrap
from handlers.slack.render import REGRETS_ACTION
from storage import tables
from storage.sqlite_writes import lock_file_for
from tests.slack_http import (  # noqa: F401 (fixtures)
    CHANNEL,
    MEMBER,
    SlackAppServer,
    bot_fixture,
    prepare,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

SOFIE, SOFIE_DM = MEMBER[0], "DU_SOFIE"


def read_only_url(db_url: str) -> str:
    """The same database, opened so that it can be read and not written."""
    if db_url.startswith("sqlite:///"):
        return f"sqlite:///file:{db_url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    options = quote("-c default_transaction_read_only=on")
    return f"{db_url}{'&' if '?' in db_url else '?'}options={options}"


@pytest.fixture
def read_only(sample: Container, standin: SlackStandIn, db_url: str) -> Iterator[Container]:
    """The sample committee prepared for Slack, then a container that cannot write to it."""
    prepare(sample, standin)
    container = bootstrap(
        Settings(database_url=read_only_url(db_url)), clock=sample.clock, migrate=False
    )
    yield container
    container.close()


def dm_event(event_id: str, text_value: str, slack: SlackStandIn) -> bytes:
    """The Events API body of a DM from Sofie to the bot."""
    message = {
        "type": "message",
        "channel": SOFIE_DM,
        "channel_type": "im",
        "user": SOFIE,
        "text": text_value,
        "ts": f"{time.time():.6f}",
    }
    body = {
        "token": "legacy",
        "team_id": slack.team_id,
        "api_app_id": slack.app_id,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event": message,
    }
    return json.dumps(body).encode()


def inbox_keys(c: Container) -> list[str]:
    with c._engine.connect() as conn:
        return list(conn.execute(select(tables.inbox.c.key)).scalars())


def sofies_answer(c: Container) -> tuple[AttendanceStatus, str] | None:
    with c.uow() as uow:
        person = uow.people.by_email(MEMBER[1])
        assert person is not None and person.id is not None
        row = uow.attendance.get(1, person.id)
        return (row.status, row.reason) if row else None


def wait_for(found: Any, timeout: float = 5.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = found()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("never happened")


def test_a_dm_that_cannot_be_stored_is_refused_and_its_retry_is_stored(
    sample: Container, read_only: Container, standin: SlackStandIn
) -> None:
    body = dm_event("Ev_READ_ONLY", "afbud – er syg", standin)
    server = SlackAppServer(read_only, standin)
    try:
        refused = server.post(body, "application/json")
        health = server.get("/healthz")
    finally:
        server.stop()
    assert refused.status == 503, refused
    assert health.status == 503 and "database" in health.text
    assert inbox_keys(sample) == [] and sofies_answer(sample) is None

    server = SlackAppServer(sample, standin)  # the disk has room again; Slack retries the event
    try:
        assert server.get("/healthz").status == 200
        assert server.post(body, "application/json").status == 200
        wait_for(lambda: standin.messages(SOFIE_DM))
    finally:
        server.stop()
    assert inbox_keys(sample) == ["Ev_READ_ONLY"]
    assert sofies_answer(sample) == (AttendanceStatus.REGRETS, "er syg")


def test_healthz_writes_and_says_503_while_the_database_only_reads(
    sample: Container, read_only: Container, standin: SlackStandIn
) -> None:
    with read_only._engine.connect() as conn:  # it does answer a read
        assert conn.execute(text("SELECT count(*) FROM committees")).scalar_one() == 1
    server = SlackAppServer(read_only, standin)
    try:
        assert server.get("/healthz").status == 503
    finally:
        server.stop()
    server = SlackAppServer(sample, standin)
    try:
        assert server.get("/healthz").status == 200
    finally:
        server.stop()
    with sample._engine.connect() as conn:  # the check really wrote
        [checked] = conn.execute(select(tables.health.c.checked_at)).scalars()
    assert checked == sample.clock()


def test_a_command_that_cannot_be_stored_says_so_and_stores_nothing(
    sample: Container, read_only: Container, standin: SlackStandIn
) -> None:
    server = SlackAppServer(read_only, standin)
    try:
        answer = server.command("emne Ventetider i akutmodtagelsen", SOFIE, CHANNEL)
    finally:
        server.stop()
    assert answer.status == 200
    said = answer.json()["text"]
    assert said.startswith(texts.STORAGE_UNAVAILABLE) and "Ventetider" not in said, said
    with sample.uow() as uow:
        sofie = uow.people.by_email(MEMBER[1])
        assert sofie is not None and sofie.id is not None
        assert list(uow.topics.by_proposer(sofie.id)) == []


def test_a_button_whose_apology_cannot_be_queued_is_refused(
    sample: Container, read_only: Container, standin: SlackStandIn
) -> None:
    server = SlackAppServer(read_only, standin)
    try:
        answer, _url = server.block_action(SOFIE, REGRETS_ACTION, value="1")
    finally:
        server.stop()
    assert answer.status == 503, answer
    assert sofies_answer(sample) is None


def test_a_dm_on_a_full_disk_is_refused_and_its_retry_is_stored(
    sample: Container, standin: SlackStandIn, db_url: str, tmp_path: Path
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("max_page_count is SQLite's (PostgreSQL's full disk is not simulated)")
    prepare(sample, standin)
    sample.close()
    full = True

    def no_room(dbapi: Any, _record: Any) -> None:  # the file may not grow, as on a full disk
        if full:
            pages = dbapi.execute("PRAGMA page_count").fetchone()[0]
            dbapi.execute(f"PRAGMA max_page_count={pages}")

    event.listen(sample._engine, "connect", no_room)
    with sample._engine.connect() as conn:
        free = conn.execute(text("PRAGMA freelist_count")).scalar_one()
        size = conn.execute(text("PRAGMA page_size")).scalar_one()
    reason = "er syg " + "x" * ((free + 2) * size)  # more than the free pages hold
    body = dm_event("Ev_FULL", f"afbud – {reason}", standin)
    server = SlackAppServer(sample, standin)
    try:
        refused = server.post(body, "application/json")
    finally:
        server.stop()
    assert refused.status == 503, refused
    assert inbox_keys(sample) == []

    full = False
    sample.close()
    server = SlackAppServer(sample, standin)
    try:
        assert server.post(body, "application/json").status == 200
        wait_for(lambda: standin.messages(SOFIE_DM))
    finally:
        server.stop()
    assert inbox_keys(sample) == ["Ev_FULL"]


def test_a_uri_filename_queues_on_the_same_lock_file_as_the_plain_path(tmp_path: Path) -> None:
    plain = str(tmp_path / "klu.db")
    expected = f"{plain}.klu-write-lock"
    assert lock_file_for(plain) == expected
    assert lock_file_for(f"file:{plain}") == expected
    assert lock_file_for(f"file://{plain}") == expected
    assert lock_file_for(f"file://localhost{plain}") == expected
    assert lock_file_for("file::memory:") is None
