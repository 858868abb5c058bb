"""Text from Slack is stored as typed and escaped exactly once on the way out (issue 13.4);
control characters never reach the database (issue 13.6). Over signed HTTP."""

from __future__ import annotations

import json
import time

from sqlalchemy import update

from bot.validation import without_control
from handlers.slack.inbound import typed
from handlers.slack.listeners.topics.views import TOPIC_FIELDS
from handlers.slack.render import REGRETS_ACTION
from storage.tables import meetings
from tests.slack_http import MEMBER, SECRETARY, SlackAppServer
from tests.slack_http import bot_fixture as bot_fixture
from tests.slack_http import standin_fixture as standin_fixture
from tests.slack_standin import SlackStandIn

SOFIE, CAMILLA = MEMBER[0], SECRETARY[0]
HOSTILE_TITLE = "<!channel> <http://evil|klik her>"
HOSTILE_PLACE = "<http://evil|klik her> & <@U_SOFIE>"


def _slack_escaped(text: str) -> str:
    """What Slack itself sends for typed text (command and message text)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _mrkdwn(node: object, plain: bool = False) -> list[str]:
    """Every text Slack reads as mrkdwn: the fallback text and all but plain_text objects
    (which Slack shows verbatim, so they carry the title as typed)."""
    found: list[str] = []
    if isinstance(node, dict):
        plain = node.get("type") == "plain_text"
        for key, value in node.items():
            if key == "text" and isinstance(value, str) and not plain:
                found.append(value)
            else:
                found += _mrkdwn(value, plain)
    elif isinstance(node, list):
        for item in node:
            found += _mrkdwn(item, plain)
    return found


def _topics(bot: SlackAppServer) -> list[str]:
    with bot.container.uow() as uow:
        return [t.text for t in uow.topics.for_committee(1)]


def test_a_command_is_stored_as_typed_and_shown_escaped_once(bot: SlackAppServer) -> None:
    reply = bot.command(_slack_escaped("emne Kaffe & kage <b>"), SOFIE).json()
    assert _topics(bot) == ["Kaffe & kage <b>"]
    assert ">Kaffe &amp; kage &lt;b&gt;" in reply["text"]
    assert "&amp;amp;" not in json.dumps(reply)


def test_a_typed_entity_survives_the_round_trip(bot: SlackAppServer) -> None:
    bot.command(_slack_escaped("emne Skriv &lt; i stedet for <"), SOFIE)
    assert _topics(bot) == ["Skriv &lt; i stedet for <"]


def test_a_hostile_meeting_title_and_place_never_reach_slack_raw(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    with bot.container._engine.begin() as conn:
        conn.execute(update(meetings).values(title=HOSTILE_TITLE, place=HOSTILE_PLACE))
    bot.command("indkald 1", CAMILLA)
    standin.wait_for("files.completeUploadExternal", 2, timeout=10)
    time.sleep(0.3)
    sent = [
        c
        for c in standin.calls
        if c.method.startswith(("chat.", "views.")) or c.method.startswith("respond")
    ]
    dms = [c for c in sent if REGRETS_ACTION in json.dumps(c.args)]
    assert len(dms) == 2
    for call in sent:
        for shown in _mrkdwn(call.args):
            assert "<!channel>" not in shown and "<http://evil" not in shown, shown
            assert "<@U_SOFIE>" not in shown, shown
            assert "&amp;lt;" not in shown and "&amp;amp;" not in shown, shown  # once, not twice
    text = dms[0].args["text"]
    assert "&lt;!channel&gt; &lt;http://evil|klik her&gt;" in text
    assert "&lt;http://evil|klik her&gt; &amp; &lt;@U_SOFIE&gt;" in text


def test_nul_and_control_characters_in_a_command_are_not_stored(bot: SlackAppServer) -> None:
    assert bot.command("emne Kaffe\x00 og\x1b[31m kage\x07", SOFIE).status == 200
    assert _topics(bot) == ["Kaffe og[31m kage"]
    reply = bot.command("afbud syg\x00 i dag", SOFIE).json()
    assert "fejl-id" not in reply["text"]
    with bot.container.uow() as uow:
        person = uow.people.by_slack_id(SOFIE)
        assert person is not None and person.id is not None
        row = uow.attendance.get(1, person.id)
    assert row is not None and row.reason == "syg i dag"


def test_nul_in_a_dm_reply_is_answered_and_not_stored(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    event = {
        "type": "message",
        "channel_type": "im",
        "channel": "DU_SOFIE",
        "user": SOFIE,
        "text": "afbud \x00 &amp; influenza\x00",
        "ts": f"{time.time():.6f}",
    }
    assert bot.event(event).status == 200
    standin.wait_for("chat.postMessage", 1, timeout=10)
    with bot.container.uow() as uow:
        person = uow.people.by_slack_id(SOFIE)
        assert person is not None and person.id is not None
        row = uow.attendance.get(1, person.id)
    assert row is not None and row.reason == "& influenza"


def test_the_pure_rules() -> None:
    assert typed("a &amp;lt; b &lt;&gt; &amp;") == "a &lt; b <> &"
    assert without_control("a\x00b\r\nc\x7f\x85\td") == "ab\r\nc\td"


def test_a_view_submission_is_stored_as_sent_not_decoded(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    """Slack does not entity-encode modal input: "&amp;" typed there is stored as typed."""
    bot.command("emne", SOFIE)
    view = standin.calls_to("views.open")[0].args["view"]
    values = {TOPIC_FIELDS["text"]: "Skriv &amp; og <b>\x00 i feltet"}
    assert bot.view_submission(SOFIE, view, values).status == 200
    assert _topics(bot) == ["Skriv &amp; og <b> i feltet"]
    dm = standin.wait_for("chat.postMessage")[0]
    assert "Skriv &amp;amp; og &lt;b&gt; i feltet" in dm.args["text"]
