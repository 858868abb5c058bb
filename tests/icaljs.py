"""Mozilla ical.js as an independent reader of our calendar files (node + the npm package).

scripts/system-deps.sh installs ical.js into .cache/icaljs; on CI a missing reader fails the
test instead of skipping it, so the check cannot silently stop running.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / ".cache" / "icaljs" / "node_modules"
SCRIPT = Path(__file__).with_name("tools") / "icaljs_instants.mjs"


def available() -> bool:
    return shutil.which("node") is not None and (MODULES / "ical.js").is_dir()


def instants(data: bytes) -> list[tuple[str, datetime, datetime]]:
    """(UID, start, end) of every VEVENT, in UTC, as ical.js reads them."""
    if not available():
        if os.environ.get("CI"):
            pytest.fail("ical.js is missing on CI (scripts/system-deps.sh installs it)")
        pytest.skip("ical.js missing (bash scripts/system-deps.sh)")
    env = {**os.environ, "NODE_PATH": str(MODULES)}
    # ESM ignores NODE_PATH: run the script from a copy beside node_modules.
    script = MODULES.parent / SCRIPT.name
    if not script.exists() or script.read_bytes() != SCRIPT.read_bytes():
        shutil.copyfile(SCRIPT, script)
    done = subprocess.run(
        ["node", str(script)], input=data, capture_output=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr.decode()
    found = []
    for line in done.stdout.decode().splitlines():
        uid, start, end = line.split("\t")[:3]
        found.append(
            (uid, datetime.fromtimestamp(int(start), UTC), datetime.fromtimestamp(int(end), UTC))
        )
    return found
