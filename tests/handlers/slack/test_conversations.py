"""Whole Slack conversations, read as tables: what a person says, what the bot answers."""

from __future__ import annotations

from bot import texts
from tests.conversation import Turn, converse
from tests.slack_http import (  # noqa: F401 (fixtures)
    MEMBER,
    SECRETARY,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)

SOFIE, CAMILLA = MEMBER[0], SECRETARY[0]


def test_a_member_proposes_topics_and_reads_the_list_and_the_next_meeting(
    bot: SlackAppServer,
) -> None:
    converse(
        bot,
        [
            Turn(SOFIE, "/klu emne Samarbejde om hjemmebesøg", "Samarbejde om hjemmebesøg", "#1"),
            Turn(
                SOFIE,
                "/klu emne <!channel> se her",
                "&lt;!channel&gt; se her",
                "#2",
                absent=("<!channel>",),
            ),
            Turn(SOFIE, "/klu bruttoliste", "Samarbejde om hjemmebesøg", "&lt;!channel&gt;"),
            Turn(SOFIE, "/klu næste", "18. juni 2026", "15:00–"),
            Turn(SOFIE, "/klu emne " + "x" * 2001, "2001 tegn"),
            Turn(
                SOFIE, "/klu kaffe", texts.SLACK_UNKNOWN_COMMAND.format(verb="kaffe"), "/klu emne"
            ),
        ],
    )


def test_a_member_sends_regrets_by_dm_and_takes_them_back(bot: SlackAppServer) -> None:
    converse(
        bot,
        [
            Turn(SOFIE, "dm: Afbud – ferie", "(grund: ferie)"),
            Turn(SOFIE, "dm: Jeg kommer alligevel", "Dit afbud er trukket tilbage"),
            Turn(SOFIE, "dm: hvad med kaffen?", absent=("afbud er registreret",)),
        ],
    )
