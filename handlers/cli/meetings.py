"""`klu-bot meeting` and `agenda`: create, load, show and list meetings, edit the agenda."""

from __future__ import annotations

import argparse
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import AttendanceStatus, Role
from bot.meetings import agenda
from bot.meetings import meeting_file as meetingfile
from bot.meetings import planning as meetings
from bot.meetings.create import create_meeting
from bot.meetings.text import agenda_text
from bot.minutes.actions import followup_lines
from bot.people import committees
from bot.people import roster as people
from bot.time.parse import format_span
from handlers.bootstrap import Container
from handlers.cli.files import CliCommand, read_file


def show_meeting(c: Container, committee_ref: str | None, meeting_id: int) -> str:
    with c.uow() as uow:
        committee = committees.find_committee(uow, committee_ref)
        meeting = meetings.get_meeting(uow, meeting_id)
        roster = people.roster(uow, committee, c.clock().date())
        everyone = {p.id: p for p in uow.people.list() if p.id is not None}
        regrets = [
            a.person_id
            for a in uow.attendance.for_meeting(meeting_id)
            if a.status == AttendanceStatus.REGRETS
        ]
        followups = followup_lines(uow, committee, meeting)
    members = [e for e in roster if e.role != Role.GUEST]
    return agenda_text(
        meeting, committee, everyone, members=members, regrets=regrets, followups=followups
    )


def cmd_meeting_create(args: argparse.Namespace, c: Container) -> str:
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
    spec = meetings.NewMeeting(
        when=args.when, place=args.place, title=args.title, case_no=args.case_no, doc_no=args.doc_no
    )
    meeting = create_meeting(c.uow(), committee, spec, now=c.clock())
    assert meeting.id is not None
    return (
        texts.CLI_MEETING_CREATED.format(id=meeting.id)
        + "\n\n"
        + show_meeting(c, args.committee, meeting.id)
    )


def cmd_meeting_load(args: argparse.Namespace, c: Container) -> str:
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
    meeting = meetingfile.load_meeting(c.uow(), committee, read_file(args.file), now=c.clock())
    assert meeting.id is not None
    return (
        texts.CLI_MEETING_CREATED.format(id=meeting.id)
        + "\n\n"
        + show_meeting(c, args.committee, meeting.id)
    )


def meeting_id_of(c: Container, committee_ref: str | None, ref: str | None) -> int:
    with c.uow() as uow:
        committee = committees.find_committee(uow, committee_ref)
        meeting = meetings.resolve_meeting(uow, committee, ref, c.clock())
    assert meeting.id is not None
    return meeting.id


def cmd_meeting_show(args: argparse.Namespace, c: Container) -> str:
    return show_meeting(c, args.committee, meeting_id_of(c, args.committee, args.meeting))


def cmd_meeting_list(args: argparse.Namespace, c: Container) -> str:
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
        assert committee.id is not None
        found = uow.meetings.for_committee(committee.id)
    tz = ZoneInfo(committee.timezone)
    if not found:
        return texts.NO_NEXT_MEETING
    return "\n".join(
        texts.CLI_MEETING_LINE.format(
            id=m.id,
            when=format_span(m.starts_at, m.ends_at, tz),
            title=m.title,
            status=texts.MEETING_STATUS_NAMES[m.status],
        )
        for m in found
    )


def cmd_agenda_add(args: argparse.Namespace, c: Container) -> str:
    meeting_id = meeting_id_of(c, args.committee, args.meeting)
    attachments = tuple(_attachment(a) for a in args.attachment or [])
    spec = agenda.NewItem(
        title=args.title,
        section=args.section,
        minutes=args.minutes,
        presenter=args.presenter,
        indstilling=args.indstilling,
        sagsbeskrivelse=args.sagsbeskrivelse,
        guests=tuple(args.guest or []),
        attachments=attachments,
        position=args.position,
    )
    agenda.add_item(c.uow(), meeting_id, spec, now=c.clock())
    return show_meeting(c, args.committee, meeting_id)


def _attachment(text: str) -> tuple[str, str]:
    name, _, url = text.partition("=")
    return name, url


def cmd_agenda_move(args: argparse.Namespace, c: Container) -> str:
    meeting_id = meeting_id_of(c, args.committee, args.meeting)
    agenda.move_item(
        c.uow(),
        meeting_id,
        args.item,
        section=args.section,
        position=args.position,
        now=c.clock(),
    )
    return show_meeting(c, args.committee, meeting_id)


def cmd_agenda_remove(args: argparse.Namespace, c: Container) -> str:
    meeting_id = meeting_id_of(c, args.committee, args.meeting)
    agenda.remove_item(c.uow(), meeting_id, args.item, now=c.clock())
    return show_meeting(c, args.committee, meeting_id)


COMMANDS: dict[str, CliCommand] = {
    "cmd_meeting_create": cmd_meeting_create,
    "cmd_meeting_load": cmd_meeting_load,
    "cmd_meeting_show": cmd_meeting_show,
    "cmd_meeting_list": cmd_meeting_list,
    "cmd_agenda_add": cmd_agenda_add,
    "cmd_agenda_move": cmd_agenda_move,
    "cmd_agenda_remove": cmd_agenda_remove,
}
