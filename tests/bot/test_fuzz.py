"""Hostile input: property tests of the text parsers not covered elsewhere (the `/klu`
grammar, minutes import, the topic form), a fuzz of POST /slack/events with signed but
malformed bodies (never a 500, nothing written), and mention/mrkdwn injection in every field
the bot echoes back.

Parsers already under hypothesis elsewhere: timeparse (test_timeparse), regrets
(test_regrets_parser), roster (test_roster), meeting file (test_meetingfile), validation
(test_usecases_validation), blocks/escaping (test_slack_blocks).
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.commands import parse_command, verb_key
from bot.errors import KluError
from bot.minutes.text_import import decode, parse_minutes_text
from bot.topics.form import check_topic_form
from bot.topics.proposals import NewTopic
from storage.tables import metadata
from tests.slack_http import MEMBER, SECRETARY, SlackAppServer
from tests.slack_http import bot_fixture as bot_fixture
from tests.slack_http import standin_fixture as standin_fixture
from tests.slack_standin import SlackStandIn

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
INJECTIONS = ["<!channel>", "<!here|here>", "<@U123>", "<#C999>", "<http://x|y>", "*bold* _i_"]
PINGS = ["<!channel>", "<!here", "<@U123>", "<#C999>", "<http://x|y>"]
BOOKKEEPING = {"processed_events", "alembic_version"}

# --- parsers --------------------------------------------------------------------------------


@given(st.one_of(st.none(), st.text()))
def test_any_command_line_parses_to_a_folded_verb_and_the_rest(line: str | None) -> None:
    command = parse_command(line)
    assert command.verb == command.verb.strip()
    assert not any(ch in command.verb for ch in "æøåÆØÅ") and not any(
        ch.isspace() for ch in command.verb
    )
    assert command.rest == command.rest.strip()
    if line and line.split():
        assert command.verb == verb_key(line.split()[0])


@given(st.text(min_size=1).filter(lambda w: w.split() == [w]), st.text())
def test_the_rest_of_the_line_is_kept_verbatim(verb: str, rest: str) -> None:
    assert parse_command(f"{verb} {rest}").rest == rest.strip()


@given(st.binary(max_size=2000))
def test_minutes_import_bytes_decode_or_refuse_in_danish(data: bytes) -> None:
    try:
        text = decode(data)
    except KluError as exc:
        message = exc.message
        assert message
        return
    _minutes_items(text)


def _minutes_items(text: str) -> None:
    try:
        items = parse_minutes_text(text)
    except KluError as exc:
        message = exc.message
        assert message
        return
    for item in items:
        assert isinstance(item.number, str)


heading = st.builds(
    lambda n, sub, title: f"{n}{'.' + sub if sub else ''}. {title}",
    st.integers(0, 12),
    st.sampled_from(["", "a", "b", "1"]),
    st.text(max_size=30),
)
section = st.sampled_from(["Indstilling", "Sagsbeskrivelse", "Referat", "Beslutning", "Bilag"])


@given(st.lists(st.one_of(heading, section, st.text(max_size=60)), max_size=40))
def test_minutes_text_of_headings_and_noise_never_crashes(lines: list[str]) -> None:
    _minutes_items("\n".join(lines))


@given(st.text(max_size=3000), st.text(max_size=12000), st.text(max_size=3000))
def test_topic_form_reports_problems_per_field_and_never_raises(
    text: str, description: str, note: str
) -> None:
    problems = check_topic_form(NewTopic(text=text, description=description, note=note))
    assert set(problems) <= {"text", "description", "note"}
    if not text.strip():
        assert "text" in problems
    assert all(isinstance(m, str) and m for m in problems.values())


# --- POST /slack/events ---------------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
KINDS = ["event_callback", "block_actions", "view_submission", "view_closed", "shortcut",
         "url_verification", "app_rate_limited", "block_suggestion", "message_action",
         "x"]  # fmt: skip
KEYS = ["type", "user", "actions", "view", "event", "team", "channel", "container",
        "response_url", "trigger_id", "event_id", "message", "state", "callback_id"]  # fmt: skip


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, Any]:
    """Slack-shaped JSON with wrong types and missing fields."""
    body: dict[str, Any] = {"type": draw(st.sampled_from(KINDS))}
    for key in draw(st.lists(st.sampled_from(KEYS), max_size=6, unique=True)):
        body[key] = draw(json_values)
    if draw(st.booleans()):
        body["event"] = {"type": draw(st.sampled_from(["message", "app_home_opened", "x"])),
                         **draw(st.dictionaries(st.sampled_from(KEYS), json_values))}  # fmt: skip
    return body


FORM_KEYS = ["command", "text", "user_id", "channel_id", "team_id", "trigger_id",
             "response_url", "payload", "ssl_check"]  # fmt: skip


@st.composite
def bodies(draw: st.DrawFn) -> tuple[bytes, str]:
    """A malformed form or JSON body and its content type."""
    kind = draw(st.sampled_from(["json", "payload", "form", "bytes"]))
    if kind == "json":
        value = draw(st.one_of(payloads(), json_values))
        return json.dumps(value).encode(), JSON
    if kind == "payload":
        value = draw(st.one_of(payloads(), json_values, st.text(max_size=30)))
        raw = value if isinstance(value, str) else json.dumps(value)
        return urlencode({"payload": raw}).encode(), FORM
    if kind == "form":
        fields = draw(st.dictionaries(st.sampled_from(FORM_KEYS), st.text(max_size=40)))
        if draw(st.booleans()):
            fields["command"] = "/klu"
        return urlencode(fields).encode(), FORM
    return draw(st.binary(max_size=300)), draw(st.sampled_from([FORM, JSON, "text/plain"]))


def _data(bot: SlackAppServer) -> dict[str, Any]:
    """Every row of every table but the bookkeeping ones, through the app's own engine."""
    with bot.container._engine.connect() as conn:
        return {
            table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for table in metadata.sorted_tables
            if table.name not in BOOKKEEPING
        }


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=bodies())
@example(case=(b'{"type": "block_actions", "response_url": [null], "view": null}', JSON))
@example(case=(b'{"type": "event_callback", "event": {"type": "app_home_opened"}}', JSON))
@example(case=(b'{"type": "block_actions", "actions": {}, "user": 3}', JSON))
@example(case=(b"[1, 2]", JSON))
@example(case=(b"\x80", FORM))
def test_malformed_signed_bodies_get_4xx_or_a_polite_answer_and_write_nothing(
    bot: SlackAppServer, case: tuple[bytes, str]
) -> None:
    body, content_type = case
    before = _data(bot)
    reply = bot.post(body, content_type)
    assert reply.status < 500, (body, reply)
    assert "fejl-id" not in reply.text and "Traceback" not in reply.text, (body, reply)
    time.sleep(0.05)  # anything queued for the worker would be in the outbox by now
    assert _data(bot) == before, body


