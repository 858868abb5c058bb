"""After an erasure the erased values are gone from the database's files on disk, not only
from its rows: on PostgreSQL an UPDATE leaves the old row version (and its index entries) in
the table's pages, so `klu-bot person erase` rewrites the tables (storage.db.compact). The
test reads every file of the test database's directory, as an intruder with the disk would."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.domain import Person
from bot.people import privacy
from handlers.bootstrap import Container
from storage.db import database_url

NAME = "Zacharias Ulvedal-Quist"
EMAIL = "zacharias.ulvedal-quist@plo-fjordby.dk"
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def _database_files(url: str) -> list[Path]:
    """Every file of the current PostgreSQL database, after a checkpoint wrote its pages."""
    engine = create_engine(database_url({"DATABASE_URL": url}), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("CHECKPOINT"))
        data = conn.execute(text("SHOW data_directory")).scalar_one()
        oid = conn.execute(
            text("SELECT oid FROM pg_database WHERE datname = current_database()")
        ).scalar_one()
    engine.dispose()
    folder = Path(data) / "base" / str(oid)
    try:
        return [p for p in folder.iterdir() if p.is_file()]
    except PermissionError:
        pytest.skip("the PostgreSQL data directory is not readable by the tests")


def _on_disk(url: str, needle: str) -> list[str]:
    return [p.name for p in _database_files(url) if needle.encode() in p.read_bytes()]


def test_an_erased_person_leaves_no_old_row_version_in_the_postgresql_files(
    sample: Container, db_url: str
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite's file is checked in tests/bot/people/test_erasure.py")
    c = sample
    with c.uow() as uow:
        uow.people.add(Person(name=NAME, email=EMAIL, phone="+45 11 22 33 44"))
        uow.commit()
    assert _on_disk(db_url, NAME), "the check cannot see a name that is there"

    privacy.erase_person(c.uow(), EMAIL, now=NOW, today=NOW.date())
    c.compact()

    assert _on_disk(db_url, NAME) == []
    assert _on_disk(db_url, EMAIL) == []
    with c.uow() as uow:  # the tables still work after being rewritten
        assert uow.people.by_email(EMAIL) is None
        assert len(uow.people.list()) > 1
