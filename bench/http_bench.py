"""Acknowledge latency and throughput over real HTTP: gunicorn, signed requests, loopback."""

from __future__ import annotations

from collections.abc import Sequence
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
        Scenario("/klu emne", load.command("emne Benchmark-emne {i}", MEMBER[0]), "Benchmark"),
    ]


def bare_scenarios() -> list[Scenario]:
    """The bare app gets the same kinds of request: a command and an event."""
    return [
        Scenario("/klu emne", load.command("emne Benchmark-emne {i}", MEMBER[0]), ""),
        Scenario("regrets reply (event)", load.dm_event(REGRETS_TEXT, MEMBER[0]), ""),
    ]


@dataclass(frozen=True)
class Row:
    """One measured cell."""

    app: str
    scenario: str
    result: load.Result


def per_client(clients: int, budget: int) -> int:
    """Requests per client: about `budget` in all, at least 20 each."""
    return max(20, budget // clients)


def measure(
    label: str,
    server: Gunicorn,
    scenarios: Sequence[Scenario],
    concurrency: Sequence[int],
    budget: int,
) -> list[Row]:
    """Every scenario at every concurrency against one running server."""
    rows = []
    for sc in scenarios:
        load.check_once(server.port, sc.make, sc.expect)
        for n, clients in enumerate(concurrency):
            result = load.run(
                server.port,
                sc.make,
                clients=clients,
                per_client=per_client(clients, budget),
                start=n * 1_000_000,
            )
            rows.append(Row(label, sc.name, result))
    return rows
