"""`/klu` over real HTTP: signed slash commands, answers in the ack, state in the database."""

from __future__ import annotations

import logging
import time

import pytest
from sqlalchemy import text as sql

from bot import texts
from bot.people.committees import find_committee
from tests.slack_http import MEMBER, SlackAppServer, bot_fixture, standin_fixture  # noqa: F401
from tests.slack_standin import SlackStandIn

SOFIE = MEMBER[0]


def topics_in_db(server: SlackAppServer) -> list[tuple[str, str]]:
    with server.container.uow() as uow:
        committee = find_committee(uow, None)
        assert committee.id is not None
        found = uow.topics.for_committee(committee.id)
        people = {p.id: p.name for p in uow.people.list()}
        return [(t.text, people[t.proposer_id]) for t in found]


def all_text(body: dict) -> str:
    parts = [body.get("text", "")]
    for block in body.get("blocks", []):
        parts.append(str(block))
    return "\n".join(parts)


def test_emne_adds_a_topic_for_the_channels_committee_and_confirms(bot: SlackAppServer) -> None:
    reply = bot.command("emne Samarbejde om hjemmebesøg", SOFIE)
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert "Samarbejde om hjemmebesøg" in body["text"]
    assert "#1" in body["text"]
    assert topics_in_db(bot) == [("Samarbejde om hjemmebesøg", "Sofie Brandt")]


def test_emne_in_a_dm_uses_the_callers_committee(bot: SlackAppServer) -> None:
    reply = bot.command("emne Fælles sprog om henvisninger", SOFIE, channel="D_SOFIE")
    assert reply.status == 200
    assert topics_in_db(bot) == [("Fælles sprog om henvisninger", "Sofie Brandt")]


def test_user_text_is_escaped_so_it_never_pings(bot: SlackAppServer) -> None:
    reply = bot.command("emne <!channel> & <@U_CAMILLA> se her", SOFIE)
    text = reply.json()["text"]
    assert "<!channel>" not in text
    assert "&lt;!channel&gt; &amp; &lt;@U_CAMILLA&gt;" in text
    assert topics_in_db(bot) == [("<!channel> & <@U_CAMILLA> se her", "Sofie Brandt")]


def test_emne_with_too_long_text_is_refused_in_danish(bot: SlackAppServer) -> None:
    reply = bot.command("emne " + "x" * 2001, SOFIE)
    assert reply.status == 200
    assert "2001 tegn" in reply.json()["text"]
    assert topics_in_db(bot) == []


def test_emne_of_exactly_2000_characters_is_accepted_and_the_answer_fits(
    bot: SlackAppServer,
) -> None:
    reply = bot.command("emne " + "<" * 2000, SOFIE)
    body = reply.json()
    assert len(body["text"]) <= 3000
    assert len(topics_in_db(bot)) == 1


def test_hjaelp_lists_the_commands_and_unknown_verbs_get_the_help(bot: SlackAppServer) -> None:
    for text in ("hjælp", "hjaelp", "help", ""):
        body = bot.command(text, SOFIE).json()
        assert "/klu emne" in all_text(body), text
        assert "bruttoliste" in all_text(body)
        assert "næste" in all_text(body)
    body = bot.command("kaffe nu", SOFIE).json()
    assert texts.SLACK_UNKNOWN_COMMAND.format(verb="kaffe") in all_text(body)
    assert "/klu emne" in all_text(body)


def test_naeste_shows_place_agenda_and_time_plan(bot: SlackAppServer) -> None:
    for verb in ("næste", "naeste"):
        body = bot.command(verb, SOFIE).json()
        shown = all_text(body)
        assert "18. juni 2026" in shown
        assert "Rådhusgade 4" in shown or "mødelokale" in shown
        assert "15:00–" in shown
        assert "2.a" in shown
        assert len(body["blocks"]) <= 50


def test_naeste_without_meetings_says_so(bot: SlackAppServer) -> None:
    bot.container.clock.set_local("2026-07-01T10:00")  # type: ignore[attr-defined]
    body = bot.command("næste", SOFIE).json()
    assert body["text"] == texts.NO_NEXT_MEETING


def test_a_user_on_the_roster_is_linked_by_email_and_answered_on_the_first_command(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    standin.add_user("U_MADS", "mads.kjaer@plo-fjordby.dk", "Mads Kjær")
    reply = bot.command("emne Noget nyt", "U_MADS")
    assert "#1" in reply.json()["text"]
    assert topics_in_db(bot) == [("Noget nyt", "Mads Kjær")]
    with bot.container.uow() as uow:
        assert uow.people.by_slack_id("U_MADS") is not None


def test_when_slack_fails_to_say_who_it_is_the_user_is_linked_in_the_background(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    standin.add_user("U_MADS", "mads.kjaer@plo-fjordby.dk", "Mads Kjær")
    standin.fail_next("users.info")  # the lookup inside the request fails
    reply = bot.command("emne Noget nyt", "U_MADS")
    assert "medlemslisten" in reply.json()["text"]
    assert topics_in_db(bot) == []
    standin.wait_for("users.info")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        with bot.container.uow() as uow:
            mads = uow.people.by_email("mads.kjaer@plo-fjordby.dk")
        if mads is not None and mads.slack_user_id == "U_MADS":
            break
        time.sleep(0.05)
    else:
        raise AssertionError("U_MADS was not linked")
    reply = bot.command("emne Noget nyt", "U_MADS")
    assert "#1" in reply.json()["text"]
    assert topics_in_db(bot) == [("Noget nyt", "Mads Kjær")]


def test_a_stranger_not_on_the_roster_stays_unlinked(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    standin.add_user("U_X", "someone@else.dk", "Someone")
    reply = bot.command("bruttoliste", "U_X")
    assert "sekretariatet (Camilla Juul, camilla.juul@fjordby.dk)" in reply.json()["text"]
    standin.wait_for("users.info")
    time.sleep(0.2)
    with bot.container.uow() as uow:
        assert uow.people.by_slack_id("U_X") is None


def test_unsigned_wrongly_signed_and_stale_requests_get_401_and_change_nothing(
    bot: SlackAppServer,
) -> None:
    assert bot.command("emne A", SOFIE, sign_it=False).status == 401
    assert bot.command("emne B", SOFIE, secret="wrong").status == 401
    stale = int(time.time()) - 6 * 60
    assert bot.command("emne C", SOFIE, timestamp=stale).status == 401
    assert topics_in_db(bot) == []


def test_healthz(bot: SlackAppServer) -> None:
    reply = bot.get("/healthz")
    assert (reply.status, reply.text) == (200, "ok\n")


def test_an_unexpected_failure_is_logged_with_the_request_id_and_answered_once(
    bot: SlackAppServer, caplog: pytest.LogCaptureFixture
) -> None:
    with bot.container._engine.begin() as conn:
        conn.execute(sql("DROP TABLE topic_events"))
    with caplog.at_level(logging.ERROR, logger="handlers.slack.app"):
        reply = bot.command("emne Noget", SOFIE)
    assert reply.status == 200
    answer = reply.json()["text"]
    # a missing table is a database error: the user hears that nothing was saved
    assert answer.startswith(texts.STORAGE_UNAVAILABLE.split("{")[0][:30])
    request_id = answer.rsplit("fejl-id ", 1)[1].rstrip(")")
    failures = [r for r in caplog.records if request_id in r.getMessage()]
    assert len(failures) == 1 and failures[0].exc_info is not None
