"""One name, one meaning (issue 14.8): no public module-level name is defined in two modules.

A name a reader meets in two places should be the same thing, imported from one. The few
names that are a convention for every module of a kind (each CLI area's COMMANDS, each Slack
listener module's register, each module's logger, a type variable) are the exceptions.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("bot", "handlers", "storage")
CONVENTIONS = {"COMMANDS", "register", "log", "T"}


def _defined(tree: ast.Module) -> list[str]:
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        elif isinstance(node, ast.Assign):
            names += [t.id for t in node.targets if isinstance(t, ast.Name)]
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.append(node.target.id)
    return [n for n in names if not n.startswith("_")]


def defined_twice(root: Path) -> dict[str, list[str]]:
    """Each public module-level name defined in more than one module, with the modules."""
    where: dict[str, list[str]] = defaultdict(list)
    for layer in LAYERS:
        for path in sorted((root / layer).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # each revision's `revision`, `upgrade`, … by Alembic's contract
            for name in _defined(ast.parse(path.read_text(encoding="utf-8"))):
                where[name].append(str(path.relative_to(root)))
    return {n: m for n, m in where.items() if len(m) > 1 and n not in CONVENTIONS}


def test_no_public_name_is_defined_twice() -> None:
    assert defined_twice(ROOT) == {}


def test_the_check_sees_a_second_definition(tmp_path: Path) -> None:
    for layer in LAYERS:
        (tmp_path / layer).mkdir()
    (tmp_path / "bot" / "a.py").write_text("class Outcome: ...\nlog = 1\n", encoding="utf-8")
    (tmp_path / "handlers" / "b.py").write_text("Outcome = 2\nlog = 2\n", encoding="utf-8")
    assert defined_twice(tmp_path) == {"Outcome": ["bot/a.py", "handlers/b.py"]}
