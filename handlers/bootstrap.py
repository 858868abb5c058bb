"""The composition root: builds the database, unit of work and clock in one place."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine

from bot.config import Settings
from bot.ports import Clock, UnitOfWork
from storage import health, revisions
from storage.db import database_url, make_engine, make_session_factory
from storage.mapping import start_mappers
from storage.migrate import upgrade
from storage.uow import SqlAlchemyUnitOfWork


def system_clock() -> datetime:
    """Now, aware, in UTC."""
    return datetime.now(UTC)


@dataclass
class Container:
    """What the handlers need, wired once per process."""

    settings: Settings
    engine: Engine
    uow: Callable[[], UnitOfWork]
    clock: Clock

    def revision(self) -> tuple[int, int]:
        """The data revisions (roster, content) as last committed, for cached answers."""
        return revisions.read(self.engine)

    def revision_reader(self) -> Callable[[], tuple[int, int]]:
        """`revision` for a request path: a connection of its own per thread, one round trip."""
        return revisions.RevisionReader(self.engine)

    def healthy(self) -> bool:
        """True when the database answers and takes a write (storage/health.py)."""
        return health.writable(self.engine, self.clock())

    def storage_failed(self, error: BaseException) -> bool:
        """True when an error says the database could not store, not that the request was
        wrong: a later try may succeed, so a request failed by it must not pass for done."""
        return health.cannot_store(error)


def bootstrap(
    settings: Settings, *, clock: Clock = system_clock, migrate: bool = True
) -> Container:
    """Map the domain, connect, upgrade the schema, and hand out units of work."""
    start_mappers()
    url = database_url({"DATABASE_URL": settings.database_url})
    if migrate:
        upgrade(url)
    engine = make_engine(url)
    factory = make_session_factory(engine)
    return Container(settings, engine, lambda: SqlAlchemyUnitOfWork(factory), clock)
