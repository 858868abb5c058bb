"""The CLI's commands are registered explicitly, and its grammar loads nothing heavy."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from handlers.cli.parser import build
from handlers.cli.registry import AREAS, LOADERS, handler

ROOT = Path(__file__).resolve().parents[3]


def _leaves(parser: argparse.ArgumentParser) -> list[str]:
    found = []
    default = parser.get_default("command")
    if default is not None:
        found.append(default)
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found.extend(_leaves(sub))
    return found


def test_every_command_in_the_grammar_has_exactly_one_registered_handler() -> None:
    leaves = _leaves(build())
    assert len(leaves) == len(set(leaves)) > 40
    assert set(leaves) == set(AREAS)
    for name in leaves:
        assert callable(handler(name))


def test_each_area_registers_exactly_the_commands_the_registry_sends_it() -> None:
    for load in LOADERS:
        registered = set(load())
        assert registered == {name for name, area in AREAS.items() if area is load}


def test_help_and_the_grammar_import_no_database_chat_or_pdf_library() -> None:
    script = (
        "import json, sys\n"
        "from handlers.cli.main import build_parser\n"
        "build_parser().format_help()\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout))
    assert loaded.isdisjoint({"sqlalchemy", "alembic", "slack_bolt", "slack_sdk", "weasyprint"})
    assert loaded.isdisjoint({"icalendar", "storage"})
