"""The composition root: builds the database, unit of work and clock in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import ArgumentError, DBAPIError

if TYPE_CHECKING:
    from storage.backup.export import Document
    from storage.backup.restore import RestoreReport

from bot import texts
from bot.config import ConfigError, Settings
from bot.ports import Clock, UnitOfWork
from storage import health, revisions
from storage.db import compact, database_url, make_engine, make_session_factory
from storage.mapping import start_mappers
from storage.migrate import upgrade
from storage.uow import SqlAlchemyUnitOfWork


def system_clock() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


@dataclass
class Container:
    """What the handlers need, wired once per process. The SQLAlchemy engine stays inside:
    handlers get units of work and the few whole-database operations below, never the engine
    (only the benchmark's and the tests' seeding reach `_engine`)."""

    settings: Settings
    _engine: Engine = field(repr=False)
    uow: Callable[[], UnitOfWork]
    clock: Clock

    def close(self) -> None:
        """Close the database connections (at the end of a command)."""
        self._engine.dispose()

    def compact(self) -> None:
        """Make deleted values leave the disk (SQLite VACUUM, PostgreSQL VACUUM FULL)."""
        compact(self._engine)

    def export_committee(self, committee_id: int) -> Document:
        """The committee's whole record as a JSON-ready document (storage/backup)."""
        from storage.backup.export import export_committee  # Alembic's revision: not at start

        return export_committee(self._engine, committee_id)

    def import_committee(self, data: bytes) -> RestoreReport:
        """Restore a document written by export_committee."""
        from storage.backup.restore import import_committee

        return import_committee(self._engine, data)

    def revision(self) -> tuple[int, int]:
        """The data revisions (roster, content) as last committed, for cached answers."""
        return revisions.read(self._engine)

    def revision_reader(self) -> Callable[[], tuple[int, int]]:
        """`revision` for a request path: a connection of its own per thread, one round trip."""
        return revisions.RevisionReader(self._engine)

    def healthy(self) -> bool:
        """True when the database answers and takes a write (storage/health.py)."""
        return health.writable(self._engine, self.clock())

    def storage_failed(self, error: BaseException) -> bool:
        """True when an error says the database could not store, not that the request was
        wrong: a later try may succeed, so a request failed by it must not pass for done."""
        return health.cannot_store(error)

    def conflicted(self, error: BaseException) -> bool:
        """True when the database rolled a transaction back because another one got in its
        way (a deadlock): running the same request again is safe."""
        return health.conflicted(error)


def bootstrap(
    settings: Settings, *, clock: Clock = system_clock, migrate: bool = True
) -> Container:
    """Map the domain, connect, upgrade the schema, and hand out units of work. With
    `migrate` (every command) a database that cannot be reached stops the process with a
    ConfigError naming DATABASE_URL; without (gunicorn's web workers, after the release step)
    the process starts anyway and /healthz answers 503 until the database is back."""
    start_mappers()
    url = database_url({"DATABASE_URL": settings.database_url})
    engine = engine_for(url)
    if migrate:
        check_reachable(engine)
        upgrade(url, engine)
    factory = make_session_factory(engine)
    return Container(settings, engine, lambda: SqlAlchemyUnitOfWork(factory), clock)


def engine_for(url: str) -> Engine:
    """The engine for the database URL; ConfigError when the URL cannot be one."""
    try:
        return make_engine(url)
    except (ArgumentError, ValueError):
        raise ConfigError(texts.CONFIG_DATABASE_URL) from None


def check_reachable(engine: Engine) -> None:
    """One round trip; ConfigError naming DATABASE_URL with the driver's reason when not."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except DBAPIError as exc:
        engine.dispose()
        raise ConfigError(texts.CONFIG_DATABASE_UNREACHABLE.format(reason=_reason(exc))) from None


def _reason(exc: DBAPIError) -> str:
    """The driver's own first line ('Connection refused', 'unable to open database file')."""
    lines = [line.strip() for line in str(exc.orig).splitlines() if line.strip()]
    return (lines[0] if lines else type(exc.orig).__name__)[:300]
