"""`klu-bot topic`: the bruttoliste from the command line."""

from __future__ import annotations

import argparse

from bot import texts
from bot.meetings.text import topics_text
from bot.people import committees
from bot.people import roster as people
from bot.topics import importing as topic_import
from bot.topics import proposals as topics
from handlers.bootstrap import Container
from handlers.cli.files import CliCommand, read_file
from handlers.cli.meetings import meeting_id_of, show_meeting


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
    report = topic_import.import_topics(c.uow(), committee, read_file(args.file), now=c.clock())
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
    meeting_id = meeting_id_of(c, args.committee, args.meeting)
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
    return show_meeting(c, args.committee, meeting_id)


def cmd_topic_withdraw(args: argparse.Namespace, c: Container) -> str:
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
    topic = topics.withdraw_topic(
        c.uow(), committee, args.topic, actor=None, now=c.clock(), reason=args.reason
    )
    return texts.CLI_TOPIC_WITHDRAWN.format(id=topic.id)


COMMANDS: dict[str, CliCommand] = {
    "cmd_topic_add": cmd_topic_add,
    "cmd_topic_import": cmd_topic_import,
    "cmd_topic_list": cmd_topic_list,
    "cmd_topic_note": cmd_topic_note,
    "cmd_topic_schedule": cmd_topic_schedule,
    "cmd_topic_withdraw": cmd_topic_withdraw,
}
