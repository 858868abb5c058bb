"""`python -m bench`: every KLU-bot benchmark in one go; writes bench/RESULTS.md (+ .json).

Measurements, not assertions: the targets are reported as met or missed, never raised, so a
noisy machine cannot fail anything. `--quick` uses tiny counts (the harness smoke test).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import http_bench, seed, startup
from bench.machine import load_average, machine_info
from bench.report import write_report
from bench.servers import BARE_APP, KLU_APP, ROOT, Gunicorn, StandIn

FULL: dict[str, Any] = {
    "budget": 400, "clients": [1, 8, 32], "small": (100, 10), "large": (100_000, 1000),
    "scale_n": 200, "scale_rounds": 3, "fanout": 5000, "invites": 1000, "startup": 10,
}  # fmt: skip
QUICK: dict[str, Any] = {
    "budget": 16, "clients": [1, 4], "small": (20, 4), "large": (200, 20),
    "scale_n": 8, "scale_rounds": 1, "fanout": 40, "invites": 10, "startup": 2,
}  # fmt: skip


def _cells(rows: list[http_bench.Row], db: str) -> list[dict[str, Any]]:
    return [_cell(r, db) for r in rows]


def _cell(r: http_bench.Row, db: str) -> dict[str, Any]:
    res = r.result
    return {
        "app": r.app, "db": db, "request": r.scenario, "clients": res.clients,
        "n": len(res.latencies), "p50": res.pct(50), "p99": res.pct(99), "rps": res.rps,
        "errors": res.errors, "error": res.error_sample, "drain_s": r.drain_s,
    }  # fmt: skip


def backlog_of(url: str) -> Callable[[], int]:
    """Stored Slack events not yet worked on, plus outbox rows due and not yet sent."""
    from sqlalchemy import create_engine, func, select

    from storage import tables

    engine = create_engine(url)
    i, d = tables.inbox.c, tables.deliveries.c

    def count() -> int:
        now = seed.utcnow()
        undone = select(func.count()).where(i.done_at.is_(None))
        due = select(func.count()).where(d.status == "pending", d.not_before <= now)
        with engine.connect() as conn:
            return int(conn.execute(undone).scalar_one()) + int(conn.execute(due).scalar_one())

    return count


def _serve(
    app: str, env: dict[str, str], label: str, db: str, scenarios: list[http_bench.Scenario],
    clients: list[int], budget: int, backlog: Callable[[], int] | None = None,
) -> tuple[list[dict[str, Any]], float]:  # fmt: skip
    server = Gunicorn(app, env)
    try:
        rows = http_bench.measure(label, server, scenarios, clients, budget, backlog)
        return _cells(rows, db), server.peak_rss_mb()
    finally:
        server.stop()


def _seeded(url: str, topics: int, meetings: int) -> None:
    now = seed.utcnow()
    container = seed.committee_db(url, now)
    seed.add_topics(container._engine, topics, now)
    seed.add_meetings(container._engine, meetings, now)
    seed.analyze(container._engine)
    container.close()


def http_section(dbs: dict[str, str], cfg: dict[str, Any], out: dict[str, Any]) -> None:
    """KLU-bot on each database and the bare Bolt app in both modes, same stand-in."""
    cells: list[dict[str, Any]] = []
    memory: dict[str, float] = {}
    standin = StandIn()
    try:
        base = {"SLACK_API_URL": standin.base_url}
        for mode in ("default", "pbr"):
            label = f"bare Bolt ({mode})"
            got, mem = _serve(
                BARE_APP, {**base, "BENCH_BOLT_MODE": mode}, label, "-",
                http_bench.bare_scenarios(), cfg["clients"], cfg["budget"],
            )  # fmt: skip
            cells += got
            memory[label] = mem
        for db, url in dbs.items():
            _seeded(url, *cfg["small"])
            got, mem = _serve(
                KLU_APP, {**base, "DATABASE_URL": url}, "KLU-bot", db,
                http_bench.klu_scenarios(), cfg["clients"], cfg["budget"], backlog_of(url),
            )  # fmt: skip
            cells += got
            memory[f"KLU-bot ({db})"] = mem
    finally:
        out["http_standin"] = standin.finish()
    out["http"] = cells
    out["http_memory_mb"] = memory


def scale_section(dbs: dict[str, str], cfg: dict[str, Any], out: dict[str, Any]) -> None:
    """The same requests, one client, on a small and a large database side by side; in
    rounds that alternate between the two (small, large, large, small …), each figure the
    median round's, so a drift in the machine's load does not land on one size only."""
    cells: list[dict[str, Any]] = []
    memory: dict[str, float] = {}
    seconds: dict[str, float] = {}
    standin = StandIn()
    try:
        env = {"SLACK_API_URL": standin.base_url}
        for db, url in dbs.items():
            sizes = {"small": cfg["small"], "large": cfg["large"]}
            urls = {"small": url, "large": seed.sibling(url, "large")}
            for size, (topics, meetings) in sizes.items():
                t0 = time.perf_counter()
                _seeded(urls[size], topics, meetings)
                seconds[f"{db} {size}"] = time.perf_counter() - t0
            for cache in ("on", "off"):  # off: every answer computed (the cold cost)
                runs: dict[str, list[list[dict[str, Any]]]] = {"small": [], "large": []}
                for n in range(cfg["scale_rounds"]):
                    for size in ("small", "large") if n % 2 == 0 else ("large", "small"):
                        got, mem = _serve(
                            KLU_APP,
                            {**env, "DATABASE_URL": urls[size], "KLU_ANSWER_CACHE": cache},
                            size, db, http_bench.klu_scenarios(), [1], cfg["scale_n"],
                            backlog_of(urls[size]),
                        )  # fmt: skip
                        runs[size].append(got)
                        label = f"KLU-bot ({db}, {size}, answers kept {cache})"
                        memory[label] = max(memory.get(label, 0.0), mem)
                for size, (topics, meetings) in sizes.items():
                    for cell in _median_cells(runs[size]):
                        cell.update(
                            size=size, topics=topics, meetings=meetings, cache=cache,
                            rounds=len(runs[size]),
                        )  # fmt: skip
                        cells.append(cell)
    finally:
        standin.finish()
    out["scale"] = cells
    out["scale_memory_mb"] = memory
    out["seed_seconds"] = seconds


def _median_cells(rounds: list[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Per request, the cell of the round with the median p50."""
    chosen = []
    for same in zip(*rounds, strict=True):
        ordered = sorted(same, key=lambda cell: float(cell["p50"]))
        chosen.append(dict(ordered[len(ordered) // 2]))
    return chosen


def _child(module: str, url: str, count: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", module, url, str(count)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _start_pg(tmp: Path) -> tuple[str | None, Path | None]:
    pgdir = Path(tempfile.mkdtemp(prefix="klu-bench-pg-", dir=tmp))
    try:
        done = subprocess.run(
            ["bash", str(ROOT / "scripts" / "pg-start.sh"), str(pgdir)],
            check=True, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"bench: no PostgreSQL ({exc}); SQLite only", file=sys.stderr)
        return None, None
    url = done.stdout.strip().splitlines()[-1]
    return url.replace("postgresql://", "postgresql+psycopg://", 1), pgdir


def main(argv: list[str] | None = None) -> int:
    """Run everything and write the report."""
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--quick", action="store_true", help="tiny counts (smoke test)")
    p.add_argument("--no-pg", action="store_true", help="SQLite only")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md")
    p.add_argument("--before", type=Path, help="an earlier run's .json to compare with")
    p.add_argument("--only", default="http,scale,fanout,invites,startup")
    p.add_argument("--scale-n", type=int, help="requests per size in the data-size runs")
    p.add_argument("--merge", type=Path, help="keep this run's .json sections not re-run")
    args = p.parse_args(argv)
    cfg = dict(QUICK if args.quick else FULL)
    if args.scale_n:
        cfg["scale_n"] = args.scale_n
    only = set(args.only.split(","))
    started = time.perf_counter()
    out: dict[str, Any] = {"config": cfg, "quick": args.quick, "load": {}}
    if args.merge:
        out = {**json.loads(args.merge.read_text()), "config": cfg, "quick": args.quick}
        out["load"] = {f"{k} (earlier run)": v for k, v in out.get("load", {}).items()}
    with tempfile.TemporaryDirectory(prefix="klu-bench-") as tmp_name:
        tmp = Path(tmp_name)
        os.chmod(tmp, 0o755)
        dbs = {"SQLite": f"sqlite:///{tmp}/klu.db"}
        pg_url, pgdir = (None, None) if args.no_pg else _start_pg(tmp)
        if pg_url:
            dbs["PostgreSQL"] = pg_url
        try:
            out["machine"] = machine_info(pg_url)
            out["load"]["start"] = load_average()
            if "http" in only:
                http_section(dbs, cfg, out)
                out["load"]["after http"] = load_average()
            if "scale" in only:
                scale_section(dbs, cfg, out)
                out["load"]["after scale"] = load_average()
            if "fanout" in only:
                out["fanout"] = _child("bench.fanout", dbs["SQLite"], cfg["fanout"])
                out["load"]["after fan-out"] = load_average()
            if "startup" in only:
                out["startup"] = startup.measure(cfg["startup"])
                out["startup_floors"] = startup.floors(cfg["startup"])
            if "invites" in only:
                out["invites"] = _child("bench.invites", dbs["SQLite"], cfg["invites"])
                out["load"]["after invitations"] = load_average()
        finally:
            if pgdir is not None:
                subprocess.run(["bash", str(ROOT / "scripts" / "pg-stop.sh"), str(pgdir)])
    out["seconds"] = (
        time.perf_counter()
        - started
        + float(json.loads(args.merge.read_text()).get("seconds", 0) if args.merge else 0)
    )
    before = json.loads(args.before.read_text()) if args.before else None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.with_suffix(".json").write_text(json.dumps(out, indent=1, default=str))
    write_report(args.out, out, before)
    print(f"bench: wrote {args.out} in {out['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
