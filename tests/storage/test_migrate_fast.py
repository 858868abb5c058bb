"""Commands start fast (issue 14.9): a database already at the newest revision is seen with one
query and the migration files' own lines, without Alembic; anything else goes to Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import text

from storage.db import database_url, make_engine
from storage.migrate import alembic_config, at_head, file_heads, upgrade

ROOT = Path(__file__).resolve().parents[2]


def test_the_files_name_the_same_head_as_alembic(db_url: str) -> None:
    script = ScriptDirectory.from_config(alembic_config(db_url))
    assert file_heads() == set(script.get_heads())


def test_a_second_head_in_the_files_is_seen(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('revision = "a"\ndown_revision = None\n')
    (tmp_path / "b.py").write_text('revision = "b"\ndown_revision = "a"\n')
    assert file_heads(tmp_path) == {"b"}
    (tmp_path / "c.py").write_text("revision = 'c'\ndown_revision = ('a',)\n")
    assert file_heads(tmp_path) == {"b", "c"}
    (tmp_path / "m.py").write_text('revision = "m"\ndown_revision = ("b", "c")\n')
    assert file_heads(tmp_path) == {"m"}


def test_new_old_and_current_databases(db_url: str) -> None:
    engine = make_engine(database_url({"DATABASE_URL": db_url}))
    try:
        assert not at_head(engine)  # a new database: no alembic_version
        upgrade(db_url, engine)
        assert at_head(engine)
        [head] = file_heads()
        command.downgrade(alembic_config(db_url), "-1")  # an older database
        assert not at_head(engine)
        upgrade(db_url, engine)  # goes to Alembic and comes back to the head
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
        assert at_head(engine)
    finally:
        engine.dispose()


def test_a_command_on_a_current_database_does_not_import_alembic(db_url: str) -> None:
    upgrade(db_url)
    probe = (
        "import sys; from handlers.cli.main import main; main(['meeting', 'list']); "
        "print('alembic' in sys.modules)"
    )
    env = {"DATABASE_URL": db_url, "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert "Traceback" not in done.stderr  # it ran: "no committee yet", in Danish
    assert done.stdout.strip().splitlines()[-1] == "False"
