"""A wrong setting stops every entry point at start: one Danish line naming the variable,
no traceback, exit code 2 (README, *Configuration*). Each case runs the real `klu-bot`."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.invitation_helpers import free_port

KLU_BOT = Path(sys.executable).parent / "klu-bot"
ENTRY_POINTS = [
    ["members", "list"],
    ["db", "upgrade"],
    ["serve", "--port", "0"],
    ["clock", "--once"],
]
GOOD = {
    "SLACK_BOT_TOKEN": "xoxb-test",
    "SLACK_SIGNING_SECRET": "secret",
    "SLACK_API_URL": "http://127.0.0.1:9/api/",  # never reached: the process stops first
}


def klu_bot(tmp_path: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "SMTP_", "MAIL_", "PORT", "DATABASE_URL", "KLU_"))
    }
    full = {**base, "DATABASE_URL": f"sqlite:///{tmp_path / 'klu.db'}", **GOOD, **env}
    return subprocess.run(
        [str(KLU_BOT), *args],
        env=full,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


CASES = {
    "malformed DATABASE_URL": ({"DATABASE_URL": "mysql://klu@db/klu"}, "DATABASE_URL"),
    "DATABASE_URL with a bad port": (
        {"DATABASE_URL": "postgresql://klu:hemmelig@db:54x2/klu"},
        "DATABASE_URL",
    ),
    "unreachable PostgreSQL": (
        {"DATABASE_URL": "postgresql://klu:hemmelig@127.0.0.1:1/klu"},
        "Databasen i DATABASE_URL kan ikke nås",
    ),
    "SQLite in a folder that does not exist": (
        {"DATABASE_URL": "sqlite:////nonexistent/folder/klu.db"},
        "Databasen i DATABASE_URL kan ikke nås",
    ),
    "malformed SMTP_URL": (
        {"SMTP_URL": "smtp:/mail.fjordby.dk", "MAIL_FROM": "k@f.dk"},
        "SMTP_URL",
    ),
    "SMTP_URL with a bad port": (
        {"SMTP_URL": "smtp://mail.fjordby.dk:99999", "MAIL_FROM": "k@f.dk"},
        "SMTP_URL",
    ),
    "MAIL_FROM missing with SMTP_URL": ({"SMTP_URL": "smtp://mail.fjordby.dk:587"}, "MAIL_FROM"),
    "PORT out of range": ({"PORT": "70000"}, "PORT"),
    "PORT not a number": ({"PORT": "tre"}, "PORT"),
    "not a bot token": ({"SLACK_BOT_TOKEN": "xoxp-123-456"}, "SLACK_BOT_TOKEN"),
}


EVERY_ENTRY_POINT = ("unreachable PostgreSQL", "PORT out of range", "not a bot token")
RUNS = [(case, ["members", "list"]) for case in CASES] + [
    (case, argv) for case in EVERY_ENTRY_POINT for argv in ENTRY_POINTS[1:]
]


@pytest.mark.parametrize(("case", "argv"), RUNS, ids=[f"{c}-{' '.join(a)}" for c, a in RUNS])
def test_a_wrong_setting_is_one_danish_line_naming_it_and_exit_2(
    tmp_path: Path, case: str, argv: list[str]
) -> None:
    env, named = CASES[case]
    result = klu_bot(tmp_path, env, *argv)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("fejl: ") and named in line
    assert "Traceback" not in result.stderr
    assert "hemmelig" not in line  # a password in a URL is never printed


def test_a_missing_required_setting_is_named_in_danish(tmp_path: Path) -> None:
    result = klu_bot(tmp_path, {"SLACK_SIGNING_SECRET": ""}, "serve", "--port", "0")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "fejl: Miljøvariablen SLACK_SIGNING_SECRET mangler eller er tom."
    ]


def test_the_readme_defaults_are_what_the_program_does(tmp_path: Path) -> None:
    """Without DATABASE_URL the data lives in var/klu-bot.db; PORT 3000; Slack's own API."""
    from bot.config import load_settings

    settings = load_settings({})
    assert settings.port == 3000
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.answer_cache is True
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [str(KLU_BOT), "db", "upgrade"],
        env={**base, "DATABASE_URL": ""},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "var" / "klu-bot.db").is_file()
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "default `sqlite:///var/klu-bot.db`" in readme
    assert "HTTP port, default 3000" in readme
    assert "default `https://slack.com/api/`" in readme


KEY_VALUE = re.compile(r'^ts=\S+ level=[A-Z]+ logger=\S+ request_id=\S+ msg=(\S+|"([^"\\]|\\.)*")')


def test_serve_logs_key_value_from_the_first_line_bolt_included(tmp_path: Path) -> None:
    port = free_port()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SMTP_"))}
    env = {**base, **GOOD, "DATABASE_URL": f"sqlite:///{tmp_path / 'klu.db'}", "PORT": str(port)}
    process = subprocess.Popen(
        [str(KLU_BOT), "serve", "--host", "127.0.0.1"],
        env=env,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        started = [process.stderr.readline()]
        while "KLU-bot lytter på" not in started[-1]:  # it listens from this line on
            started.append(process.stderr.readline())
            assert len(started) < 20 and process.poll() is None, started
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/slack/events",
            data=b"command=/klu&text=hj%C3%A6lp",
            headers={"X-Slack-Request-Timestamp": "1", "X-Slack-Signature": "v0=bad"},
        )
        with pytest.raises(urllib.error.HTTPError):  # Bolt refuses it, and logs that
            urllib.request.urlopen(request, timeout=10)
    finally:
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=30)
    lines = [line.rstrip("\n") for line in started if line] + rest.splitlines()
    assert any("logger=slack_bolt" in line for line in lines), lines
    for line in lines:
        assert KEY_VALUE.match(line), line


def test_gunicorn_with_a_wrong_setting_stops_with_the_danish_line(tmp_path: Path) -> None:
    """The Procfile's web process: the line names the variable and the master stops (no
    restart loop of workers that cannot start)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SMTP_"))}
    env = {
        **base,
        **GOOD,
        "SLACK_BOT_TOKEN": "xoxp-1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/k.db",
    }
    result = subprocess.run(
        [str(KLU_BOT.with_name("gunicorn")), "--bind", f"127.0.0.1:{free_port()}",
         "--chdir", str(Path(__file__).resolve().parents[2]),
         "handlers.slack.serve:create_wsgi_app()"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 4  # gunicorn's "App failed to load"
    assert "fejl: SLACK_BOT_TOKEN skal være bottokenet" in result.stderr
    assert "Traceback" not in result.stderr
