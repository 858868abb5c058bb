"""A number typed or carried by a button that is no row number the database can hold ('²',
which str.isdigit takes and int() refuses, or twenty digits) gets the same Danish answer as
any unknown meeting, topic or page: never the generic apology with an error id, never an
ERROR in the log (bot/validation.is_id). Found by an independent probe."""

from __future__ import annotations

import logging

import pytest

from tests.slack_http import (  # noqa: F401 (fixtures)
    MEMBER,
    SECRETARY,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)

SOFIE, CAMILLA = MEMBER[0], SECRETARY[0]


@pytest.mark.parametrize(
    "text",
    [
        "bruttoliste ²",
        "dagsorden ²",
        "dagsorden 99999999999999999999",
        "indkald ²",
        "indkald 99999999999999999999",
        "referat ²",
        "referat 99999999999999999999",
    ],
)
@pytest.mark.parametrize("who", [SOFIE, CAMILLA])
def test_a_typed_odd_number_gets_a_danish_refusal(
    bot: SlackAppServer, caplog: pytest.LogCaptureFixture, text: str, who: str
) -> None:
    caplog.set_level(logging.WARNING)
    reply = bot.command(text, who)
    assert reply.status == 200
    assert "fejl-id" not in reply.text, reply.text
    refused = ("findes ikke", "ikke et sidenummer", "kun sekretariatet")
    assert any(r in reply.text for r in refused), reply.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("action", "value"),
    [
        ("regrets_button", "²"),
        ("regrets_button", "99999999999999999999"),
        ("attend_button", "²"),
        ("klu_board_page_next", "²"),
        ("klu_board_topic", "withdraw:²"),
        ("klu_board_topic", "schedule:1:²"),
        ("klu_board_topic", "schedule:²:1"),
        ("referat_open", "²"),
        ("referat_approve", "99999999999999999999"),
        ("referat_attendance", "²"),
        ("send_invitations_button", "²"),
        ("klu_sec_add_item", "99999999999999999999"),
    ],
)
def test_an_odd_button_value_is_an_unknown_meeting_or_topic(
    bot: SlackAppServer, caplog: pytest.LogCaptureFixture, action: str, value: str
) -> None:
    caplog.set_level(logging.WARNING)
    reply, _ = bot.block_action(CAMILLA, action, value=value)
    assert reply.status == 200
    failed = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failed, [str(r.exc_info and r.exc_info[1]) for r in failed]
