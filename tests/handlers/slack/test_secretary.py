"""The secretary in Slack over real HTTP: signed commands, the modals Slack would show,
signed view submissions, and what ends up in the database."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.domain import Meeting
from bot.meetings.planning import get_meeting
from bot.people.committees import find_committee
from bot.people.roster import find_person
from handlers.slack.listeners.meetings import views
from tests.slack_http import (  # noqa: F401
    CHANNEL,
    MEMBER,
    SECRETARY,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

CAMILLA, SOFIE = SECRETARY[0], MEMBER[0]


def opened_view(standin: SlackStandIn, callback_id: str) -> dict[str, Any]:
    """The last modal the app opened or updated with this callback id."""
    calls = standin.calls_to("views.open") + standin.calls_to("views.update")
    views_ = [c.args["view"] for c in sorted(calls, key=lambda c: c.at)]
    found = [v for v in views_ if v.get("callback_id") == callback_id]
    assert found, f"no {callback_id} modal among {[v.get('callback_id') for v in views_]}"
    return found[-1]


def prefilled(view: dict[str, Any]) -> dict[str, str]:
    """The text fields as the modal shows them (Slack submits them all, changed or not)."""
    return {
        b["block_id"]: b["element"].get("initial_value", "")
        for b in view["blocks"]
        if b.get("type") == "input" and b["element"]["type"] == "plain_text_input"
    }


def submit(
    server: SlackAppServer,
    user: str,
    view: dict[str, Any],
    texts_: dict[str, str] | None = None,
    selects: dict[str, str] | None = None,
    users: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """Submit a modal with typed texts, chosen options and chosen users; the ack as JSON."""
    state: dict[str, Any] = {}
    for block, value in (texts_ or {}).items():
        state[block] = {"value": {"type": "plain_text_input", "value": value}}
    for block, value in (selects or {}).items():
        option = {"text": {"type": "plain_text", "text": value}, "value": value}
        state[block] = {"value": {"type": "static_select", "selected_option": option}}
    for block, chosen in (users or {}).items():
        state[block] = {"value": {"type": "multi_users_select", "selected_users": chosen}}
    payload = {
        "type": "view_submission",
        "user": {"id": user},
        "view": {**view, "id": "V1", "state": {"values": state}},
    }
    reply = server.interaction(payload)
    assert reply.status == 200, reply.text
    body: dict[str, Any] = reply.json()
    return body


def meeting(server: SlackAppServer, meeting_id: int) -> Meeting:
    with server.container.uow() as uow:
        return get_meeting(uow, meeting_id)


def test_secretary_creates_a_meeting_from_the_modal(bot: SlackAppServer, standin: SlackStandIn):
    reply = bot.command("møde", CAMILLA)
    assert reply.status == 200
    view = opened_view(standin, views.MEETING_VIEW)
    assert [b["block_id"] for b in view["blocks"]] == [
        "when",
        "place",
        "title",
        "case_no",
        "doc_no",
    ]
    answer = submit(
        bot,
        CAMILLA,
        view,
        {"when": "17. september 2026 kl. 15-17", "place": "", "case_no": "2026-009999"},
    )
    assert answer["response_action"] == "update"
    assert "Møde nr. 2 er oprettet" in str(answer["view"]["blocks"])
    created = meeting(bot, 2)
    assert created.starts_at == datetime(2026, 9, 17, 13, 0, tzinfo=UTC)
    assert created.place == "Rådhusgade 4, 2. sal, mødelokale 1"
    assert created.case_no == "2026-009999"


def test_a_bad_date_is_explained_next_to_the_field(bot: SlackAppServer, standin: SlackStandIn):
    bot.command("møde", CAMILLA)
    view = opened_view(standin, views.MEETING_VIEW)
    answer = submit(bot, CAMILLA, view, {"when": "31. februar 2027 kl. 15-17"})
    assert answer["response_action"] == "errors"
    assert "gyldig dato" in answer["errors"]["when"]
    answer = submit(bot, CAMILLA, view, {"when": "1. marts 2026 kl. 15-17"})
    assert "passeret" in answer["errors"]["when"]
    with bot.container.uow() as uow:
        assert len(uow.meetings.for_committee(find_committee(uow, None).id or 0)) == 1


def test_secretary_adds_an_item_with_guests_then_moves_and_removes_it(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    standin.add_user("U_JENS", "jens.ravn@region.dk", "Jens Ravn")
    bot.command("punkt", CAMILLA)
    view = opened_view(standin, views.AGENDA_ITEM_VIEW)
    fields = {
        "title": "Akutteamet & <!channel>",
        "minutes": "abc",
        "presenter": "Jens Ravn",
        "guests_email": "ny.gaest@region.dk",
        "indstilling": "at drøfte",
    }
    answer = submit(
        bot, CAMILLA, view, fields, {"meeting": "1", "section": "3"}, {"guests_slack": ["U_JENS"]}
    )
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"minutes"}
    answer = submit(
        bot,
        CAMILLA,
        view,
        {**fields, "minutes": "10"},
        {"meeting": "1", "section": "3"},
        {"guests_slack": ["U_JENS"]},
    )
    assert answer["response_action"] == "update", answer
    shown = str(answer["view"]["blocks"])
    assert "Punkt 3.c" in shown and "&lt;!channel&gt;" in shown and "<!channel>" not in shown
    item = next(i for i in meeting(bot, 1).items if i.title.startswith("Akutteamet"))
    with bot.container.uow() as uow:
        guests = {uow.people.get(g.person_id).email for g in item.guests}  # type: ignore[union-attr]
        assert find_person(uow, "jens.ravn@region.dk").slack_user_id == "U_JENS"
    assert guests == {"jens.ravn@region.dk", "ny.gaest@region.dk"}
    assert (item.planned_minutes, item.presenter) == (10, "Jens Ravn")

    agenda = bot.command("dagsorden 1", CAMILLA).json()
    menus = [b["accessory"] for b in agenda["blocks"] if b.get("accessory")]
    values = [o["value"] for m in menus for o in m["options"]]
    assert f"move:1:{item.id}" in values and f"remove:1:{item.id}" in values

    # Flyt from the menu inside the modal that shows the agenda: the modal itself changes.
    menu_click = {
        "type": "block_actions",
        "user": {"id": CAMILLA},
        "container": {"type": "view", "view_id": "V1"},
        "view": {**answer["view"], "id": "V1"},
        "actions": [
            {
                "action_id": views.ITEM_MENU,
                "type": "overflow",
                "selected_option": {"value": f"move:1:{item.id}"},
            }
        ],
    }
    assert bot.interaction(menu_click).status == 200
    update = standin.calls_to("views.update")[-1].args
    assert update["view_id"] == "V1"
    move = opened_view(standin, views.MOVE_VIEW)
    answer = submit(bot, CAMILLA, move, {"position": "1"}, {"section": "2"})
    assert "er nu punkt 2.a" in str(answer["view"]["blocks"])
    moved = next(i for i in meeting(bot, 1).items if i.id == item.id)
    assert (moved.section, moved.position) == (2, 1)

    bot.block_action(CAMILLA, views.ITEM_MENU, selected=f"remove:1:{item.id}")
    remove = opened_view(standin, views.REMOVE_VIEW)
    answer = submit(bot, CAMILLA, remove)
    assert "er fjernet" in str(answer["view"]["blocks"])
    assert item.id not in {i.id for i in meeting(bot, 1).items}


def test_a_member_is_refused_politely(bot: SlackAppServer, standin: SlackStandIn) -> None:
    before = [i.id for i in meeting(bot, 1).items]
    for verb in ("møde", "punkt", "opsæt KLU"):
        text = bot.command(verb, SOFIE).json()["text"]
        assert "Det er kun sekretariatet" in text, verb
    assert standin.calls_to("views.open") == []
    bot.command("møde", CAMILLA)
    view = opened_view(standin, views.MEETING_VIEW)
    answer = submit(bot, SOFIE, view, {"when": "17. september 2026 kl. 15-17"})
    assert "Det er kun sekretariatet" in answer["errors"]["when"]
    agenda = bot.command("dagsorden", SOFIE).json()
    assert "Godkendelse af dagsorden" in str(agenda["blocks"])
    assert not [b for b in agenda["blocks"] if b.get("accessory")]
    bot.block_action(SOFIE, views.ITEM_MENU, selected="remove:1:1")
    refusal = opened_view(standin, views.DONE_VIEW)
    assert "Det er kun sekretariatet" in str(refusal["blocks"])
    assert [i.id for i in meeting(bot, 1).items] == before


def test_setup_binds_a_new_channel_and_keeps_the_secretariat(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    bot.command("opsæt", CAMILLA, channel="C_NEW")
    view = opened_view(standin, views.SETUP_VIEW)
    answer = submit(
        bot,
        CAMILLA,
        view,
        {
            **prefilled(view),
            "name": "Kommunalt Lægeligt Udvalg",
            "short_name": "KLU",
            "place": "Byrådssalen",
            "start": "14",
            "end": "13:30",
        },
    )
    assert "13:30" in answer["errors"]["end"]
    answer = submit(
        bot,
        CAMILLA,
        view,
        {
            **prefilled(view),
            "name": "Kommunalt Lægeligt Udvalg",
            "short_name": "KLU",
            "place": "Byrådssalen",
            "start": "14",
            "end": "16",
        },
    )
    assert answer["response_action"] == "update"
    with bot.container.uow() as uow:
        committee = find_committee(uow, "KLU")
    assert committee.slack_channel_id == "C_NEW"
    assert (committee.default_place, committee.default_start) == ("Byrådssalen", "14:00")
    assert committee.secretariat_email == "camilla.juul@fjordby.dk"
    reply = bot.command("opsæt KLU", CAMILLA, channel=CHANNEL).json()
    assert "Denne kanal er nu kanal for" in reply["text"]


def test_an_unlinked_user_is_linked_by_email_and_still_refused_unless_secretary(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    standin.add_user("U_KAREN", "karen.ostergaard@fjordby.dk", "Karen Munk Østergaard")
    first = bot.command("opsæt KLU", "U_KAREN").json()["text"]
    assert "Det er kun sekretariatet, der kan opsætte udvalget." in first  # linked at once
    with bot.container.uow() as uow:
        assert uow.people.by_slack_id("U_KAREN") is not None
    with bot.container.uow() as uow:
        assert find_committee(uow, "KLU").slack_channel_id == CHANNEL
