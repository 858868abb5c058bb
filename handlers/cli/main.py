"""The `klu-bot` command line: thin wrappers that read arguments and call one use case each."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import texts
from bot.config import DEFAULT_TIMEZONE, ConfigError, load_settings, require
from bot.domain import AttendanceStatus, Role
from bot.errors import InputError, KluError
from bot.meetings import agenda
from bot.meetings import meeting_file as meetingfile
from bot.meetings import planning as meetings
from bot.meetings.create import create_meeting
from bot.meetings.text import agenda_text, topics_text
from bot.minutes.actions import followup_lines
from bot.people import committees
from bot.people import roster as people
from bot.ports import Clock
from bot.time.parse import format_span, parse_local_datetime
from bot.topics import importing as topic_import
from bot.topics import proposals as topics
from handlers.bootstrap import Container, bootstrap, system_clock
from handlers.cli.attendance import (  # noqa: F401 (found in globals())
    cmd_attendance_attend,
    cmd_attendance_regrets,
)
from handlers.cli.backup import (  # noqa: F401 (found in globals())
    cmd_export,
    cmd_import,
    cmd_person_erase,
    cmd_person_export,
    cmd_prune,
)
from handlers.cli.invitations import (  # noqa: F401 (the parser finds handlers in globals())
    cmd_agenda_minutes,
    cmd_invitations_send,
    cmd_invitations_sync,
    cmd_meeting_cancel,
    cmd_meeting_move,
)
from handlers.cli.minutes import (  # noqa: F401 (found in globals())
    cmd_agenda_export,
    cmd_minutes_actions,
    cmd_minutes_approve,
    cmd_minutes_attendance,
    cmd_minutes_done,
    cmd_minutes_export,
    cmd_minutes_import,
    cmd_minutes_next,
    cmd_minutes_record,
    cmd_search,
)
from handlers.cli.parser import build
from handlers.cli.people import cmd_person_route  # noqa: F401 (found in globals())
from handlers.cli.reminders import (  # noqa: F401 (found in globals())
    cmd_clock,
    cmd_reminders_set,
    cmd_reminders_show,
)
from handlers.cli.slack import cmd_serve, cmd_socket  # noqa: F401 (found in globals())
from handlers.logs import configure as configure_logs

log = logging.getLogger("klu-bot")
Handler = Callable[[argparse.Namespace, Container], str]


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        raise InputError(texts.CLI_CANNOT_READ.format(path=path)) from None


def cmd_db_upgrade(args: argparse.Namespace, c: Container) -> str:
    return texts.CLI_DB_UPGRADED


def cmd_committee_setup(args: argparse.Namespace, c: Container) -> str:
    settings = committees.changed_settings(
        c.uow(),
        args.short_name,
        {
            "name": args.name,
            "timezone": args.timezone,
            "organiser_unit": args.unit,
            "default_place": args.place,
            "default_start": args.start,
            "default_end": args.end,
            "secretariat_name": args.secretariat_name,
            "secretariat_email": args.secretariat_email,
            "secretariat_phone": args.secretariat_phone,
            "slack_channel_id": args.channel,
            "secretariat_participates": None
            if args.secretariat_participates is None
            else args.secretariat_participates == "ja",
        },
    )
    committee = committees.setup_committee(c.uow(), settings)
    return texts.CLI_COMMITTEE_SAVED.format(name=committee.name, short=committee.short_name)


def cmd_members_import(args: argparse.Namespace, c: Container) -> str:
    report = people.import_roster(
        c.uow(), _read(args.file), today=c.clock().date(), committee_ref=args.committee
    )
    return texts.ROSTER_IMPORTED.format(**vars(report))


def cmd_members_list(args: argparse.Namespace, c: Container) -> str:
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
        entries = people.roster(uow, committee, c.clock().date())
    lines = [texts.MEMBERS_HEADER.format(committee=committee.name)]
    for e in entries:
        lines.append(
            texts.MEMBER_LINE.format(
                name=e.person.name,
                role=texts.ROLE_NAMES[e.role],
                org=f", {e.person.organisation}" if e.person.organisation else "",
                email=f" <{e.person.email}>" if e.person.email else "",
            )
        )
    return "\n".join(lines)


def _show(c: Container, committee_ref: str | None, meeting_id: int) -> str:
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
        + _show(c, args.committee, meeting.id)
    )


def cmd_meeting_load(args: argparse.Namespace, c: Container) -> str:
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
    meeting = meetingfile.load_meeting(c.uow(), committee, _read(args.file), now=c.clock())
    assert meeting.id is not None
    return (
        texts.CLI_MEETING_CREATED.format(id=meeting.id)
        + "\n\n"
        + _show(c, args.committee, meeting.id)
    )


def _meeting_id(c: Container, committee_ref: str | None, ref: str | None) -> int:
    with c.uow() as uow:
        committee = committees.find_committee(uow, committee_ref)
        meeting = meetings.resolve_meeting(uow, committee, ref, c.clock())
    assert meeting.id is not None
    return meeting.id


def cmd_meeting_show(args: argparse.Namespace, c: Container) -> str:
    return _show(c, args.committee, _meeting_id(c, args.committee, args.meeting))


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
    meeting_id = _meeting_id(c, args.committee, args.meeting)
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
    return _show(c, args.committee, meeting_id)


def _attachment(text: str) -> tuple[str, str]:
    name, _, url = text.partition("=")
    return name, url


def cmd_agenda_move(args: argparse.Namespace, c: Container) -> str:
    meeting_id = _meeting_id(c, args.committee, args.meeting)
    agenda.move_item(
        c.uow(),
        meeting_id,
        args.item,
        section=args.section,
        position=args.position,
        now=c.clock(),
    )
    return _show(c, args.committee, meeting_id)


def cmd_agenda_remove(args: argparse.Namespace, c: Container) -> str:
    meeting_id = _meeting_id(c, args.committee, args.meeting)
    agenda.remove_item(c.uow(), meeting_id, args.item, now=c.clock())
    return _show(c, args.committee, meeting_id)


def cmd_topic_add(args: argparse.Namespace, c: Container) -> str:
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
        proposer = people.find_person(uow, args.by)
    spec = topics.NewTopic(text=args.text, note=args.note, origin=args.origin)
    topic = topics.propose_topic(c.uow(), committee, proposer, spec, now=c.clock())
    return texts.CLI_TOPIC_ADDED.format(id=topic.id)


def cmd_topic_import(args: argparse.Namespace, c: Container) -> str:
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
    report = topic_import.import_topics(c.uow(), committee, _read(args.file), now=c.clock())
    return texts.CLI_TOPICS_IMPORTED.format(added=report.added, skipped=report.skipped)


def cmd_topic_list(args: argparse.Namespace, c: Container) -> str:
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
        found = topics.list_topics(uow, committee, include_closed=args.all)
        everyone = {p.id: p for p in uow.people.list() if p.id is not None}
    return topics_text(committee, found, everyone).rstrip("\n")


def cmd_topic_note(args: argparse.Namespace, c: Container) -> str:
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
    topic = topics.annotate_topic(
        c.uow(), committee, args.topic, args.note, actor=None, now=c.clock()
    )
    return texts.CLI_TOPIC_NOTED.format(id=topic.id)


def cmd_topic_schedule(args: argparse.Namespace, c: Container) -> str:
    meeting_id = _meeting_id(c, args.committee, args.meeting)
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
    topics.schedule_topic(
        c.uow(),
        committee,
        args.topic,
        meeting_id,
        actor=None,
        now=c.clock(),
        section=args.section,
        minutes=args.minutes,
    )
    return _show(c, args.committee, meeting_id)


def cmd_topic_withdraw(args: argparse.Namespace, c: Container) -> str:
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
    topic = topics.withdraw_topic(
        c.uow(), committee, args.topic, actor=None, now=c.clock(), reason=args.reason
    )
    return texts.CLI_TOPIC_WITHDRAWN.format(id=topic.id)


def build_parser() -> argparse.ArgumentParser:
    """The argument grammar; help texts are Danish, for the secretary."""
    return build(globals())


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `klu-bot` console script."""
    configure_logs(logging.WARNING)  # key=value from the first line; serve and clock say more
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.area == "demo":
        from handlers.demo.main import run_demo  # the demo needs no settings and no database

        return run_demo()
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 2
    container: Container | None = None
    try:
        settings = load_settings()
        require(settings, getattr(args, "requires", ()))
        container = bootstrap(settings, clock=_clock(args))
        output = args.handler(args, container)
    except ConfigError as exc:
        print(texts.CLI_ERROR.format(message=exc), file=sys.stderr)
        return 2
    except KluError as exc:
        print(texts.CLI_ERROR.format(message=exc.message), file=sys.stderr)
        return 1
    except Exception as exc:
        if os.environ.get("KLU_DEBUG"):
            log.exception("unexpected error")
        message = texts.CLI_UNEXPECTED.format(
            message=texts.UNEXPECTED_ERROR, kind=type(exc).__name__
        )
        print(texts.CLI_ERROR.format(message=message), file=sys.stderr)
        return 1
    finally:
        if container is not None:
            container.engine.dispose()
    if output:
        print(output)
    return 0


def _clock(args: argparse.Namespace) -> Clock:
    """The system clock, or a fixed one from --now (local time in the default zone)."""
    if not getattr(args, "now", None):
        return system_clock
    fixed = parse_local_datetime(args.now, ZoneInfo(DEFAULT_TIMEZONE))
    return lambda: fixed
