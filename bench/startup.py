"""How fast `klu-bot` starts: the median wall time of commands with and without the database
(a SQLite file at the newest schema, so the start-up check skips Alembic)."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# Commands a secretary types that answer without the database; each must start in < 0.3 s.
COMMANDS: list[list[str]] = [
    ["--help"],
    ["meeting", "--help"],
    ["minutes", "export", "--help"],
    ["no-such-command"],
]
# Commands that open the database (sqlalchemy and one query before the answer).
DB_COMMANDS: list[list[str]] = [
    ["meeting", "list"],
    ["topic", "list"],
]
TARGET_S = 0.3
# What a command that opens the database cannot start faster than: a bare interpreter, and
# the drivers of the decided stack imported alone (each a fresh process, nothing of ours).
FLOORS: list[tuple[str, str]] = [
    ("python (nothing imported)", "pass"),
    ("import sqlalchemy", "import sqlalchemy"),
    ("import sqlalchemy.orm", "import sqlalchemy.orm"),
    ("import psycopg", "import psycopg"),
]


def measure(runs: int) -> list[dict[str, Any]]:
    """Each command `runs` times as a fresh process; the median and the worst in seconds."""
    script = "import sys; from handlers.cli.main import main; sys.exit(main(sys.argv[1:]))"
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'klu.db'}"
        # Any value of PYTHONDONTWRITEBYTECODE (even "0") stops .pyc caching: drop it.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["DATABASE_URL"] = url
        setup = ["committee", "setup", "--short-name", "KLU", "--name", "Kommunalt Lægeligt Udvalg"]
        subprocess.run([sys.executable, "-c", script, *setup], env=env, capture_output=True)
        return _timed(script, env, [*COMMANDS, *DB_COMMANDS], runs)


def floors(runs: int) -> list[dict[str, Any]]:
    """The median and worst start of each FLOORS line, in seconds."""
    rows = []
    for label, code in FLOORS:
        seconds = []
        for _ in range(runs + 1):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], capture_output=True)
            seconds.append(time.perf_counter() - t0)
        seconds = seconds[1:]  # the first warms the file cache
        rows.append({"floor": label, "median_s": statistics.median(seconds), "max_s": max(seconds)})
    return rows


def _timed(
    script: str, env: dict[str, str], commands: list[list[str]], runs: int
) -> list[dict[str, Any]]:
    rows = []
    for argv in commands:
        seconds = []
        subprocess.run([sys.executable, "-c", script, *argv], env=env, capture_output=True)
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", script, *argv], env=env, capture_output=True)
            seconds.append(time.perf_counter() - t0)
        rows.append(
            {
                "command": "klu-bot " + " ".join(argv),
                "database": argv in DB_COMMANDS,
                "median_s": statistics.median(seconds),
                "max_s": max(seconds),
            }
        )
    return rows
