"""The demo's second half: calling the meeting, the agenda reminder, a regret by reply, and
the minutes with their summary, each shown as the person receives it (Slack or e-mail)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from typing import Any

from bot import texts
from bot.meetings.planning import get_meeting
from bot.people.committees import find_committee, zone
from bot.reminders.schedule import schedule
from bot.reminders.settings import Kind
from bot.time.parse import format_datetime
from handlers.bootstrap import Container
from handlers.clock import tick
from handlers.demo.mailbox import MailCatcher, mail_to_text
from handlers.demo.render import indent
from handlers.demo.script import demo_script
from handlers.demo.signed import EMAIL_ONLY, SECRETARY
from handlers.slack.listeners.minutes import views as minutes_views


def play_meeting(story: Any, container: Container, clock: Any, mail: MailCatcher) -> None:
    """From calling the meeting to the approved minutes, with the clock moved ahead."""
    out = story.out
    cursor = Cursor(story, mail)
    cursor.skip()

    story.step(texts.DEMO_STEP_CALLING)
    story.command(SECRETARY, "indkald 1")
    drain(story, container)
    cursor.show(only=("U_SOFIE",), mail_to=(EMAIL_ONLY,))

    meeting = _meeting(container)
    due = _agenda_due(container, clock())
    story.step(texts.DEMO_STEP_AGENDA_REMINDER.format(when=_local(container, due)))
    clock.jump(due + timedelta(minutes=1))
    tick(container)
    drain(story, container)
    cursor.show(only=("U_SOFIE",), mail_to=(EMAIL_ONLY,))

    story.step(texts.DEMO_STEP_REGRETS)
    regrets_from, regrets_text = demo_script().regrets
    dm, thread = story.dm_of(regrets_from)
    out(texts.DEMO_REPLIES.format(name=story.name(regrets_from), text=regrets_text))
    story.client.event(
        {
            "type": "message",
            "channel_type": "im",
            "channel": dm,
            "user": regrets_from,
            "text": regrets_text,
            "ts": f"{time.time():.6f}",
            **({"thread_ts": thread} if thread else {}),
        }
    )
    drain(story, container)
    cursor.show()

    story.step(texts.DEMO_STEP_MINUTES)
    clock.jump(meeting.ends_at + timedelta(minutes=20))
    listing = story.command(SECRETARY, "referat 1", quiet=True)
    buttons = _item_buttons(listing)
    deadline = (meeting.starts_at + timedelta(days=30)).astimezone(clock.zone).strftime("%d/%m-%Y")
    for number, fields in demo_script().minutes:
        value = buttons.get(number)
        if value is None:
            continue
        story.click(SECRETARY, minutes_views.ITEM_ACTION, value)
        view = story.modal(SECRETARY, quiet=True)
        values = {k: v.format(deadline=deadline) for k, v in fields.items() if k != "outcome"}
        story.submit(SECRETARY, view, values, options={"outcome": fields.get("outcome", "")})
    story.click(SECRETARY, minutes_views.ATTENDANCE_ACTION, str(meeting.id))
    view = story.modal(SECRETARY, quiet=True)
    story.submit(SECRETARY, view, {}, multi={"no_show": ["Lars Mikkelsen"]})
    story.command(SECRETARY, "referat send 1")
    drain(story, container)
    cursor.show(only=("#", "U_SOFIE"), mail_to=(EMAIL_ONLY,))


class Cursor:
    """What people received since the last look: Slack messages, uploads and e-mails."""

    def __init__(self, story: Any, mail: MailCatcher) -> None:
        self.story, self.mail = story, mail
        self.seen_messages = 0
        self.seen_uploads = 0
        self.seen_mails = 0

    def skip(self) -> None:
        self.seen_messages = len(self.story.slack.messages())
        self.seen_uploads = len(self.story.slack.uploads)
        self.seen_mails = len(self.mail.messages)

    def show(self, only: tuple[str, ...] = (), mail_to: tuple[str, ...] = ()) -> None:
        """New Slack messages and files (for the users or channels in `only`, if given) and
        new e-mails (to the addresses in `mail_to`, if given)."""
        story, out = self.story, self.story.out
        messages = story.slack.messages()[self.seen_messages :]
        uploads = story.slack.uploads[self.seen_uploads :]
        mails = self.mail.messages[self.seen_mails :]
        self.skip()
        shown = sum(1 for m in messages if story.show_message(m, only))
        shown += sum(1 for u in uploads if story.show_upload(u, only))
        for message in mails:
            if mail_to and not any(a.lower() in str(message["To"]).lower() for a in mail_to):
                continue
            out(texts.DEMO_MAIL_TO.format(to=message["To"]))
            out(indent(mail_to_text(message)))
            shown += 1
        if not shown:
            out(texts.DEMO_NO_MESSAGES)


def drain(story: Any, container: Container, seconds: float = 20.0) -> None:
    """Wait until the outbox has sent everything due and Slack has been quiet a moment."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with container.uow() as uow:
            if uow.outbox.pending_count() == 0:
                break
        time.sleep(0.1)
    story.settle()


def _meeting(container: Container) -> Any:
    with container.uow() as uow:
        return get_meeting(uow, 1)


def _agenda_due(container: Container, now: datetime) -> datetime:
    with container.uow() as uow:
        committee = find_committee(uow, None)
        meeting = get_meeting(uow, 1)
        planned = schedule(uow, committee, meeting, now)
    return next(p.due for p in planned if p.kind == Kind.AGENDA)


def _local(container: Container, when: datetime) -> str:
    with container.uow() as uow:
        committee = find_committee(uow, None)
    return format_datetime(when, zone(committee))


def _item_buttons(listing: dict[str, Any]) -> dict[str, str]:
    """Item number ("2.a") -> the value of its »Skriv referat« button."""
    found = {}
    for block in listing.get("blocks") or []:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == minutes_views.ITEM_ACTION:
            label = str((block.get("text") or {}).get("text") or "")
            number = label.replace("*", " ").split()[0] if label.strip() else ""
            found[number] = str(accessory.get("value"))
    return found
