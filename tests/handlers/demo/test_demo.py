"""`klu-bot demo` runs end to end as a subprocess: no Slack, no network, cleans up after itself."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


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
    # the rest of the meeting's life: calling, agenda reminder, a regret by reply, the minutes
    calling = out.split("8. Sekretæren indkalder", 1)[1]
    assert "Fil i Slack: invitation.ics" in calling
    assert "E-mail til Henrik Lund <henrik.lund@plo-fjordby.dk>" in calling
    assert "METHOD:REQUEST" in calling
    reminder = out.split("9. Dagsordenen sendes ud to uger før mødet", 1)[1]
    assert "Dagsorden: Møde i Kommunalt Lægeligt Udvalg" in reminder.split("10. ", 1)[0]
    regrets = out.split("10. Et medlem melder afbud", 1)[1].split("11. ", 1)[0]
    assert "dit afbud til" in regrets and "på kursus" in regrets
    minutes = out.split("11. Efter mødet", 1)[1]
    assert "BESLUTNINGSREFERAT" in minutes
    summary = minutes.split("# Besked i kanalen", 1)[1].split("Beslutninger", 1)[0]
    people = summary.split("Deltagere", 1)[1]
    came, rest = people.split("Afbud", 1)
    regrets, no_show = rest.split("Ej mødt", 1)
    assert "Sofie Brandt" in regrets and "Sofie Brandt" not in came
    assert "Lars Mikkelsen" in no_show and "Lars Mikkelsen" not in came
    assert "Karen Munk Østergaard" in came and "Ida Nørgaard, deltog under punkt 2.b" in came
    assert "Sekretariat: Camilla Juul" in came
    assert "Du meldte afbud" in minutes
    assert "referat-" in minutes and ".pdf" in minutes
    # what people read, not what the code calls things
    assert "short_name=" not in out and "name=" not in out
    assert "│ >" not in out
    for raw in ("*", "&amp;", "&lt;", "<@U"):
        assert raw not in out.replace("* ", ""), raw
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
