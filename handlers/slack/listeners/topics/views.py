"""Block Kit views of the bruttoliste, the next meeting, the App Home and the topic modal."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import Committee, Meeting, Person, Topic, TopicStatus
from bot.meetings.text import overrun_warning
from bot.meetings.timeplan import time_plan
from bot.time.parse import format_date, format_span, format_time
from bot.topics.board import HOME_BOARD_TOPICS, HomeOverview, MeetingBrief, TopicBoard
from handlers.slack import blocks as b

LIST_TEXT = 600
HOME_MEETING_BLOCKS = 30

BOARD_PAGE_ACTION = "klu_board_page"
BOARD_TOPIC_ACTION = "klu_board_topic"
TOPIC_MODAL = "klu_topic_modal"
TOPIC_FIELDS = {"text": "topic_text", "description": "topic_description", "note": "topic_note"}


def _date(topic: Topic, tz: ZoneInfo) -> str:
    return format_date(topic.proposed_at.astimezone(tz).date())


def _topic_line(topic: Topic, people: Mapping[int, Person], tz: ZoneInfo) -> str:
    proposer = people.get(topic.proposer_id)
    text = texts.SLACK_BOARD_TOPIC.format(
        id=topic.id,
        text=b.clip(b.escape(topic.text), LIST_TEXT),
        proposer=b.escape(proposer.name) if proposer else "?",
        date=_date(topic, tz),
        origin=texts.SLACK_BOARD_ORIGIN.format(origin=b.escape(topic.origin))
        if topic.origin
        else "",
        status=texts.TOPIC_STATUS_NAMES[topic.status],
    )
    if topic.note:
        text += texts.SLACK_BOARD_NOTE.format(note=b.clip(b.escape(topic.note), LIST_TEXT))
    return text


def _topic_menu(topic: Topic, meetings: Sequence[Meeting], tz: ZoneInfo) -> dict[str, Any]:
    options = []
    if topic.status == TopicStatus.OPEN:
        for meeting in meetings:
            day = format_date(meeting.starts_at.astimezone(tz).date())
            options.append(
                b.option(
                    texts.SLACK_BOARD_SCHEDULE.format(date=day), f"schedule:{topic.id}:{meeting.id}"
                )
            )
    options.append(b.option(texts.SLACK_BOARD_WITHDRAW, f"withdraw:{topic.id}"))
    return b.overflow(BOARD_TOPIC_ACTION, options[-5:])


def board_message(board: TopicBoard, notice: str = "") -> dict[str, Any]:
    """The board's page of the bruttoliste; the secretary gets a menu per topic."""
    committee = board.caller.committee
    title = texts.SLACK_BOARD_HEADER.format(committee=committee.name)
    head = [b.context(b.escape(notice))] if notice else []
    if not board.topics:
        return b.message(texts.SLACK_BOARD_EMPTY, [*head, b.section(texts.SLACK_BOARD_EMPTY)])
    tz = ZoneInfo(committee.timezone)
    page, pages = board.page, board.pages
    line = texts.SLACK_BOARD_PAGE_CAPPED if board.capped else texts.SLACK_BOARD_PAGE
    summary = line.format(page=page, pages=pages, count=b.number(board.total))
    out = [*head, b.header(title), b.context(summary)]
    for topic in board.topics:
        menu = _topic_menu(topic, board.meetings, tz) if board.caller.is_secretary else None
        out.append(b.section(_topic_line(topic, board.people, tz), menu))
    nav = []
    if page > 1:
        nav.append(b.button(texts.SLACK_BOARD_PREV, f"{BOARD_PAGE_ACTION}_prev", str(page - 1)))
    if page < pages:
        nav.append(b.button(texts.SLACK_BOARD_NEXT, f"{BOARD_PAGE_ACTION}_next", str(page + 1)))
    if nav:
        out.append(b.actions(nav))
    return b.message(b.escape(f"{title} ({summary})"), out)


def meeting_blocks(
    meeting: Meeting, committee: Committee, people: Mapping[int, Person]
) -> list[b.Block]:
    """Title, time, place, and the agenda as a time plan."""
    tz = ZoneInfo(committee.timezone)
    plan = time_plan(meeting)
    facts = [
        texts.SLACK_MEETING_WHEN.format(when=format_span(meeting.starts_at, meeting.ends_at, tz))
    ]
    if meeting.place:
        facts.append(texts.SLACK_MEETING_PLACE.format(place=b.escape(meeting.place)))
    facts.append(
        texts.SLACK_MEETING_STATUS.format(status=texts.MEETING_STATUS_NAMES[meeting.status])
    )
    lines = []
    for slot in plan.slots:
        item = slot.item
        line = texts.SLACK_MEETING_SLOT.format(
            start=format_time(slot.start, tz),
            end=format_time(slot.end, tz),
            number=slot.number,
            title=b.clip(b.escape(item.title), 500),
        )
        if item.presenter:
            line += texts.SLACK_MEETING_PRESENTER.format(
                presenter=b.clip(b.escape(item.presenter), 200)
            )
        names = [people[g.person_id].name for g in item.guests if g.person_id in people]
        if names:
            line += "\n      " + texts.SLACK_MEETING_GUESTS.format(names=b.escape(", ".join(names)))
        lines.append(line)
    out = [
        b.header(meeting.title),
        b.section("\n".join(facts)),
        b.section(texts.SLACK_MEETING_AGENDA),
    ]
    out += b.sections(lines) if lines else [b.section(texts.SLACK_MEETING_NO_ITEMS)]
    if plan.overrun:
        out.append(b.context(overrun_warning(plan, meeting, tz)))
    return out


