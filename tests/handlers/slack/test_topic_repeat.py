"""A topic typed again because its answer never arrived is not added twice (signed HTTP).

When a web worker is killed between storing a topic and answering, the member sees an error
and types `/klu emne` again. The same text from the same proposer in the same committee
within ten minutes is that same proposal: the bot answers that it is on the bruttoliste
already, and the list holds it once.
"""

from __future__ import annotations

import threading

from bot import texts
from bot.people.committees import find_committee
from bot.topics import proposals as topics
from handlers.slack.listeners.topics.views import TOPIC_FIELDS
from tests.conftest import FakeClock
from tests.handlers.slack.test_topics import topic_rows
from tests.slack_http import (  # noqa: F401 (fixtures)
    MEMBER,
    SECRETARY,
    Response,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

SOFIE, CAMILLA = MEMBER[0], SECRETARY[0]
ALREADY = texts.TOPIC_ALREADY_PROPOSED.split("{", 1)[0]


def said(answer: Response) -> str:
    """The text of a command's answer."""
    assert answer.status == 200, answer
    return str(answer.json().get("text") or "")


def emne(bot: SlackAppServer, text: str, user: str = SOFIE) -> str:
    """`/klu emne <text>` from a user; what the bot answered."""
    return said(bot.command(f"emne {text}", user))


def test_the_same_topic_typed_again_is_answered_and_not_added_twice(
    bot: SlackAppServer, clock: FakeClock
) -> None:
    assert "Tak!" in emne(bot, "Samarbejde om hjemmebesøg")
    [(topic_id, _text, _status)] = topic_rows(bot)
    clock.advance(minutes=3)
    again = emne(bot, " samarbejde om   Hjemmebesøg.")
    assert ALREADY in again and f"#{topic_id}" in again, again
    assert len(topic_rows(bot)) == 1


def test_a_new_proposal_of_the_same_text_counts_after_the_window_or_from_someone_else(
    bot: SlackAppServer, clock: FakeClock
) -> None:
    assert "Tak!" in emne(bot, "Ventetider i akutmodtagelsen")
    assert "Tak!" in emne(bot, "Ventetider i akutmodtagelsen", CAMILLA)
    assert "Tak!" in emne(bot, "Ventetider i akutmodtagelsen og vagtlæger")
    clock.advance(minutes=11)
    assert "Tak!" in emne(bot, "Ventetider i akutmodtagelsen")
    assert len(topic_rows(bot)) == 4


def test_a_withdrawn_topic_may_be_proposed_again_at_once(bot: SlackAppServer) -> None:
    assert "Tak!" in emne(bot, "Rusmidler blandt unge")
    [(topic_id, _text, _status)] = topic_rows(bot)
    c = bot.container
    with c.uow() as uow:
        committee = find_committee(uow, None)
    topics.withdraw_topic(c.uow(), committee, topic_id, actor=None, now=c.clock())
    assert "Tak!" in emne(bot, "Rusmidler blandt unge")
    assert len(topic_rows(bot)) == 2


def test_the_same_topic_sent_twice_at_once_is_stored_once(bot: SlackAppServer) -> None:
    answers: list[str] = []
    senders = [
        threading.Thread(target=lambda: answers.append(emne(bot, "Demensvenlig kommune")))
        for _ in range(4)
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(15)
    assert sorted("Tak!" in a for a in answers) == [False, False, False, True], answers
    assert sum(ALREADY in a for a in answers) == 3
    assert len(topic_rows(bot)) == 1


def test_the_form_sent_again_says_so_at_its_text_field(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    assert bot.command("emne", SOFIE).text == ""
    view = standin.calls_to("views.open")[0].args["view"]
    values = {TOPIC_FIELDS["text"]: "Opfølgning på akutpladser"}
    assert bot.view_submission(SOFIE, view, values).json() == {}
    again = bot.view_submission(SOFIE, view, values).json()
    assert again["response_action"] == "errors"
    assert ALREADY in again["errors"][TOPIC_FIELDS["text"]]
    assert len(topic_rows(bot)) == 1
