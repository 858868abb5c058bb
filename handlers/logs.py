"""Structured logs: one key=value line per record, with the request id of the Slack request
being handled (set by the Bolt middleware in handlers.slack.app) on every line about it.

The id lives in a context variable, so it follows the request through the listener and the
code it calls in the same thread. Bolt runs listeners after its global middleware has
returned, so the middleware sets the id (set_request_id) inside a request_context that the
WSGI app opens around the whole request and that restores '-' afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

NO_REQUEST = "-"
_current: ContextVar[str] = ContextVar("klu_request_id", default=NO_REQUEST)
_installed: list[Callable[..., logging.LogRecord]] = []


def current_request_id() -> str:
    """The id of the request this code runs for, or '-'."""
    return _current.get()


def set_request_id(request_id: str) -> None:
    """Tag the rest of this request's log records (inside request_context, which resets it)."""
    _current.set(request_id or NO_REQUEST)


@contextmanager
def request_context(request_id: str) -> Iterator[None]:
    """Tag every log record made inside the block with `request_id`."""
    token = _current.set(request_id or NO_REQUEST)
    try:
        yield
    finally:
        _current.reset(token)


def install_record_factory() -> None:
    """Give every LogRecord a request_id attribute (idempotent; works with any handler)."""
    if _installed:
        return
    previous = logging.getLogRecordFactory()
    _installed.append(previous)

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        if not hasattr(record, "request_id"):
            record.request_id = _current.get()
        return record

    logging.setLogRecordFactory(factory)


def _quote(value: str) -> str:
    if value and not any(c in value for c in ' "=\n\t'):
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class KeyValueFormatter(logging.Formatter):
    """`ts=… level=… logger=… request_id=… msg="…"` (and exc="…" with a traceback)."""

    def format(self, record: logging.LogRecord) -> str:
        fields = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": str(getattr(record, "request_id", NO_REQUEST)),
            "msg": record.getMessage(),
        }
        if record.exc_info:
            fields["exc"] = self.formatException(record.exc_info)
        return " ".join(f"{key}={_quote(value)}" for key, value in fields.items())


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Ours, so configuring again replaces it and leaves other handlers (pytest's) alone."""


def configure(level: int = logging.INFO) -> None:
    """Root logging to stderr as key=value lines with request ids: every command from its
    first line (at WARNING), web, socket and clock at INFO. Bolt's and the SDK's loggers
    propagate to the root, so they are written the same way."""
    install_record_factory()
    handler = _StderrHandler()
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if isinstance(old, _StderrHandler):
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
