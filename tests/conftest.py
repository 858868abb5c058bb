"""Shared fixtures: a real database per test (an SQLite file, or PostgreSQL when
KLU_TEST_DATABASE_URL is set), the container wired as in production, a settable clock."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from bot.config import Settings
from bot.domain import MeetingStatus
from bot.meetings.meeting_file import load_meeting
from bot.people import committees
from bot.people import roster as people
from handlers.bootstrap import Container, bootstrap
from storage.migrate import upgrade
from tests.imap_server import imap_server  # noqa: F401 (a real Dovecot, for the mail tests)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CPH = ZoneInfo("Europe/Copenhagen")


class FakeClock:
    """A clock the test moves by hand; always aware."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set_local(self, text_value: str) -> None:
        """Set the time from a Copenhagen local ISO string."""
        self.now = datetime.fromisoformat(text_value).replace(tzinfo=CPH)

    def advance(self, **kwargs: float) -> None:
        self.now = self.now + timedelta(**kwargs)


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist each worker gets a PostgreSQL database of its own (the given one's
    name + the worker id), so tests that empty or lock their database never meet another
    worker's. Set before any test, so subprocesses inherit it too."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    given = os.environ.get("KLU_TEST_DATABASE_URL", "").strip()
    if worker and given and not given.endswith(f"_{worker}"):
        os.environ["KLU_TEST_DATABASE_URL"] = _worker_database(given, worker)


def _worker_database(url: str, worker: str) -> str:
    """A fresh database `<name>_<worker>` beside the one `url` names; its URL."""
    base, _, name = url.rpartition("/")
    name, query_sep, query = name.partition("?")
    mine = f"{name}_{worker}"
    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{mine}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{mine}"'))
    engine.dispose()
    return f"{base}/{mine}{query_sep}{query}"


def _reset_postgres(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh, empty database for this test."""
    pg = os.environ.get("KLU_TEST_DATABASE_URL", "").strip()
    if pg:
        _reset_postgres(pg)
        return pg
    return f"sqlite:///{tmp_path / 'klu.db'}"


@pytest.fixture
def clock() -> FakeClock:
    """2026-05-01 10:00 in Copenhagen, well before the sample meeting."""
    return FakeClock(datetime(2026, 5, 1, 10, 0, tzinfo=CPH).astimezone(UTC))


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head per test session (migrating takes ~0.25 s, copying ~0)."""
    path = tmp_path_factory.mktemp("template") / "klu.db"
    upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def container(db_url: str, clock: FakeClock, migrated_template: Path) -> Iterator[Container]:
    """The app's container on the test database, migrated from empty.

    An SQLite test database starts as a copy of the migrated template; bootstrap still runs
    the (then no-op) upgrade, exactly as in production.
    """
    if db_url.startswith("sqlite:///"):
        target = Path(db_url.removeprefix("sqlite:///"))
        if not target.exists():
            shutil.copyfile(migrated_template, target)
    c = bootstrap(Settings(database_url=db_url), clock=clock)
    yield c
    c.close()


SAMPLE_COMMITTEE = committees.CommitteeSettings(
    name="Kommunalt Lægeligt Udvalg",
    short_name="KLU",
    organiser_unit="Fjordby Kommune, Sundhed og Omsorg",
    default_place="Rådhusgade 4, 2. sal, mødelokale 1",
    secretariat_name="Camilla Juul",
    secretariat_email="camilla.juul@fjordby.dk",
    secretariat_phone="+45 99 31 00 42",
)


SAMPLE_START = datetime(2026, 5, 1, 10, 0, tzinfo=CPH).astimezone(UTC)


def build_sample(container: Container, clock: FakeClock) -> None:
    """Committee KLU, the 14-person roster and the June meeting, through the use cases."""
    committee = committees.setup_committee(container.uow(), SAMPLE_COMMITTEE)
    people.import_roster(
        container.uow(), (EXAMPLES / "roster.csv").read_bytes(), today=clock().date()
    )
    load_meeting(container.uow(), committee, (EXAMPLES / "meeting.yaml").read_bytes(), now=clock())


@pytest.fixture(scope="session")
def sample_template(migrated_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample built once per session in an SQLite file; `sample` copies it."""
    path = tmp_path_factory.mktemp("sample") / "klu.db"
    shutil.copyfile(migrated_template, path)
    clock = FakeClock(SAMPLE_START)
    c = bootstrap(Settings(database_url=f"sqlite:///{path}"), clock=clock)
    build_sample(c, clock)
    c.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _pristine(container: Container) -> bool:
    with container.uow() as uow:
        return not uow.committees.list() and not uow.people.list()


@pytest.fixture
def sample(
    container: Container, clock: FakeClock, db_url: str, request: pytest.FixtureRequest
) -> Container:
    """The fictional sample committee from examples/: roster of 14 and the June meeting.

    On SQLite, with the default clock and an untouched database, it is a copy of a file built
    once by the same use cases (a second per test saved); otherwise it is built here.
    """
    if db_url.startswith("sqlite:///") and clock() == SAMPLE_START and _pristine(container):
        template: Path = request.getfixturevalue("sample_template")
        target = Path(db_url.removeprefix("sqlite:///"))
        container.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template, target)
        return container
    build_sample(container, clock)
    return container


def mark_called(container: Container, meeting_id: int | None = None) -> None:
    """Call a meeting (by default every coming draft) as the secretary does, its invitations
    taken as delivered before the test begins (marked sent in the outbox, never sent).

    Members get the agenda and the day-before reminder only for a called meeting (issue 12.10);
    the sample meeting, as loaded from examples/meeting.yaml, is a draft.
    """
    from sqlalchemy import select

    from bot.domain import Delivery
    from bot.invitations.sync import send_invitations
    from bot.messaging.outbox import PENDING
    from storage.uow import SqlAlchemyUnitOfWork

    now = container.clock()

    def pending() -> set[str]:
        with container.uow() as uow:
            assert isinstance(uow, SqlAlchemyUnitOfWork)
            rows = uow.session.scalars(select(Delivery))  # type: ignore[arg-type]
            return {d.key for d in rows if d.status == PENDING}

    with container.uow() as uow:
        ids = [
            m.id
            for committee in uow.committees.list()
            for m in uow.meetings.for_committee(committee.id or 0, with_items=False)
            if m.id is not None
            and (m.id == meeting_id or meeting_id is None)
            and m.status == MeetingStatus.DRAFT
            and m.ends_at > now
        ]
    before = pending()
    for found in ids:
        send_invitations(container.uow(), found, now=now, email_enabled=True)
    with container.uow() as uow:
        for key in sorted(pending() - before):
            uow.outbox.mark_sent(key, now, "delivered before the test")
        uow.commit()
