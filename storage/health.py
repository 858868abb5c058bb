"""The database check behind /healthz: it must take a write, not only answer a read.

A database that reads but cannot write (a full disk, a file or a volume gone read-only, a
PostgreSQL standby or `default_transaction_read_only`) would otherwise look healthy while
every event is refused. So the check rewrites one row and commits: on SQLite the commit
appends to the WAL file (a rolled-back write might never touch the disk), on PostgreSQL it
is a real read-write transaction.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import Engine, insert, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from storage import tables

log = logging.getLogger(__name__)
ROW = 1


def writable(engine: Engine, now: datetime) -> bool:
    """True when the database answers and takes a committed write."""
    try:
        with engine.begin() as conn:
            h = tables.health
            done = conn.execute(update(h).where(h.c.id == ROW).values(checked_at=now))
            if done.rowcount == 0:  # the migration's row was removed: put it back
                conn.execute(insert(h).values(id=ROW, checked_at=now))
    except Exception as exc:
        log.warning("health check: the database cannot be written: %s", _first_line(exc))
        return False
    return True


def cannot_store(error: BaseException) -> bool:
    """True when the error is the database (or the disk under it) refusing or failing, not
    the request: read-only, full, locked, gone, no connection free; or the file system (an
    SQLite write lock file that cannot be opened). The same request may succeed later."""
    return isinstance(error, DBAPIError | PoolTimeout | OSError)


_CONFLICTS = {"40P01", "40001"}  # PostgreSQL: deadlock_detected, serialization_failure


def conflicted(error: BaseException) -> bool:
    """True when the database gave up one of two transactions that got in each other's way
    (a deadlock): the transaction was rolled back whole, so running it again is safe."""
    if not isinstance(error, DBAPIError):
        return False
    code = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    return code in _CONFLICTS


def _first_line(exc: Exception) -> str:
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
