"""Control characters never reach the database (issue 13.6): the CLI, the roster and meeting
files, and the core's reply grammar strip them, with the same result on SQLite and
PostgreSQL (run with KLU_TEST_DATABASE_URL for the latter). The Slack way in is covered in
tests/test_slack_text.py."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from bot.attendance.replies import parse_command_reason, parse_reply
from handlers.cli.main import main
from storage.tables import metadata
from tests.conftest import EXAMPLES

NOW = ["--now", "2026-05-01T10:00"]
SETUP = [
    "committee", "setup", "--name", "Kommunalt\x01 Lægeligt Udvalg", "--short-name", "KLU",
    "--unit", "Fjordby Kommune", "--place", "Rådhusgade 4\x1b[2J",
    "--secretariat-name", "Camilla Juul", "--secretariat-email", "camilla.juul@fjordby.dk",
]  # fmt: skip
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _strings_with_control(url: str) -> list[str]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    found = []
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            for row in conn.execute(select(table)):
                found += [v for v in row if isinstance(v, str) and CONTROL.search(v)]
    engine.dispose()
    return found


def test_cli_and_files_store_no_control_characters(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    roster = (EXAMPLES / "roster.csv").read_bytes().replace(b"\n", b"\r\n")
    roster += "Bo\x00 Bent;bo@fjordby.dk;;Org\x07;Læge\x1f;PLO-K;medlem;\r\n".encode()
    (tmp_path / "roster.csv").write_bytes(roster)
    meeting = (EXAMPLES / "meeting.yaml").read_text(encoding="utf-8")
    meeting = meeting.replace("title: Møde i", 'title: "Møde\\x01\\0 i', 1).replace(
        "Lægeligt Udvalg\n", 'Lægeligt Udvalg"\n', 1
    )
    (tmp_path / "meeting.yaml").write_text(meeting, encoding="utf-8")
    assert main([*NOW, *SETUP]) == 0
    assert main([*NOW, "members", "import", str(tmp_path / "roster.csv")]) == 0
    assert main([*NOW, "meeting", "load", str(tmp_path / "meeting.yaml")]) == 0
    regrets = ["attendance", "regrets", "bo@fjordby.dk", "er\x1b syg\x7f", "--meeting", "1"]
    assert main([*NOW, *regrets]) == 0
    assert _strings_with_control(db_url) == []
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        names = {r.name for r in conn.execute(select(metadata.tables["people"].c.name))}
        titles = {r.title for r in conn.execute(select(metadata.tables["meetings"].c.title))}
        reasons = {r.reason for r in conn.execute(select(metadata.tables["attendance"].c.reason))}
    engine.dispose()
    assert "Bo Bent" in names
    assert titles == {"Møde i Kommunalt Lægeligt Udvalg"}
    assert "er syg" in reasons


def test_the_reply_grammar_drops_control_characters() -> None:
    assert parse_reply("afbud\x00 – syg\x00 i dag").reason == "syg i dag"
    assert parse_command_reason("syg\x00\x1b i dag") == "syg i dag"
