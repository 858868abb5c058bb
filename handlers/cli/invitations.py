"""`klu-bot invitations …` and `klu-bot meeting move|cancel`: calendar invitations by CLI."""

from __future__ import annotations

import argparse

from bot import texts
from bot.errors import InputError
from bot.invitations import sync as invitations
from bot.meetings import agenda
from handlers.bootstrap import Container
from handlers.cli.files import CliCommand
from handlers.cli.meetings import meeting_id_of
from handlers.delivery import calendar_mailbox, email_enabled, run_dispatch


def _flush(c: Container) -> None:
    """Deliver what is due now; what fails stays in the outbox for the worker to retry."""
    run_dispatch(c)


def cmd_invitations_send(args: argparse.Namespace, c: Container) -> str:
    meeting_id = meeting_id_of(c, args.committee, args.meeting)
    try:
        report = invitations.send_invitations(
            c.uow(),
            meeting_id,
            now=c.clock(),
            email_enabled=email_enabled(c.settings),
            mailbox=calendar_mailbox(c.settings),
        )
    except invitations.MissingOrganizerError:
        raise InputError(texts.CLI_INVITE_NO_ORGANIZER) from None
    _flush(c)
    return invitations.report_text(report)


def cmd_invitations_sync(args: argparse.Namespace, c: Container) -> str:
    reports = invitations.sync_due(
        c.uow,
        now=c.clock(),
        email_enabled=email_enabled(c.settings),
        mailbox=calendar_mailbox(c.settings),
        quiet=invitations.QUIET,
    )
    done = run_dispatch(c)
    lines = [invitations.report_text(r) for r in reports]
    lines.append(texts.INVITE_DISPATCHED.format(sent=done.sent, retried=done.retried))
    return "\n".join(lines)


def cmd_meeting_move(args: argparse.Namespace, c: Container) -> str:
    meeting_id = meeting_id_of(c, args.committee, args.meeting)
    meeting = invitations.reschedule_meeting(
        c.uow(), meeting_id, args.when, place=args.place, now=c.clock()
    )
    with c.uow() as uow:
        committee = uow.committees.get(meeting.committee_id)
    assert committee is not None
    return invitations.moved_text(meeting, committee)


def cmd_meeting_cancel(args: argparse.Namespace, c: Container) -> str:
    meeting_id = meeting_id_of(c, args.committee, args.meeting)
    report = invitations.cancel_meeting(
        c.uow(),
        meeting_id,
        now=c.clock(),
        email_enabled=email_enabled(c.settings),
        mailbox=calendar_mailbox(c.settings),
    )
    _flush(c)
    return texts.INVITE_CANCELLED.format(id=meeting_id) + "\n" + invitations.report_text(report)


def cmd_agenda_minutes(args: argparse.Namespace, c: Container) -> str:
    meeting_id = meeting_id_of(c, args.committee, args.meeting)
    item = agenda.set_item_minutes(c.uow(), meeting_id, args.item, args.minutes, now=c.clock())
    return texts.INVITE_ITEM_MINUTES.format(title=item.title, minutes=item.planned_minutes)


COMMANDS: dict[str, CliCommand] = {
    "cmd_invitations_send": cmd_invitations_send,
    "cmd_invitations_sync": cmd_invitations_sync,
    "cmd_meeting_move": cmd_meeting_move,
    "cmd_meeting_cancel": cmd_meeting_cancel,
    "cmd_agenda_minutes": cmd_agenda_minutes,
}
