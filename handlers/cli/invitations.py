"""`klu-bot invitations …` and `klu-bot meeting move|cancel`: calendar invitations by CLI."""

from __future__ import annotations

import argparse

from bot import texts
from bot.errors import InputError
from bot.invitations import sync as invitations
from bot.meetings import agenda
from bot.meetings import planning as meetings
from bot.people import committees
from handlers.bootstrap import Container
from handlers.delivery import calendar_mailbox, email_enabled, run_dispatch


def _meeting_id(c: Container, committee_ref: str | None, ref: str | None) -> int:
    with c.uow() as uow:
        committee = committees.find_committee(uow, committee_ref)
        meeting = meetings.resolve_meeting(uow, committee, ref, c.clock())
    assert meeting.id is not None
    return meeting.id


def _flush(c: Container) -> None:
    """Deliver what is due now; what fails stays in the outbox for the worker to retry."""
    run_dispatch(c)


def cmd_invitations_send(args: argparse.Namespace, c: Container) -> str:
    meeting_id = _meeting_id(c, args.committee, args.meeting)
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
    meeting_id = _meeting_id(c, args.committee, args.meeting)
    meeting = invitations.reschedule_meeting(
        c.uow(), meeting_id, args.when, place=args.place, now=c.clock()
    )
    with c.uow() as uow:
        committee = uow.committees.get(meeting.committee_id)
    assert committee is not None
    return invitations.moved_text(meeting, committee)


def cmd_meeting_cancel(args: argparse.Namespace, c: Container) -> str:
    meeting_id = _meeting_id(c, args.committee, args.meeting)
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
    meeting_id = _meeting_id(c, args.committee, args.meeting)
    item = agenda.set_item_minutes(c.uow(), meeting_id, args.item, args.minutes, now=c.clock())
    return texts.INVITE_ITEM_MINUTES.format(title=item.title, minutes=item.planned_minutes)
