"""What the figures were measured on: machine, versions, date, load."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from bench.servers import ROOT

PACKAGES = ("slack-bolt", "slack-sdk", "SQLAlchemy", "gunicorn", "psycopg", "aiosmtpd")


def load_average() -> list[float]:
    """The 1/5/15-minute load averages (other processes compete for the same cores)."""
    return [round(x, 2) for x in os.getloadavg()]


def _cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "?"


def _memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 2**20
    return 0.0


def _git() -> str:
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT, capture_output=True, text=True,
        ).stdout.strip()  # fmt: skip
    except OSError:
        return "?"
    return rev + (" (with uncommitted changes in the tree)" if dirty else "")


def _postgres(url: str | None) -> str:
    if not url:
        return "not run"
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        full = str(conn.execute(text("SELECT version()")).scalar_one())
    engine.dispose()
    return full.split(" on ")[0] + " (throwaway server, fsync=off)"


def machine_info(pg_url: str | None) -> dict[str, Any]:
    """Machine, OS, Python and package versions, date, commit."""
    import sqlite3

    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": round(_memory_gb(), 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version + " (WAL, synchronous=NORMAL)",
        "postgresql": _postgres(pg_url),
        "packages": {name: version(name) for name in PACKAGES},
        "commit": _git(),
    }
