"""Issue 13 point 6: control characters never reach the database, on SQLite and PostgreSQL
alike (PostgreSQL refuses NUL in text; SQLite would keep it). Through the real ways in: a
slash command, a DM reply, a form, the CLI, and straight through a repository.
"""

from __future__ import annotations

import time

import pytest

from bot.domain import AttendanceStatus
from bot.topics.proposals import NewTopic, propose_topic
from handlers.cli.main import main
from handlers.slack.listeners.topics import views
from tests.conftest import FakeClock
from tests.handlers.slack.test_secretary import opened_view
from tests.slack_http import (  # noqa: F401
    MEMBER,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

SOFIE = MEMBER[0]
HOSTILE = "på\x00 kur\x07sus\x1b[31m\x7f"


def _regret(bot: SlackAppServer) -> tuple[AttendanceStatus, str] | None:
    with bot.container.uow() as uow:
        person = uow.people.by_email(MEMBER[1])
        assert person is not None and person.id is not None
        row = uow.attendance.get(1, person.id)
        return (row.status, row.reason) if row else None


def _wait(check, timeout: float = 10.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_nul_in_a_dm_reply_is_dropped_and_the_regret_stored_and_answered(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    event = {
        "type": "message", "channel": "DU_SOFIE", "channel_type": "im", "user": SOFIE,
        "text": f"afbud {HOSTILE}", "ts": f"{time.time():.6f}",
    }  # fmt: skip
    assert bot.event(event).status == 200
    status, reason = _wait(lambda: _regret(bot))
    assert status == AttendanceStatus.REGRETS
    assert reason == "på kursus[31m"
    answer = _wait(lambda: standin.messages("DU_SOFIE"))
    assert "afbud" in answer[-1]["text"].lower()


def test_a_nul_in_a_command_and_a_form_is_dropped(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    assert bot.command(f"afbud {HOSTILE}", SOFIE).status == 200
    assert _regret(bot) == (AttendanceStatus.REGRETS, "på kursus[31m")
    assert bot.command("emne Kaffe\x00 og kage\x08", SOFIE).status == 200
    bot.command("emne", SOFIE)
    form = opened_view(standin, views.TOPIC_MODAL)
    state = {
        field: {"value": {"type": "plain_text_input", "value": value}}
        for field, value in {"topic_text": "Bedre\x00 epikriser\x1f"}.items()
    }
    payload = {
        "type": "view_submission",
        "user": {"id": SOFIE},
        "view": {**form, "id": "V_NUL", "state": {"values": state}},
    }
    assert bot.interaction(payload).status == 200
    with bot.container.uow() as uow:
        stored = sorted(t.text for t in uow.topics.for_committee(1))
    assert "Kaffe og kage" in stored and "Bedre epikriser" in stored
    assert not any("\x00" in t for t in stored)


def test_the_cli_and_a_use_case_called_directly_store_no_control_characters(
    sample,
    clock: FakeClock,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert main(["--now", "2026-05-01T10:00", "topic", "add", "Kørsel\x00 til\x07 møder",
                 "--by", MEMBER[1]]) == 0  # fmt: skip
    with sample.uow() as uow:
        committee = uow.committees.list()[0]
        person = uow.people.by_email(MEMBER[1])
    assert person is not None
    propose_topic(sample.uow(), committee, person, NewTopic("Direkte\x00 ind"), now=clock())
    with sample.uow() as uow:
        stored = [t.text for t in uow.topics.for_committee(committee.id or 0)]
    assert "Kørsel til møder" in stored and "Direkte ind" in stored
