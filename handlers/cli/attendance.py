"""`klu-bot attendance regrets|attend`: the secretary records what a member said by phone
or e-mail, with the same effects as a reply in Slack (running list, no day-before reminder)."""

from __future__ import annotations

import argparse
import uuid
from zoneinfo import ZoneInfo

from bot import texts
from bot.attendance.answers import answer_reply
from bot.attendance.replies import Intent, parse_command_reason
from bot.errors import InputError
from bot.meetings.planning import resolve_meeting
from bot.people.committees import find_committee
from bot.people.roster import find_person
from bot.reminders.messages import meeting_when
from handlers.bootstrap import Container
from handlers.cli.files import CliCommand


def _record(args: argparse.Namespace, c: Container, intent: Intent, reason: str) -> str:
    with c.uow() as uow:
        person = find_person(uow, args.person)
        committee = find_committee(uow, args.committee)
        meeting_id = resolve_meeting(uow, committee, args.meeting, c.clock()).id
    answer = answer_reply(
        c.uow(),
        request_id=f"cli:{uuid.uuid4().hex}",
        person=person,
        intent=intent,
        reason=reason,
        meeting_id=meeting_id,
        via="sekretariat",
        now=c.clock(),
        reply_to=None,
    )
    if answer.refused:
        raise InputError(answer.text)
    with c.uow() as uow:
        meeting = uow.meetings.get(answer.meeting_id or 0)
    assert meeting is not None
    values = {
        "name": person.name,
        "title": meeting.title,
        "when": meeting_when(meeting, ZoneInfo(committee.timezone)),
    }
    if intent == Intent.REGRETS:
        shown = texts.REGRETS_REASON.format(reason=reason) if reason else ""
        return texts.CLI_REGRETS_REGISTERED.format(reason=shown, **values)
    return texts.CLI_ATTEND_REGISTERED.format(**values)


def cmd_attendance_regrets(args: argparse.Namespace, c: Container) -> str:
    """Register regrets for a person (default: the next meeting)."""
    return _record(args, c, Intent.REGRETS, parse_command_reason(" ".join(args.reason)))


def cmd_attendance_attend(args: argparse.Namespace, c: Container) -> str:
    """The person comes after all (takes back regrets)."""
    return _record(args, c, Intent.ATTEND, "")


COMMANDS: dict[str, CliCommand] = {
    "cmd_attendance_regrets": cmd_attendance_regrets,
    "cmd_attendance_attend": cmd_attendance_attend,
}
