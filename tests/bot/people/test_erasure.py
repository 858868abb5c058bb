"""Erasure erases: after `klu-bot person erase`, nothing of the person is left in the database
file or in an export, although their regret (with a health reason) went through Slack, was
quoted to the secretary and listed in the sent minutes summary. And regret reasons, done inbox
rows, event ids and sent deliveries expire by themselves (`klu-bot prune`, the clock)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bot.config import ConfigError, load_settings
from bot.domain import AttendanceStatus
from handlers.bootstrap import Container
from handlers.cli.main import main
from handlers.clock import tick
from tests.conftest import FakeClock
from tests.dbdump import dump
from tests.slack_http import (  # noqa: F401 (fixtures)
    CHANNEL,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

SOFIE = "sofie.brandt@plo-fjordby.dk"
PHONE = "+45 20 30 40 50"
REASON = "er syg med influenza"
NEEDLES = ("Sofie Brandt", SOFIE, "U_SOFIE", PHONE, "influenza")


def _wait(slack: SlackStandIn, channel: str, count: int) -> list[dict[str, Any]]:
    deadline = time.monotonic() + 5
    while len(slack.messages(channel)) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"{channel}: {slack.messages(channel)}")
        time.sleep(0.05)
    return slack.messages(channel)


def _cli(monkeypatch: pytest.MonkeyPatch, url: str, slack: SlackStandIn) -> None:
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", slack.base_url)
    monkeypatch.delenv("SMTP_URL", raising=False)


def _stored(url: str) -> str:
    """Every byte the database holds: the SQLite file (and WAL), or every row of PostgreSQL."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        found = [p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists()]
        return b"".join(found).decode("utf-8", errors="replace")
    return json.dumps(dump(url), ensure_ascii=False, default=str)


@pytest.fixture
def regretted(
    bot: SlackAppServer,
    standin: SlackStandIn,
    clock: FakeClock,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> Container:
    """Sofie sent regrets with a health reason by Slack DM; the secretary was told; the
    minutes were approved and their summary (listing her regrets) posted and sent to her."""
    c = bot.container
    with c.uow() as uow:
        person = uow.people.by_email(SOFIE)
        assert person is not None
        person.phone = PHONE
        uow.commit()
    clock.set_local("2026-06-12T10:00")
    bot.event(
        {
            "type": "message",
            "channel": "DU_SOFIE",
            "channel_type": "im",
            "user": "U_SOFIE",
            "text": f"afbud, {REASON}",
            "ts": f"{time.time():.6f}",
        }
    )
    notice = _wait(standin, "DU_CAMILLA", 1)[-1]
    assert "Sofie Brandt" in notice["text"] and REASON in notice["text"]
    bot.stop()
    _cli(monkeypatch, db_url, standin)
    assert main(["--now", "2026-06-19T10:00", "minutes", "approve", "1"]) == 0
    assert main(["--now", "2026-06-19T10:01", "clock", "--once"]) == 0
    summary = [m for m in standin.messages(CHANNEL) if "Sofie Brandt" in m.get("text", "")]
    assert summary, standin.messages(CHANNEL)
    assert any(REASON in m["text"] for m in standin.messages("DU_SOFIE"))
    before = _stored(db_url)
    assert all(n in before for n in NEEDLES), [n for n in NEEDLES if n not in before]
    return c


def test_erasure_leaves_nothing_in_the_database_file_or_the_export(
    regretted: Container, db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--now", "2026-06-19T11:00", "person", "erase", SOFIE, "--yes"]) == 0
    assert "Tidligere deltager #" in capsys.readouterr().out
    stored = _stored(db_url)
    assert [n for n in NEEDLES if n in stored] == []
    exported = tmp_path / "klu.json"
    assert main(["export", "-o", str(exported)]) == 0
    content = exported.read_text(encoding="utf-8")
    assert [n for n in NEEDLES if n in content] == []
    with regretted.uow() as uow:
        [regret] = uow.attendance.for_meeting(1)  # the regret itself is kept, without reason
        summary = uow.outbox.get("minutes-summary:1")
        events = uow.session.execute(text("SELECT COUNT(*) FROM processed_events")).scalar()  # type: ignore[attr-defined]
    assert regret.status == AttendanceStatus.REGRETS and regret.reason == ""
    assert summary is not None and summary.status == "sent" and summary.payload == "{}"
    assert events is not None


def test_regret_reasons_expire_after_the_minutes_are_approved(
    regretted: Container,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KLU_REGRET_REASON_DAYS", "10")
    assert main(["--now", "2026-06-29T09:00", "prune"]) == 0  # 10 days less an hour after
    assert "0 afbudsgrunde slettet (10 dage efter godkendt referat)" in capsys.readouterr().out
    assert "influenza" in _stored(db_url)
    assert main(["--now", "2026-06-29T10:30", "prune"]) == 0
    assert "1 afbudsgrunde slettet" in capsys.readouterr().out
    stored = _stored(db_url)
    assert "influenza" not in stored
    assert "Sofie Brandt" in stored  # only the reason goes; the person is not erased
    with regretted.uow() as uow:
        [regret] = uow.attendance.for_meeting(1)
    assert regret.status == AttendanceStatus.REGRETS and regret.reason == ""


def test_the_clock_prunes_old_rows_once_a_day(regretted: Container, clock: FakeClock) -> None:
    c = regretted
    with c.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        counts = {
            t: session.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
            for t in ("inbox", "processed_events")
        }
    assert counts["inbox"] and counts["inbox"] > 0
    clock.set_local("2026-09-25T09:00")  # more than 90 days after the DM, fewer than 187
    report = tick(c, {}).pruned
    assert report is not None and report.inbox >= 1 and report.deliveries_redacted >= 1
    assert report.reasons == 1 and report.deliveries_deleted == 0
    assert tick(c, {}).pruned is None  # once a day
    with c.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        left = session.execute(text("SELECT COUNT(*) FROM inbox")).scalar()
        kept = session.execute(
            text("SELECT payload FROM deliveries WHERE status IN ('sent', 'cancelled', 'failed')")
        ).all()
    assert left == 0
    assert kept and all(payload == "{}" for (payload,) in kept)
    assert "influenza" not in _stored(c._engine.url.render_as_string(hide_password=False))
    clock.advance(days=200)
    report = tick(c, {}).pruned
    assert report is not None and report.deliveries_deleted == len(kept)


@pytest.mark.parametrize("name", ["KLU_REGRET_REASON_DAYS", "KLU_RETENTION_DAYS"])
def test_retention_days_must_be_a_number(name: str) -> None:
    field = "regret_reason_days" if "REASON" in name else "retention_days"
    assert getattr(load_settings({name: "7"}), field) == 7
    with pytest.raises(ConfigError, match=name):
        load_settings({name: "en måned"})
