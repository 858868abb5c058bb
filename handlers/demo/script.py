"""The demo's script: what its people say and type, read from examples/demo-script.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SCRIPT_FILE = Path(__file__).resolve().parent / "examples" / "demo-script.toml"


@dataclass(frozen=True)
class DemoScript:
    """The committee's setup form, topics proposed (Slack user, text), agenda items (the
    form's fields), one regret reply (Slack user, text) and the minutes (item number, the
    form's fields)."""

    setup: dict[str, str]
    topics: tuple[tuple[str, str], ...]
    topic_form: tuple[str, dict[str, str]]  # who, and the form's fields
    impossible_when: str  # a date typed wrongly first
    items: tuple[dict[str, str], ...]
    regrets: tuple[str, str]
    minutes: tuple[tuple[str, dict[str, str]], ...]


@cache
def demo_script(path: Path = SCRIPT_FILE) -> DemoScript:
    """The script in `path` (read once)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    minutes = []
    for entry in data["minutes"]:
        fields = {str(k): str(v) for k, v in entry.items()}
        minutes.append((fields.pop("number"), fields))
    form = {str(k): str(v) for k, v in data["topic_form"].items()}
    return DemoScript(
        setup={str(k): str(v) for k, v in data["setup"].items()},
        topics=tuple((str(t["user"]), str(t["text"])) for t in data["topics"]),
        topic_form=(str(form.pop("user")), form),
        impossible_when=str(data["meeting"]["impossible_when"]),
        items=tuple({str(k): str(v) for k, v in item.items()} for item in data["items"]),
        regrets=(str(data["regrets"]["user"]), str(data["regrets"]["text"])),
        minutes=tuple(minutes),
    )
