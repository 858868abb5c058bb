"""`/klu indkald` over signed HTTP: the secretary calls the meeting, Slack users get a DM and
the .ics file; without SMTP the answer says e-mail was skipped; members may not call."""

from __future__ import annotations

from bot.domain import MeetingStatus
from handlers.slack.render import REGRETS_ACTION, SEND_ACTION
from tests.invitation_helpers import libical, props
from tests.slack_http import (  # noqa: F401
    MEMBER,
    SECRETARY,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

CAMILLA, SOFIE = SECRETARY[0], MEMBER[0]


def test_indkald_sends_dms_and_files_and_says_email_is_not_set_up(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    refused = bot.command("indkald 1", SOFIE).json()
    assert "sekretariatet" in refused["text"]
    reply = bot.command("indkald 1", CAMILLA).json()
    assert "Møde 1: 2 invitationer" in reply["text"]  # what was queued: the two Slack users
    assert "E-mail er ikke sat op" in reply["text"]
    assert "Disse har ikke Slack" in reply["text"] and "Ole Thomsen" in reply["text"]
    assert "Sofie Brandt" not in reply["text"]
    with bot.container.uow() as uow:
        meeting = uow.meetings.get(1)
        assert meeting is not None and meeting.status == MeetingStatus.CALLED
    standin.wait_for("files.completeUploadExternal", 2, timeout=10)
    sofie = next(u for u in standin.uploads if b"mailto:" + MEMBER[1].encode() in u.content)
    records = libical(sofie.content)
    assert props(records)["ATTENDEE"] == f"mailto:{MEMBER[1]}"
    assert props(records)["METHOD"] == "REQUEST"
    posts = [c for c in standin.calls_to("chat.postMessage") if REGRETS_ACTION in str(c.args)]
    assert len(posts) == 2
    # The button (or the verb) again: nothing new to send to the Slack users, and the people
    # with no route are still named as not reached (they hold no copy until one is queued, 12.4).
    response, _ = bot.block_action(CAMILLA, SEND_ACTION, value="1")
    assert response.status == 200
    again = bot.command("indkald", CAMILLA).json()
    assert "intet er lagt i kø" in again["text"] and "Ole Thomsen" in again["text"]
    assert "Sofie Brandt" not in again["text"]
    assert len(standin.uploads) == 2
