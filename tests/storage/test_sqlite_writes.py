"""SQLite writers queue instead of sleeping in SQLite's busy handler (storage/sqlite_writes.py)."""

from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest
from sqlalchemy.exc import IntegrityError

from bot.domain import Person
from handlers.bootstrap import Container
from storage.sqlite_writes import lock_file_for


def _sqlite_only(c: Container) -> None:
    if c._engine.dialect.name != "sqlite":
        pytest.skip("the write queue is for SQLite only")


def _add(c: Container, name: str, done: list[str]) -> None:
    with c.uow() as uow:
        uow.people.add(Person(name=name, email=f"{name}@example.dk"))
        uow.commit()
    done.append(name)


def test_a_writer_waits_for_the_one_before_it_and_reads_do_not(container: Container) -> None:
    _sqlite_only(container)
    done: list[str] = []
    with container.uow() as first:
        first.people.add(Person(name="a", email="a@example.dk"))
        first.flush()  # holds the write lock from here to the end of the transaction
        second = threading.Thread(target=_add, args=(container, "b", done))
        second.start()
        with container.uow() as reader:  # reading is never queued
            assert reader.people.by_email("b@example.dk") is None
        time.sleep(0.3)
        assert done == [] and second.is_alive()
        first.commit()
    second.join(5)
    assert done == ["b"]


def test_another_process_holding_the_lock_file_makes_writers_wait(container: Container) -> None:
    _sqlite_only(container)
    path = lock_file_for(container._engine.url.database)
    assert path is not None
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)  # its own open file: as another process
    fcntl.flock(fd, fcntl.LOCK_EX)
    done: list[str] = []
    writer = threading.Thread(target=_add, args=(container, "c", done))
    writer.start()
    time.sleep(0.3)
    assert done == []
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)
    writer.join(5)
    assert done == ["c"]


def test_a_failed_write_gives_the_lock_back(container: Container) -> None:
    _sqlite_only(container)
    with container.uow() as uow:
        uow.people.add(Person(name="d", email="dup@example.dk"))
        uow.people.add(Person(name="e", email="dup@example.dk"))
        with pytest.raises(IntegrityError):
            uow.commit()
    done: list[str] = []
    writer = threading.Thread(target=_add, args=(container, "f", done))
    writer.start()
    writer.join(5)
    assert done == ["f"]


def test_no_lock_file_for_an_in_memory_database() -> None:
    assert lock_file_for(":memory:") is None and lock_file_for("") is None
    assert lock_file_for("/srv/klu.db") == "/srv/klu.db.klu-write-lock"
