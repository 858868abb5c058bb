"""How fast `klu-bot` starts: the median wall time of commands that need no database."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from typing import Any

# Commands a secretary types that answer without the database; each must start in < 0.3 s.
COMMANDS: list[list[str]] = [
    ["--help"],
    ["meeting", "--help"],
    ["minutes", "export", "--help"],
    ["no-such-command"],
]
TARGET_S = 0.3


def measure(runs: int) -> list[dict[str, Any]]:
    """Each command `runs` times as a fresh process; the median and the worst in seconds."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "0"}
    script = "import sys; from handlers.cli.main import main; sys.exit(main(sys.argv[1:]))"
    rows = []
    for argv in COMMANDS:
        seconds = []
        subprocess.run([sys.executable, "-c", script, *argv], env=env, capture_output=True)
        for _ in range(runs):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", script, *argv], env=env, capture_output=True)
            seconds.append(time.perf_counter() - t0)
        rows.append(
            {
                "command": "klu-bot " + " ".join(argv),
                "median_s": statistics.median(seconds),
                "max_s": max(seconds),
            }
        )
    return rows
