"""One writer at a time per process on SQLite, queued on a lock instead of sleeping.

SQLite lets one transaction write at a time. A writer that finds the file locked is put to
sleep by SQLite's busy handler (1, 2, 5, 10 … up to 100 ms at a go) and can lose again to a
writer that came later, so under load a few requests wait far longer than the writes take.
Writers instead queue: within a process (gunicorn's threads) on a lock, and between
processes (gunicorn's workers, the clock, the CLI) on an flock of a file beside the database,
taken at a session's first write and given back when its transaction ends. A waiting writer
starts the moment the previous one is done. Writes made without a session (a restore, the
migrations) still meet SQLite's own locking; PostgreSQL has row locks and needs none of this.
"""

from __future__ import annotations

import fcntl
import os
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, sessionmaker

_HOLDS = "klu_holds_write_lock"


class WriteQueue:
    """The lock and the session events that take and give it back."""

    def __init__(self, lock_file: str | None = None) -> None:
        self._lock = threading.RLock()  # a thread may open a second session while writing
        self._path = lock_file
        self._depth = 0  # sessions of the thread holding _lock that hold it (guarded by it)
        self._fd: int | None = None
        self._pid = 0  # the fd is opened anew after a fork: an flock is per open file

    def install(self, factory: sessionmaker[Session]) -> None:
        """Queue the writes of every session the factory makes."""
        event.listen(factory, "before_flush", self._before_flush)
        event.listen(factory, "do_orm_execute", self._on_execute)
        event.listen(factory, "after_transaction_end", self._after_end)

    def _take(self, session: Session) -> None:
        if session.info.get(_HOLDS):
            return
        self._lock.acquire()
        session.info[_HOLDS] = True
        self._depth += 1
        if self._depth == 1 and self._path is not None:
            try:
                fcntl.flock(self._file(), fcntl.LOCK_EX)
            except BaseException:
                self._give(session)
                raise

    def _file(self) -> int:
        if self._fd is None or self._pid != os.getpid():
            assert self._path is not None
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
            self._pid = os.getpid()
        return self._fd

    def _give(self, session: Session) -> None:
        session.info.pop(_HOLDS, None)
        self._depth -= 1
        if self._depth == 0 and self._fd is not None and self._pid == os.getpid():
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        self._lock.release()

    def _before_flush(self, session: Session, _context: Any, _instances: Any) -> None:
        if session.new or session.deleted or session.dirty:
            self._take(session)

    def _on_execute(self, state: ORMExecuteState) -> None:
        if state.is_insert or state.is_update or state.is_delete:
            self._take(state.session)

    def _after_end(self, session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None and session.info.get(_HOLDS):
            self._give(session)


def lock_file_for(database: str | None) -> str | None:
    """The lock file beside an SQLite database file (None for an in-memory database)."""
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    if database.startswith("file:"):  # a URI filename (`?uri=true`, e.g. `mode=ro`)
        database = database.removeprefix("file:").partition("?")[0]
        if database.startswith("//"):  # file:///path or file://localhost/path
            database = "/" + database[2:].removeprefix("localhost").lstrip("/")
    return database + ".klu-write-lock"
