"""The core stays free of Slack and SQLAlchemy: dependencies point inward."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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


# The core's features in order: each may import only from those before it (architecture.md).
# The shared kernel is the modules directly in bot/ and bot/time/.
FEATURE_ORDER = (
    "kernel",
    "people",
    "meetings",
    "topics",
    "messaging",
    "invitations",
    "minutes",
    "reminders",
    "attendance",
)
KERNEL = {"domain", "ports", "errors", "texts", "config", "commands", "validation", "time"}


def _modules(top: str) -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / top).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(tree: ast.AST, known: set[str]) -> set[str]:
    """The project modules a file imports, at module level or inside functions."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in known:
                    found.add(full)
                elif node.module in known:
                    found.add(node.module)
    return found


def _graph(tops: tuple[str, ...]) -> dict[str, set[str]]:
    modules: dict[str, Path] = {}
    for top in tops:
        modules.update(_modules(top))
    known = set(modules)
    return {
        name: _imports(ast.parse(path.read_text(encoding="utf-8")), known) - {name}
        for name, path in modules.items()
    }


def _feature(module: str) -> str:
    parts = module.split(".")
    return "kernel" if len(parts) < 2 or parts[1] in KERNEL else parts[1]


def wrong_way(graph: dict[str, set[str]]) -> list[str]:
    """Imports from a core feature to one after it in FEATURE_ORDER (or to no feature)."""
    bad = []
    for source, targets in sorted(graph.items()):
        here = _feature(source)
        for target in sorted(targets):
            there = _feature(target)
            if there not in FEATURE_ORDER or here not in FEATURE_ORDER:
                bad.append(f"{source} -> {target} (unknown feature)")
            elif FEATURE_ORDER.index(there) > FEATURE_ORDER.index(here):
                bad.append(f"{source} -> {target}")
    return bad


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph.get(child, set())))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_every_bot_folder_is_a_known_feature() -> None:
    folders = {p.name for p in (ROOT / "bot").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders - KERNEL <= set(FEATURE_ORDER)


def test_the_core_features_import_only_those_below_them() -> None:
    assert wrong_way(_graph(("bot",))) == []


def test_no_import_cycle_in_bot_handlers_or_storage() -> None:
    assert cycles(_graph(("bot", "handlers", "storage"))) == []


def test_the_order_check_sees_an_arrow_the_wrong_way_even_inside_a_function() -> None:
    tree = ast.parse("def f():\n    from bot.attendance.answers import x\n")
    known = {"bot.attendance.answers", "bot.people.roster"}
    graph = {"bot.people.roster": _imports(tree, known)}
    assert wrong_way(graph) == ["bot.people.roster -> bot.attendance.answers"]
    assert wrong_way({"bot.attendance.answers": {"bot.people.roster"}}) == []


def test_the_cycle_check_sees_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_every_package_says_in_one_line_what_lives_there() -> None:
    missing = []
    for top in ("bot", "handlers", "storage", "bench"):
        for init in sorted((ROOT / top).rglob("__init__.py")):
            doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
            if not doc or len(doc.splitlines()[0]) > 100:
                missing.append(str(init.relative_to(ROOT)))
    assert missing == []
