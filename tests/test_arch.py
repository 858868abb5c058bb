"""The core stays free of Slack and SQLAlchemy: dependencies point inward."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = ("slack_bolt", "slack_sdk", "sqlalchemy")


def bot_modules() -> list[str]:
    """Every module under bot/, dotted."""
    modules = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules.append(".".join(parts))
    return modules


def test_bot_has_modules_to_check() -> None:
    modules = bot_modules()
    assert "bot.meetings.agenda" in modules
    assert "bot.meetings.timeplan" in modules
    assert len(modules) > 15


def test_importing_every_bot_module_loads_no_slack_or_sqlalchemy() -> None:
    script = (
        "import importlib, json, sys\n"
        f"for name in {bot_modules()!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        f"if m.split('.')[0] in {FORBIDDEN!r})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def _imported_roots(tree: ast.AST) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_bot_source_file_imports_slack_or_sqlalchemy() -> None:
    """Also catches imports inside functions, which the sys.modules check cannot see."""
    offenders = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        bad = _imported_roots(ast.parse(path.read_text(encoding="utf-8"))) & set(FORBIDDEN)
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_bot_does_not_import_handlers_or_storage() -> None:
    offenders = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        bad = _imported_roots(ast.parse(path.read_text(encoding="utf-8"))) & {"handlers", "storage"}
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_the_ast_scan_would_see_a_forbidden_import() -> None:
    tree = ast.parse("def f():\n    from sqlalchemy.orm import Session\n    import slack_sdk.web\n")
    assert _imported_roots(tree) == {"sqlalchemy", "slack_sdk"}
