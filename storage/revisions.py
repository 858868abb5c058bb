"""Data revisions: a counter per kind of data, raised in the transaction that changes it.

A cached answer (handlers/slack/answers.py) remembers the revisions it was computed at and
is used only while they are unchanged, so no cache is ever stale. Every change made through
a session counts: ORM flushes and Core INSERT/UPDATE/DELETE run with Session.execute. The
counters are raised once, at commit, after the last flush: the revisions row is then the
last lock a transaction takes (PostgreSQL), so it cannot take part in a deadlock. Each kind
is kept in REVISION_SLOTS rows; a transaction raises its thread's row, a reader adds them
up (in one statement, so the sum grows with every commit and only then).

Kinds: "roster" (committees, people, memberships: who may do what) and "content"
(everything users see, the roster included). The outbox, the inbox and Slack's event ids
are bookkeeping and change neither.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Engine, Update, bindparam, event, func, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from storage import tables

ROSTER, CONTENT = "roster", "content"
ROSTER_TABLES = frozenset({"committees", "people", "memberships"})
BOOKKEEPING = frozenset({"deliveries", "inbox", "processed_events", "revisions"})
_TOUCHED = "klu_touched_revisions"
_R = tables.revisions.c
_READ = select(_R.name, func.sum(_R.value)).group_by(_R.name)


def kinds_of(table_name: str) -> frozenset[str]:
    """The revisions a change to this table raises."""
    if table_name in BOOKKEEPING:
        return frozenset()
    if table_name in ROSTER_TABLES:
        return frozenset({ROSTER, CONTENT})
    return frozenset({CONTENT})


def _touch(session: Session, table_name: str) -> None:
    kinds = kinds_of(table_name)
    if kinds:
        session.info.setdefault(_TOUCHED, set()).update(kinds)


def _table_of(obj: object) -> str:
    mapper = inspect(type(obj), raiseerr=False)
    table = getattr(mapper, "local_table", None)
    return str(getattr(table, "name", ""))


def _after_flush(session: Session, _context: Any) -> None:
    for obj in session.new:
        _touch(session, _table_of(obj))
    for obj in session.deleted:
        _touch(session, _table_of(obj))
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            _touch(session, _table_of(obj))


def _on_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        _touch(state.session, str(getattr(table, "name", "")))


def _before_commit(session: Session) -> None:
    session.flush()  # Session.commit flushes after this hook; the last changes must count
    kinds = session.info.pop(_TOUCHED, None)
    if kinds:
        raise_revisions(session.connection(), kinds)


def _forget(session: Session, *_: Any) -> None:
    session.info.pop(_TOUCHED, None)


def track(factory: sessionmaker[Session]) -> None:
    """Raise the revisions for every change made in the factory's sessions."""
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _on_execute)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "after_rollback", _forget)


def _bump(kinds: frozenset[str]) -> Update:
    names = _R.name.in_(sorted(kinds))
    return (
        update(tables.revisions)
        .where(names, _R.slot == bindparam("writer_slot"))
        .values(value=_R.value + 1)
    )


def _slot() -> int:
    """The row this thread raises: writers of different threads and processes mostly differ."""
    return hash((os.getpid(), threading.get_ident())) % tables.REVISION_SLOTS


# Built once: a commit should not pay for building the statement.
_BUMPS = {
    frozenset({CONTENT}): _bump(frozenset({CONTENT})),
    frozenset({ROSTER, CONTENT}): _bump(frozenset({ROSTER, CONTENT})),
}


def raise_revisions(conn: Connection, kinds: Iterable[str]) -> None:
    """+1 on the given counters, inside the connection's transaction (also for writes made
    without a session, such as a restore)."""
    wanted = frozenset(kinds)
    stmt = _BUMPS.get(wanted)
    conn.execute(stmt if stmt is not None else _bump(wanted), {"writer_slot": _slot()})


def read(engine: Engine) -> tuple[int, int]:
    """(roster, content) as last committed: one small query on a pooled connection."""
    with engine.connect() as conn:
        values = {str(name): int(value) for name, value in conn.execute(_READ)}
    return int(values.get(ROSTER, 0)), int(values.get(CONTENT, 0))


class RevisionReader:
    """`read` for the request path: every thread keeps a connection of its own, in
    autocommit, so a read is one round trip (no pool checkout, liveness ping, BEGIN or
    ROLLBACK). Each read sees what is committed at that moment. A broken connection (the
    database restarted) is replaced and the read tried once more."""

    SQL = "SELECT name, SUM(value) FROM revisions GROUP BY name"

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._local = threading.local()

    def __call__(self) -> tuple[int, int]:
        for attempt in (1, 2):
            try:
                cursor = self._connection().cursor()
                try:
                    cursor.execute(self.SQL)
                    values = {str(name): int(value) for name, value in cursor.fetchall()}
                finally:
                    cursor.close()
                return int(values.get(ROSTER, 0)), int(values.get(CONTENT, 0))
            except self._engine.dialect.loaded_dbapi.Error:
                self._drop()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _connection(self) -> Any:
        conn: Any = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():  # not one inherited through fork
            raw = self._engine.raw_connection()  # the engine's connect hooks (pragmas) run
            raw.detach()  # this thread's own from now on: not counted in the pool
            conn = raw.dbapi_connection
            assert conn is not None
            if self._engine.dialect.name == "sqlite":
                conn.isolation_level = None
            else:
                conn.autocommit = True
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn

    def _drop(self) -> None:
        conn, self._local.conn = getattr(self._local, "conn", None), None
        if conn is not None:
            with contextlib.suppress(Exception):  # already broken: nothing to give back
                conn.close()