def meeting_message(brief: MeetingBrief) -> dict[str, Any]:
    """The answer to `/klu næste`."""
    blocks = meeting_blocks(brief.meeting, brief.caller.committee, brief.people)
    return b.message(b.escape(brief.meeting.title), blocks)


def help_message(entries: Sequence[tuple[str, str]], prefix: str = "") -> dict[str, Any]:
    """The list of commands, optionally after a line saying what went wrong."""
    lines = [
        texts.SLACK_HELP_LINE.format(usage=u.strip().removeprefix("/klu ").strip(), help=h)
        for u, h in entries
    ]
    head = [b.escape(prefix)] if prefix else []
    text = "\n".join([*head, texts.SLACK_HELP_HEADER, *lines])
    return b.message(text, b.sections(text.split("\n")))


def home_blocks(home: HomeOverview, now_tz: ZoneInfo | None = None) -> list[b.Block]:
    """The member's App Home: role, next meeting, own topics, bruttoliste, absences."""
    caller = home.caller
    committee = caller.committee
    tz = now_tz or ZoneInfo(committee.timezone)
    role = texts.ROLE_NAMES.get(caller.role, caller.role)
    out = [
        b.header(texts.SLACK_HOME_WELCOME),
        b.section(texts.SLACK_HOME_ROLE.format(role=role, committee=b.escape(committee.name))),
        b.divider(),
        b.header(texts.SLACK_HOME_NEXT),
    ]
    if home.meeting is None:
        out.append(b.section(texts.NO_NEXT_MEETING))
    else:
        people = home.board.people
        out += b.fit(meeting_blocks(home.meeting, committee, people), HOME_MEETING_BLOCKS)
    out += [b.divider(), b.header(texts.SLACK_HOME_MY_TOPICS)]
    mine = [
        texts.SLACK_HOME_MY_TOPIC.format(
            id=t.id,
            text=b.clip(b.escape(t.text), 300),
            status=texts.TOPIC_STATUS_NAMES[t.status],
            date=_date(t, tz),
        )
        for t in home.my_topics
    ]
    out += b.fit(b.sections(mine), 10) if mine else [b.section(texts.SLACK_HOME_NO_TOPICS)]
    out += [b.divider(), b.header(texts.SLACK_HOME_BOARD)]
    topics = home.board.topics
    if topics:
        out += [
            b.section(_topic_line(t, home.board.people, tz)) for t in topics[:HOME_BOARD_TOPICS]
        ]
        if home.board.total > len(topics[:HOME_BOARD_TOPICS]):
            more = b.number(home.board.total - len(topics[:HOME_BOARD_TOPICS]))
            line = (
                texts.SLACK_HOME_BOARD_MORE_CAPPED
                if home.board.capped
                else texts.SLACK_HOME_BOARD_MORE
            )
            out.append(b.context(line.format(count=more)))
    else:
        out.append(b.section(texts.SLACK_BOARD_EMPTY))
    out += [b.divider(), b.header(texts.SLACK_HOME_ABSENCES)]
    absences = [
        texts.SLACK_HOME_ABSENCE.format(
            when=format_span(a.meeting.starts_at, a.meeting.ends_at, tz),
            title=b.escape(a.meeting.title),
            reason=texts.SLACK_HOME_REASON.format(reason=b.clip(b.escape(a.attendance.reason), 300))
            if a.attendance.reason
            else "",
        )
        for a in home.absences
    ]
    out += b.fit(b.sections(absences), 5) if absences else [b.section(texts.SLACK_HOME_NO_ABSENCES)]
    return out


def hint_home(message: str) -> dict[str, Any]:
    """The App Home for someone the bot does not know yet."""
    return b.home_view([b.header(texts.SLACK_HOME_WELCOME), b.section(b.escape(message))])


def topic_modal(committee: Committee, metadata: Mapping[str, Any]) -> dict[str, Any]:
    """The `/klu emne` form: title, description, note."""

    def text_input(
        field: str, label: str, *, optional: bool, multiline: bool, limit: int, hint: str = ""
    ) -> dict[str, Any]:
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": "value",
            "multiline": multiline,
            "max_length": limit,
        }
        if hint:
            element["placeholder"] = b.plain(hint, 150)
        return {
            "type": "input",
            "block_id": TOPIC_FIELDS[field],
            "optional": optional,
            "label": b.plain(label, 2000),
            "element": element,
        }

    intro = texts.SLACK_MODAL_INTRO.format(committee=b.escape(committee.name))
    return {
        "type": "modal",
        "callback_id": TOPIC_MODAL,
        "title": b.plain(texts.SLACK_MODAL_TITLE, b.MODAL_TITLE),
        "submit": b.plain(texts.SLACK_MODAL_SUBMIT, b.MODAL_TITLE),
        "close": b.plain(texts.SLACK_MODAL_CLOSE, b.MODAL_TITLE),
        "private_metadata": json.dumps(dict(metadata))[:3000],
        "blocks": [
            b.section(intro),
            text_input(
                "text",
                texts.SLACK_MODAL_TEXT,
                optional=False,
                multiline=False,
                limit=2000,
                hint=texts.SLACK_MODAL_TEXT_HINT,
            ),
            text_input(
                "description",
                texts.SLACK_MODAL_DESCRIPTION,
                optional=True,
                multiline=True,
                limit=3000,
            ),
            text_input(
                "note",
                texts.SLACK_MODAL_NOTE,
                optional=True,
                multiline=False,
                limit=2000,
                hint=texts.SLACK_MODAL_NOTE_HINT,
            ),
        ],
    }
