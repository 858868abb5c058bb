"""A member of one committee learns nothing of another's meetings: a 'Meld afbud' button
carrying the id of another committee's meeting is told, as `/klu dagsorden <id>` is, that
the meeting does not exist, not its title and time (bot/attendance/answers.py). Found by an
independent probe."""

from __future__ import annotations

import json

from bot.meetings.create import create_meeting
from bot.meetings.planning import NewMeeting
from bot.people.committees import CommitteeSettings, setup_committee
from tests.conftest import FakeClock
from tests.procs import wait_until
from tests.slack_http import (  # noqa: F401 (fixtures)
    MEMBER,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

SOFIE = MEMBER[0]


def test_a_button_for_another_committees_meeting_reveals_nothing(
    bot: SlackAppServer, standin: SlackStandIn, clock: FakeClock
) -> None:
    c = bot.container
    other = setup_committee(c.uow(), CommitteeSettings(name="Praksisudvalget", short_name="PU"))
    secret = create_meeting(
        c.uow(), other, NewMeeting("17/9-2026 kl. 15-17", title="PU hemmeligt møde"), now=clock()
    )
    assert "findes ikke" in bot.command(f"dagsorden {secret.id}", SOFIE).text
    for action in ("regrets_button", "attend_button"):
        bot.block_action(SOFIE, action, value=str(secret.id))

    def sent() -> list[str]:
        return [json.dumps(call.args, ensure_ascii=False) for call in standin.calls]

    wait_until(lambda: sum("findes ikke" in s for s in sent()) >= 2, 10, "both answers")
    assert not [s for s in sent() if "hemmeligt" in s or "17. september" in s]
