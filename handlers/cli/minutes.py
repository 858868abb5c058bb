"""`klu-bot minutes record|attendance|next|import|approve|export` and `klu-bot search`."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import AttendanceStatus, Committee
from bot.errors import InputError
from bot.minutes.actions import complete_action, open_actions
from bot.minutes.approve import approve_minutes, approved_text
from bot.minutes.document import to_html, to_markdown
from bot.minutes.grammar import parse_action
from bot.minutes.minutes_file import import_minutes, load_doc
from bot.minutes.model import AGENDA, MINUTES, followup_line
from bot.minutes.presence import set_attendance
from bot.minutes.recording import (
    ItemMinutes,
    minutes_meeting,
    record_item,
    set_next_meeting_note,
)
from bot.minutes.search import hits_text, search
from bot.people import committees
from bot.time.parse import format_date
from bot.validation import is_id
from handlers.bootstrap import Container
from handlers.cli.files import CliCommand
from handlers.documents.pdf import render_pdf

FORMATS = ("md", "html", "pdf")


def _committee(c: Container, ref: str | None) -> Committee:
    with c.uow() as uow:
        return committees.find_committee(uow, ref)


def _meeting_id(c: Container, committee: Committee, ref: str | None) -> int:
    with c.uow() as uow:
        meeting = minutes_meeting(uow, committee, ref, c.clock())
    assert meeting.id is not None
    return meeting.id


def _split(values: list[str] | None) -> list[str]:
    """'a@x,b@y' (repeatable) -> ['a@x', 'b@y']."""
    return [v.strip() for value in values or [] for v in value.split(",") if v.strip()]


def cmd_minutes_record(args: argparse.Namespace, c: Container) -> str:
    committee = _committee(c, args.committee)
    meeting_id = _meeting_id(c, committee, args.meeting)
    actions = None if args.action is None else tuple(parse_action(a) for a in args.action)
    spec = ItemMinutes(
        referat=args.referat, beslutning=args.beslutning, outcome=args.outcome, actions=actions
    )
    item = record_item(c.uow(), committee, meeting_id, args.item, spec, actor=None, now=c.clock())
    del item
    return texts.MINUTES_RECORDED.format(number=args.item)


def cmd_minutes_attendance(args: argparse.Namespace, c: Container) -> str:
    committee = _committee(c, args.committee)
    meeting_id = _meeting_id(c, committee, args.meeting)
    counts = set_attendance(
        c.uow(),
        committee,
        meeting_id,
        came=_split(args.came),
        regrets=_split(args.regrets),
        no_show=_split(args.no_show),
        now=c.clock(),
    )
    return texts.MINUTES_ATTENDANCE_SAVED.format(
        came=counts[AttendanceStatus.ATTENDING],
        regrets=counts[AttendanceStatus.REGRETS],
        no_show=counts[AttendanceStatus.NO_SHOW],
    )


def cmd_minutes_next(args: argparse.Namespace, c: Container) -> str:
    committee = _committee(c, args.committee)
    meeting_id = _meeting_id(c, committee, args.meeting)
    meeting = set_next_meeting_note(
        c.uow(), committee, meeting_id, args.note, actor=None, now=c.clock()
    )
    return meeting.next_meeting_note


def cmd_minutes_import(args: argparse.Namespace, c: Container) -> str:
    committee = _committee(c, args.committee)
    meeting_id = _meeting_id(c, committee, args.meeting)
    try:
        data = Path(args.file).read_bytes()
    except OSError:
        raise InputError(texts.CLI_CANNOT_READ.format(path=args.file)) from None
    report = import_minutes(c.uow(), committee, meeting_id, data, actor=None, now=c.clock())
    lines = [texts.MINUTES_IMPORTED.format(numbers=", ".join(report.matched) or "-")]
    if report.unmatched:
        lines.append(texts.MINUTES_IMPORT_UNMATCHED.format(numbers=", ".join(report.unmatched)))
    return "\n".join(lines)


def cmd_minutes_approve(args: argparse.Namespace, c: Container) -> str:
    committee = _committee(c, args.committee)
    meeting_id = _meeting_id(c, committee, args.meeting)
    result = approve_minutes(
        c.uow(), committee, meeting_id, actor=None, now=c.clock(), document=True
    )
    tz = ZoneInfo(committee.timezone)
    date = format_date(result.meeting.starts_at.astimezone(tz).date())
    if result.already:
        return texts.MINUTES_ALREADY_APPROVED.format(date=date)
    lines = [approved_text(date, result.regrets_sent, posted=result.posted)]
    for item, target in result.carried:
        day = format_date(target.starts_at.astimezone(tz).date())
        lines.append(texts.MINUTES_CARRIED.format(date=day, titles=item.title))
    return "\n".join(lines)


def render_document(
    c: Container, committee: Committee, meeting_id: int, fmt: str, kind: str = MINUTES
) -> bytes:
    """The referat (or the dagsorden) in one format."""
    doc = load_doc(c.uow(), committee, meeting_id, kind=kind)
    if fmt == "pdf":
        return render_pdf(doc)
    return (to_html(doc) if fmt == "html" else to_markdown(doc)).encode("utf-8")


def _export(args: argparse.Namespace, c: Container, kind: str) -> str:
    if args.format not in FORMATS:
        raise InputError(texts.MINUTES_BAD_FORMAT.format(value=args.format))
    committee = _committee(c, args.committee)
    data = render_document(c, committee, _meeting_id(c, committee, args.meeting), args.format, kind)
    if not args.output or args.output == "-":
        if args.format == "pdf":
            raise InputError(texts.DOC_PDF_NEEDS_FILE[kind])
        return data.decode("utf-8").rstrip("\n")
    target = Path(args.output)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise InputError(texts.MINUTES_CANNOT_WRITE.format(path=args.output)) from None
    return texts.DOC_EXPORTED[kind].format(path=args.output)


def cmd_minutes_export(args: argparse.Namespace, c: Container) -> str:
    return _export(args, c, MINUTES)


def cmd_agenda_export(args: argparse.Namespace, c: Container) -> str:
    return _export(args, c, AGENDA)


def cmd_minutes_actions(args: argparse.Namespace, c: Container) -> str:
    committee = _committee(c, args.committee)
    tz = ZoneInfo(committee.timezone)
    with c.uow() as uow:
        found = open_actions(uow, committee)
    if not found:
        return texts.MINUTES_ACTIONS_EMPTY
    return "\n".join(
        texts.MINUTES_ACTION_LIST_LINE.format(id=a.id, line=followup_line(a, m, tz))
        for a, m in found
    )


def cmd_minutes_done(args: argparse.Namespace, c: Container) -> str:
    committee = _committee(c, args.committee)
    if not is_id(str(args.action).lstrip("#")):
        raise InputError(texts.MINUTES_UNKNOWN_ACTION.format(ref=args.action))
    action = complete_action(c.uow(), committee, int(str(args.action).lstrip("#")))
    return texts.MINUTES_ACTION_DONE.format(id=action.id)


def cmd_search(args: argparse.Namespace, c: Container) -> str:
    committee = _committee(c, args.committee)
    query = " ".join(args.words)
    with c.uow() as uow:
        hits = search(uow, committee, query)
    return hits_text(hits, query, committee, limit=50)


COMMANDS: dict[str, CliCommand] = {
    "cmd_minutes_record": cmd_minutes_record,
    "cmd_minutes_attendance": cmd_minutes_attendance,
    "cmd_minutes_next": cmd_minutes_next,
    "cmd_minutes_import": cmd_minutes_import,
    "cmd_minutes_approve": cmd_minutes_approve,
    "cmd_minutes_export": cmd_minutes_export,
    "cmd_agenda_export": cmd_agenda_export,
    "cmd_minutes_actions": cmd_minutes_actions,
    "cmd_minutes_done": cmd_minutes_done,
    "cmd_search": cmd_search,
}
