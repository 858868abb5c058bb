"""Acknowledge latency and throughput over real HTTP: gunicorn, signed requests, loopback."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench import load
from bench.seed import MEMBER, SECRETARY
from bench.servers import Gunicorn

REGRETS_TEXT = "Afbud, jeg er desværre syg"


@dataclass(frozen=True)
class Scenario:
    """A named request stream and a word its (first) answer must contain."""

    name: str
    make: load.Factory
    expect: str


def klu_scenarios() -> list[Scenario]:
    """The four things the brief measures, as members and the secretary send them."""
    return [
        Scenario("/klu bruttoliste", load.command("bruttoliste", SECRETARY[0]), "Bruttoliste"),
        Scenario("/klu næste", load.command("næste", MEMBER[0]), "KLU"),
        Scenario("regrets reply (event)", load.dm_event(REGRETS_TEXT, MEMBER[0]), ""),
        Scenario(
            "/klu emne", load.command("emne Benchmark-emne {run}.{i}", MEMBER[0]), "Benchmark"
        ),
    ]


def bare_scenarios() -> list[Scenario]:
    """The bare app gets the same kinds of request: a command and an event."""
    return [
        Scenario("/klu emne", load.command("emne Benchmark-emne {run}.{i}", MEMBER[0]), ""),
        Scenario("regrets reply (event)", load.dm_event(REGRETS_TEXT, MEMBER[0]), ""),
    ]


@dataclass(frozen=True)
class Row:
    """One measured cell."""

    app: str
    scenario: str
    result: load.Result
    drain_s: float | None = None  # from the first request until the work after it was done


def per_client(clients: int, budget: int) -> int:
    """Requests per client: about `budget` in all, at least 20 each."""
    return max(20, budget // clients)


def measure(
    label: str,
    server: Gunicorn,
    scenarios: Sequence[Scenario],
    concurrency: Sequence[int],
    budget: int,
    backlog: Callable[[], int] | None = None,
) -> list[Row]:
    """Every scenario at every concurrency against one running server.

    With `backlog` (how much answered work is still undone: stored events, due outbox rows),
    each run is followed by waiting until it is done, so the next run starts on a quiet
    server and the time the work itself took is known."""
    rows = []
    for sc in scenarios:
        load.check_once(server.port, sc.make, sc.expect)
        if backlog is not None:
            wait_done(backlog)
        for n, clients in enumerate(concurrency):
            started = time.perf_counter()
            result = load.run(
                server.port,
                sc.make,
                clients=clients,
                per_client=per_client(clients, budget),
                start=n * 1_000_000,
            )
            drain = None
            if backlog is not None:
                wait_done(backlog)
                drain = time.perf_counter() - started
            rows.append(Row(label, sc.name, result, drain))
    return rows


def wait_done(backlog: Callable[[], int], timeout: float = 300.0) -> None:
    """Poll until nothing answered is left undone (or give up after `timeout`)."""
    deadline = time.monotonic() + timeout
    while backlog() > 0 and time.monotonic() < deadline:
        time.sleep(0.05)
