"""Run Alembic programmatically: `klu-bot db upgrade` and the app's upgrade on start.

Every command upgrades the schema first. When the database already stands at the newest
revision (nearly always), `at_head` sees so with one query and the migration files' own
`revision`/`down_revision` lines, and Alembic is not even imported: a command starts in a
fraction of the time. Anything else (a new database, an older one, a branch) goes to Alembic.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

INI = Path(__file__).with_name("alembic.ini")
VERSIONS = Path(__file__).with_name("migrations") / "versions"
_REVISION = re.compile(r"^revision\s*=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*=\s*(.+)$", re.M)
_QUOTED = re.compile(r"['\"]([^'\"]+)['\"]")


def alembic_config(url: str) -> Config:
    """An Alembic config for the given database URL."""
    from alembic.config import Config

    cfg = Config(str(INI))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def file_heads(versions: Path = VERSIONS) -> set[str]:
    """The revisions no other migration builds on, read from the files' own lines."""
    revisions: set[str] = set()
    below: set[str] = set()
    for path in versions.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        found = _REVISION.search(source)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN.search(source)
        if down is not None:
            below.update(_QUOTED.findall(down.group(1)))
    return revisions - below


def at_head(engine: Engine) -> bool:
    """True when the database's alembic_version is exactly the one head of the files."""
    heads = file_heads()
    if len(heads) != 1:
        return False
    try:
        with engine.connect() as conn:
            rows = {
                str(r[0]) for r in conn.execute(text("SELECT version_num FROM alembic_version"))
            }
    except DBAPIError:  # no alembic_version yet: a new database
        return False
    return rows == heads


def upgrade(url: str, engine: Engine | None = None) -> None:
    """Bring the database to the newest schema (nothing to do, and no Alembic, when `engine`
    shows it is there already)."""
    if engine is not None and at_head(engine):
        return
    from alembic import command

    command.upgrade(alembic_config(url), "head")


def check_migrations(url: str) -> None:
    """Raise when the models and the migrations disagree (alembic check)."""
    from alembic import command

    command.check(alembic_config(url))
