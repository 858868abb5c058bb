"""Engine creation: DATABASE_URL, SQLite with WAL and foreign keys by default."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Insert, Table, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

DEFAULT_SQLITE_PATH = "var/klu-bot.db"
CONNECT_TIMEOUT = 10  # seconds: an unreachable PostgreSQL is reported, not waited for


def database_url(env: dict[str, str] | None = None) -> str:
    """The configured database URL; an SQLite file under ./var by default."""
    env = dict(os.environ) if env is None else env
    url = env.get("DATABASE_URL", "").strip()
    if url:
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgres://")
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return url
    Path(DEFAULT_SQLITE_PATH).parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted personal data is overwritten, not left
    cursor.close()


def insert_or_skip(table: Table, dialect: str, *key: str) -> Insert:
    """INSERT .. ON CONFLICT (key) DO NOTHING in the dialect's words (PostgreSQL or SQLite):
    a row whose key exists is skipped, with no error and no savepoint needed."""
    if dialect == "postgresql":  # imported here: a SQLite process never loads this dialect
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table).on_conflict_do_nothing(index_elements=list(key))
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table).on_conflict_do_nothing(index_elements=list(key))


def make_engine(url: str) -> Engine:
    """An engine for the URL; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args={"connect_timeout": CONNECT_TIMEOUT},
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit, and raise the data revisions
    (storage/revisions.py) with every change they commit."""
    from storage.revisions import track
    from storage.sqlite_writes import WriteQueue, lock_file_for

    factory = sessionmaker(bind=engine, expire_on_commit=False)
    if engine.dialect.name == "sqlite":
        WriteQueue(lock_file_for(engine.url.database)).install(factory)
    track(factory)
    return factory


def compact(engine: Engine) -> None:
    """After an erasure or a pruning, make the deleted values leave the bytes on disk.

    SQLite: rewrite the file without free pages and fold the WAL into it. PostgreSQL: an
    UPDATE or DELETE leaves the old row version in the table's pages (and its index entries)
    until the space is reused, so each of our tables is rewritten with VACUUM FULL, which
    writes fresh files and drops the old ones. It locks one table at a time for the moment
    the rewrite takes (milliseconds for a committee's data); a table another session holds
    for longer than LOCK_WAIT is left for the next compaction, logged."""
    if engine.dialect.name == "postgresql":
        _vacuum_full(engine)
        return
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        driver.execute("VACUUM")
        driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")


LOCK_WAIT = "2s"  # how long VACUUM FULL waits for a table another session is using


def _vacuum_full(engine: Engine) -> None:
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError

    from storage.tables import metadata

    quote = engine.dialect.identifier_preparer.quote
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"SET lock_timeout = '{LOCK_WAIT}'"))
        for table in metadata.sorted_tables:
            try:
                conn.execute(text(f"VACUUM FULL {quote(table.name)}"))
            except OperationalError as exc:  # busy past LOCK_WAIT: the next compaction does it
                log.warning("compact: %s not rewritten now (%s)", table.name, exc.orig)
