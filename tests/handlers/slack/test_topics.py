"""The topic form and the bruttoliste with its buttons, over signed HTTP."""

from __future__ import annotations

import json
from typing import Any

from bot import texts
from bot.domain import TopicStatus
from bot.people.committees import find_committee
from bot.topics import proposals as topics
from handlers.slack import blocks as b
from handlers.slack.listeners.topics.views import (
    BOARD_PAGE_ACTION,
    BOARD_TOPIC_ACTION,
    TOPIC_FIELDS,
)
from tests.slack_http import (  # noqa: F401
    MEMBER,
    SECRETARY,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

SOFIE, CAMILLA = MEMBER[0], SECRETARY[0]


def add_topics(server: SlackAppServer, count: int, text: str = "Emne nr. {n}") -> list[int]:
    c = server.container
    with c.uow() as uow:
        committee = find_committee(uow, None)
        sofie = uow.people.by_email(MEMBER[1])
    assert sofie is not None
    ids = []
    for n in range(1, count + 1):
        spec = topics.NewTopic(text=text.format(n=n), note="afstemmes med <Tina> & co")
        topic = topics.propose_topic(c.uow(), committee, sofie, spec, now=c.clock())
        assert topic.id is not None
        ids.append(topic.id)
    return ids


def topic_rows(server: SlackAppServer) -> list[tuple[int, str, TopicStatus]]:
    with server.container.uow() as uow:
        committee = find_committee(uow, None)
        assert committee.id is not None
        return [(t.id or 0, t.text, t.status) for t in uow.topics.for_committee(committee.id)]


def check_limits(message: dict[str, Any]) -> None:
    blocks = message.get("blocks", [])
    assert len(blocks) <= b.MESSAGE_BLOCKS
    assert len(message["text"]) <= 3000
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= b.SECTION_TEXT
            for option in block.get("accessory", {}).get("options", []):
                assert len(option["text"]["text"]) <= b.OPTION_TEXT
                assert len(option["value"]) <= b.OPTION_VALUE
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= b.HEADER_TEXT
        for element in block.get("elements", []):
            if element.get("type") == "button":
                assert len(element["text"]["text"]) <= b.BUTTON_TEXT


def test_emne_without_text_opens_the_form_and_a_valid_submission_adds_the_topic(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    reply = bot.command("emne", SOFIE)
    assert reply.status == 200
    assert reply.text == ""
    call = standin.calls_to("views.open")[0]
    assert call.args["trigger_id"].startswith("trigger.")
    view = call.args["view"]
    assert len(view["title"]["text"]) <= b.MODAL_TITLE
    values = {
        TOPIC_FIELDS["text"]: "Opfølgning på <!here> akutpladser",
        TOPIC_FIELDS["description"]: "Status fra kommunen.",
        TOPIC_FIELDS["note"]: "afstemmes med Tina Marie",
    }
    done = bot.view_submission(SOFIE, view, values)
    assert done.status == 200
    assert done.text == ""
    rows = topic_rows(bot)
    assert [(text, status) for _, text, status in rows] == [
        ("Opfølgning på <!here> akutpladser", TopicStatus.OPEN)
    ]
    dm = standin.wait_for("chat.postMessage")[0]
    assert "&lt;!here&gt;" in dm.args["text"]
    assert "<!here>" not in dm.args["text"]


def test_form_errors_are_returned_at_their_fields_and_nothing_is_saved(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    bot.command("emne", SOFIE)
    view = standin.calls_to("views.open")[0].args["view"]
    values = {TOPIC_FIELDS["text"]: "   ", TOPIC_FIELDS["note"]: "n" * 2001}
    reply = bot.view_submission(SOFIE, view, values).json()
    assert reply["response_action"] == "errors"
    assert set(reply["errors"]) == {TOPIC_FIELDS["text"], TOPIC_FIELDS["note"]}
    assert "mangler" in reply["errors"][TOPIC_FIELDS["text"]]
    assert "2001" in reply["errors"][TOPIC_FIELDS["note"]]
    assert topic_rows(bot) == []


def test_bruttoliste_with_120_topics_is_paged_within_slacks_limits(bot: SlackAppServer) -> None:
    add_topics(bot, 120, text="Emne nr. {n} " + "lang tekst " * 180)
    first = bot.command("bruttoliste", CAMILLA).json()
    check_limits(first)
    shown = json.dumps(first, ensure_ascii=False)
    assert "Side 1 af 6" in shown
    assert "Emne nr. 1 " in shown and "Emne nr. 20 " in shown and "Emne nr. 21 " not in shown
    assert "&lt;Tina&gt; &amp; co" in shown
    last = bot.command("bruttoliste 6", CAMILLA).json()
    check_limits(last)
    assert "Emne nr. 120 " in json.dumps(last, ensure_ascii=False)
    assert "Side 6 af 6" in json.dumps(last, ensure_ascii=False)


def test_page_button_replaces_the_message_through_the_response_url(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    add_topics(bot, 45)
    reply, url = bot.block_action(SOFIE, f"{BOARD_PAGE_ACTION}_next", value="2")
    assert reply.status == 200
    answer = standin.wait_for(url)[0].args
    assert answer["replace_original"] is True
    check_limits(answer)
    shown = json.dumps(answer, ensure_ascii=False)
    assert "Side 2 af 3" in shown and "Emne nr. 21" in shown


def test_members_see_no_menu_and_the_secretary_does(bot: SlackAppServer) -> None:
    add_topics(bot, 2)
    member = bot.command("bruttoliste", SOFIE).json()
    assert all("accessory" not in blk for blk in member["blocks"])
    secretary = bot.command("bruttoliste", CAMILLA).json()
    menus = [blk["accessory"] for blk in secretary["blocks"] if "accessory" in blk]
    assert len(menus) == 2
    values = [o["value"] for o in menus[0]["options"]]
    assert values[-1].startswith("withdraw:")
    assert values[0].startswith("schedule:")


def test_secretary_schedules_a_topic_onto_the_coming_meeting(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    (topic_id,) = add_topics(bot, 1)
    secretary = bot.command("bruttoliste", CAMILLA).json()
    menu = next(blk["accessory"] for blk in secretary["blocks"] if "accessory" in blk)
    schedule = menu["options"][0]["value"]
    reply, url = bot.block_action(CAMILLA, BOARD_TOPIC_ACTION, selected=schedule)
    assert reply.status == 200
    assert topic_rows(bot)[0][2] == TopicStatus.SCHEDULED
    meeting_id = int(schedule.rsplit(":", 1)[1])
    with bot.container.uow() as uow:
        meeting = uow.meetings.get(meeting_id)
        assert meeting is not None
        assert [i.topic_id for i in meeting.items if i.topic_id] == [topic_id]
    answer = standin.wait_for(url)[0].args
    expected = texts.SLACK_TOPIC_SCHEDULED.format(id=topic_id, date="18. juni 2026")
    assert expected in json.dumps(answer, ensure_ascii=False)


def test_secretary_withdraws_and_a_second_click_is_answered_in_danish(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    (topic_id,) = add_topics(bot, 1)
    _, url = bot.block_action(CAMILLA, BOARD_TOPIC_ACTION, selected=f"withdraw:{topic_id}")
    assert topic_rows(bot)[0][2] == TopicStatus.WITHDRAWN
    assert texts.SLACK_TOPIC_WITHDRAWN.format(id=topic_id) in json.dumps(
        standin.wait_for(url)[0].args, ensure_ascii=False
    )
    _, again = bot.block_action(CAMILLA, BOARD_TOPIC_ACTION, selected=f"withdraw:{topic_id}")
    answer = standin.wait_for(again)[0].args
    assert answer["text"] == texts.TOPIC_ALREADY_WITHDRAWN
    assert answer["replace_original"] is False


def test_a_member_cannot_schedule_or_withdraw(bot: SlackAppServer, standin: SlackStandIn) -> None:
    (topic_id,) = add_topics(bot, 1)
    _, url = bot.block_action(SOFIE, BOARD_TOPIC_ACTION, selected=f"withdraw:{topic_id}")
    answer = standin.wait_for(url)[0].args
    assert answer["text"] == texts.ONLY_SECRETARY.format(action=texts.SLACK_ACTION_WITHDRAW)
    _, url = bot.block_action(SOFIE, BOARD_TOPIC_ACTION, selected=f"schedule:{topic_id}:1")
    assert "sekretariatet" in standin.wait_for(url)[0].args["text"]
    assert topic_rows(bot)[0][2] == TopicStatus.OPEN


def test_bad_page_numbers_are_explained(bot: SlackAppServer) -> None:
    reply = bot.command("bruttoliste to", SOFIE).json()
    assert reply["text"] == texts.SLACK_BAD_PAGE.format(value="to")
    assert bot.command("bruttoliste", SOFIE).json()["text"] == texts.SLACK_BOARD_EMPTY
