"""Background work lets requests go first (handlers/slack/traffic.py)."""

from __future__ import annotations

import threading
import time

from handlers.slack.traffic import Traffic


def test_no_wait_when_no_request_is_in_flight() -> None:
    started = time.monotonic()
    Traffic().wait_quiet(at_most=5)
    assert time.monotonic() - started < 1


def test_the_wait_ends_when_the_last_request_does() -> None:
    traffic = Traffic()
    inside, leave = threading.Event(), threading.Event()

    def request() -> None:
        with traffic.request():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=request)
    thread.start()
    inside.wait(5)
    threading.Timer(0.2, leave.set).start()
    started = time.monotonic()
    traffic.wait_quiet(at_most=5)
    waited = time.monotonic() - started
    thread.join(5)
    assert 0.1 < waited < 2


def test_under_endless_load_the_wait_is_bounded() -> None:
    traffic = Traffic()
    with traffic.request():
        started = time.monotonic()
        traffic.wait_quiet(at_most=0.1)
        assert 0.05 < time.monotonic() - started < 1