@pytest.mark.parametrize("content_type", [FORM, JSON])
def test_bodies_over_one_megabyte_are_refused_with_413(
    bot: SlackAppServer, content_type: str
) -> None:
    before = _data(bot)
    text = "x" * (1024 * 1024 + 1)
    if content_type == FORM:
        body = bot.command_body(f"emne {text}", MEMBER[0])
    else:
        body = json.dumps({"type": "event_callback", "event_id": "EvBig", "event": {"text": text}})
        body = body.encode()
    reply = bot.post(body, content_type)
    assert reply.status == 413
    assert _data(bot) == before


# --- injection ------------------------------------------------------------------------------


def _everything_said(standin: SlackStandIn, acks: list[str]) -> str:
    time.sleep(0.6)  # the worker sends within its 0.2 s interval
    calls = [c.args for c in standin.calls if c.method.startswith(("chat.", "views.", "respond"))]
    return json.dumps([*(json.loads(a) if a.strip() else {} for a in acks), calls],
                      ensure_ascii=False)  # fmt: skip


@pytest.mark.parametrize("evil", INJECTIONS)
def test_mentions_and_links_in_echoed_fields_never_ping_or_link(
    bot: SlackAppServer, standin: SlackStandIn, evil: str
) -> None:
    member, secretary = MEMBER[0], SECRETARY[0]
    acks = [
        bot.command(f"emne Forslag {evil}", member).text,
        bot.command(f"{evil} ukendt", member).text,  # unknown verb is echoed
        bot.command(f"afbud {evil}", member).text,
        bot.command(f"søg {evil}", member).text,
        bot.command(f"bruttoliste {evil}", member).text,
        bot.command(f"dagsorden {evil}", member).text,
        bot.command(f"indkald {evil}", secretary).text,
        bot.command(f"referat {evil}", secretary).text,
        bot.command("bruttoliste", secretary).text,
        bot.command("dagsorden", member).text,
    ]
    event = {"type": "message", "channel": f"D{member}", "channel_type": "im", "user": member,
             "text": f"afbud {evil}", "ts": f"{time.time():.6f}"}  # fmt: skip
    bot.event(event)
    said = _everything_said(standin, acks)
    for ping in PINGS:
        if ping.startswith(evil[:4]) or ping in evil:
            at = said.find(ping)
            assert at < 0, f"{ping!r} echoed raw: {said[max(0, at - 400) : at + 100]}"
    assert "fejl-id" not in said
