"""A signed request whose JSON has the wrong shape where Bolt reads it unchecked (an event
that is a string, a view that is a list, actions that are not objects) is refused with 400
and a warning before Bolt sees it (handlers/slack/shape.py), not logged as an ERROR from
inside Bolt. Found by an independent probe."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.slack_http import (  # noqa: F401 (fixtures)
    SECRETARY,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)


@pytest.mark.parametrize("event", ["x", [], 3, None])
def test_an_event_that_is_not_an_object_is_refused_quietly(
    bot: SlackAppServer, caplog: pytest.LogCaptureFixture, event: object
) -> None:
    caplog.set_level(logging.WARNING)
    body = {
        "team_id": bot.slack.team_id,
        "api_app_id": bot.slack.app_id,
        "type": "event_callback",
        "event_id": "Ev1",
        "event": event,
    }
    reply = bot.post(json.dumps(body).encode(), "application/json")
    assert reply.status == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("malformed request refused" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "payload",
    [
        {"type": "view_submission", "view": "x", "user": {"id": SECRETARY[0]}},
        {"type": "view_submission", "view": [], "user": {"id": SECRETARY[0]}},
        {"type": "block_actions", "actions": "x", "user": {"id": SECRETARY[0]}},
        {"type": "block_actions", "actions": ["x"], "user": {"id": SECRETARY[0]}},
        {"type": "block_actions", "actions": [], "user": "U1"},
    ],
)
def test_an_interaction_of_the_wrong_shape_is_refused_quietly(
    bot: SlackAppServer, caplog: pytest.LogCaptureFixture, payload: dict[str, Any]
) -> None:
    caplog.set_level(logging.WARNING)
    payload = {"team": {"id": bot.slack.team_id}, "api_app_id": bot.slack.app_id, **payload}
    body = urlencode({"payload": json.dumps(payload)}).encode()
    reply = bot.post(body, "application/x-www-form-urlencoded")
    assert reply.status == 400
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_well_formed_command_still_goes_through(bot: SlackAppServer) -> None:
    assert "bruttoliste" in bot.command("hjælp", SECRETARY[0]).text.lower()
