"""`klu-bot demo` works from a wheel: the sample committee and the Slack stand-in are in it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_the_wheel_carries_the_demo_and_it_finds_its_parts_outside_the_clone(
    tmp_path: Path,
) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("klu_bot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "handlers/demo/examples/roster.csv" in names
    assert "handlers/demo/examples/meeting.yaml" in names
    assert "handlers/slack/standin.py" in names
    assert not any(name.startswith("tests/") for name in names)
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    script = (
        "import handlers, handlers.demo.main as demo\n"
        "print(handlers.__file__)\n"
        "print(demo.examples_dir())\n"
        "print(demo.standin_class().__module__)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    package, examples, standin = result.stdout.split("\n")[:3]
    assert package.startswith(str(unpacked))
    assert examples.startswith(str(unpacked))
    assert (Path(examples) / "roster.csv").is_file()
    assert standin == "handlers.slack.standin"
