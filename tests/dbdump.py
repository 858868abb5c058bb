"""Test helper: every row of every table, to prove a failed command changed nothing."""

from __future__ import annotations

import sqlite3
from typing import Any

from sqlalchemy import MetaData, create_engine, select

Dump = dict[str, list[tuple[Any, ...]]]


def dump(url: str) -> Dump:
    """All tables with all rows, sorted, as plain tuples (alembic_version included)."""
    if url.startswith("sqlite:///"):
        return _sqlite_dump(url.removeprefix("sqlite:///"))
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return {
                name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
                for name, table in sorted(meta.tables.items())
            }
    finally:
        engine.dispose()


def _sqlite_dump(path: str) -> Dump:
    conn = sqlite3.connect(path)
    try:
        names = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: sorted((tuple(row) for row in conn.execute(f'SELECT * FROM "{name}"')), key=repr)
            for name in names
        }
    finally:
        conn.close()


def count(url: str, table: str) -> int:
    """Rows in one table."""
    return len(dump(url).get(table, []))
