"""Permissions matrix over signed HTTP: member, secretary, guest (on the roster only as a guest
on an agenda item) and stranger (not on the roster) x every `/klu` verb and every button.

Allowed actions are answered without a refusal; the others get the polite Danish refusal
("Det er kun sekretariatet …", or for a stranger how to get on the roster) and change nothing
in the committee's data.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from sqlalchemy import select

from bot.people.committees import find_committee
from bot.topics import proposals as topics
from handlers.slack.listeners.meetings import views as secretary_views
from handlers.slack.listeners.minutes import views as minutes_views
from handlers.slack.listeners.topics import views
from handlers.slack.render import ATTEND_ACTION, REGRETS_ACTION, SEND_ACTION
from storage.tables import metadata
from tests.slack_http import MEMBER, SECRETARY, SlackAppServer, link
from tests.slack_http import bot_fixture as bot_fixture
from tests.slack_http import standin_fixture as standin_fixture
from tests.slack_standin import SlackStandIn

GUEST = ("U_IDA", "ida.norgaard@fjordby.dk", "Ida Nørgaard")
STRANGER = ("U_STRANGER", "someone@example.org", "Ukendt Person")
ROLES = {"member": MEMBER, "secretary": SECRETARY, "guest": GUEST, "stranger": STRANGER}
REFUSALS = ("Det er kun sekretariatet", "står ikke på medlemslisten", "kender dig ikke endnu")
BOOKKEEPING = {"deliveries", "processed_events", "alembic_version"}

EVERYONE = {"member", "secretary", "guest", "stranger"}
ROSTER = {"member", "secretary"}
SECRETARY_ONLY = {"secretary"}
# action name -> who may do it
POLICY: dict[str, set[str]] = {
    "hjælp": EVERYONE,
    "emne": ROSTER,
    "bruttoliste": ROSTER,
    "næste": ROSTER,
    "dagsorden": ROSTER,
    "søg": ROSTER,
    "afbud": ROSTER | {"guest"},
    "kommer": ROSTER | {"guest"},
    "opsæt": SECRETARY_ONLY,
    "møde": SECRETARY_ONLY,
    "punkt": SECRETARY_ONLY,
    "indkald": SECRETARY_ONLY,
    "referat": SECRETARY_ONLY,
    "referat send": SECRETARY_ONLY,
    "button withdraw": SECRETARY_ONLY,
    "button schedule": SECRETARY_ONLY,
    "button item menu": SECRETARY_ONLY,
    "button add item": SECRETARY_ONLY,
    "button send invitations": SECRETARY_ONLY,
    "button minutes open": SECRETARY_ONLY,
    "button minutes item": SECRETARY_ONLY,
    "button minutes approve": SECRETARY_ONLY,
    "button regrets": ROSTER | {"guest"},
    "button attend": ROSTER | {"guest"},
}
COMMANDS = {
    "hjælp": "hjælp",
    "emne": "emne Et forslag",
    "bruttoliste": "bruttoliste",
    "næste": "næste",
    "dagsorden": "dagsorden",
    "søg": "søg budget",
    "afbud": "afbud ferie",
    "kommer": "kommer",
    "opsæt": "opsæt KLU",
    "møde": "møde",
    "punkt": "punkt",
    "indkald": "indkald",
    "referat": "referat",
    "referat send": "referat send",
}


def _buttons(topic_id: int) -> dict[str, tuple[str, str, str]]:
    """action name -> (action_id, value, selected option)."""
    return {
        "button withdraw": (views.BOARD_TOPIC_ACTION, "", f"withdraw:{topic_id}"),
        "button schedule": (views.BOARD_TOPIC_ACTION, "", f"schedule:{topic_id}:1"),
        "button item menu": (secretary_views.ITEM_MENU, "", "remove:1:1"),
        "button add item": (secretary_views.ADD_ITEM_BUTTON, "1", ""),
        "button send invitations": (SEND_ACTION, "1", ""),
        "button minutes open": (minutes_views.OPEN_ACTION, "1", ""),
        "button minutes item": (minutes_views.ITEM_ACTION, "1:1", ""),
        "button minutes approve": (minutes_views.APPROVE_ACTION, "1", ""),
        "button regrets": (REGRETS_ACTION, "1", ""),
        "button attend": (ATTEND_ACTION, "1", ""),
    }


def _domain(bot: SlackAppServer) -> dict[str, Any]:
    """Every row of every table but the bookkeeping ones, through the app's own engine."""
    with bot.container._engine.connect() as conn:
        return {
            table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for table in metadata.sorted_tables
            if table.name not in BOOKKEEPING
        }


def _answers_after(standin: SlackStandIn, before: int, url: str | None) -> str:
    """Everything the app said for one click: the response_url message and any view."""
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        calls = standin.calls[before:]
        if any(c.method == url or c.method.startswith(("views.", "chat.")) for c in calls):
            break
        time.sleep(0.05)
    time.sleep(0.3)
    return json.dumps([c.args for c in standin.calls[before:]], ensure_ascii=False)


def _run(bot: SlackAppServer, standin: SlackStandIn, user: str, action: str, topic: int) -> str:
    if action in COMMANDS:
        reply = bot.command(COMMANDS[action], user)
        assert reply.status == 200, reply.text
        before = len(standin.calls)
        time.sleep(0.05)
        said = [reply.json(), *(c.args for c in standin.calls[before:])]
        return json.dumps(said, ensure_ascii=False)
    action_id, value, selected = _buttons(topic)[action]
    before = len(standin.calls)
    reply, url = bot.block_action(user, action_id, value=value, selected=selected)
    assert reply.status == 200, reply.text
    return _answers_after(standin, before, url)


def _topic(bot: SlackAppServer) -> int:
    c = bot.container
    with c.uow() as uow:
        committee = find_committee(uow, None)
        sofie = uow.people.by_email(MEMBER[1])
    assert sofie is not None
    topic = topics.propose_topic(
        c.uow(), committee, sofie, topics.NewTopic(text="T"), now=c.clock()
    )
    assert topic.id is not None
    return topic.id


@pytest.mark.parametrize("role", list(ROLES))
def test_permissions_matrix(
    role: str, bot: SlackAppServer, standin: SlackStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    who = ROLES[role]
    if role in ("guest", "stranger"):
        if role == "guest":
            link(bot.container, standin, who)
        else:
            standin.add_user(*who)
    topic = _topic(bot)
    outcomes: dict[str, str] = {}
    for action in POLICY:
        before = _domain(bot)
        said = _run(bot, standin, who[0], action, topic)
        refused = any(r in said for r in REFUSALS)
        outcomes[action] = "refused" if refused else "ok"
        assert "fejl-id" not in said, (action, said)
        if refused:
            assert _domain(bot) == before, f"{role} {action}: refused but changed data"
    with capsys.disabled():
        print(f"\n{role}: " + ", ".join(f"{a}={o}" for a, o in outcomes.items()))
    expected = {a: ("ok" if role in allowed else "refused") for a, allowed in POLICY.items()}
    assert outcomes == expected
