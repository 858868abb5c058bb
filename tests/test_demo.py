"""`klu-bot demo` runs end to end as a subprocess: no Slack, no network, cleans up after itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_demo_shows_topics_agenda_and_time_plan_and_cleans_up(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("klu-bot")
    env = {**os.environ, "TMPDIR": str(tmp_path), "DATABASE_URL": "sqlite:////nonexistent/x.db"}
    started = time.monotonic()
    done = subprocess.run(
        [str(script), "demo"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 45
    out = done.stdout
    for topic in (
        "#1 Samarbejde om hjemmebesøg hos ældre medicinske patienter",
        "#2 Fælles retningslinjer for lægeerklæringer til jobcentret",
        "#4 Hurtigere svar på epikriser fra sygehuset",
    ):
        assert topic in out
    assert "»31. februar« er ikke en gyldig dato" in out
    assert "Det er kun sekretariatet, der kan oprette møder." in out
    assert "15:05–15:30  2.a Samarbejde om hjemmebesøg" in out
    assert "15:30–15:50  2.b Procedure for lægeerklæringer" in out
    assert "Gæster: Ida Nørgaard" in out
    assert "DM til Line Dahl" in out
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
