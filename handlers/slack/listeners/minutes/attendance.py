"""The minutes' attendance modal: who came, sent regrets or did not show (ej mødt)."""

from __future__ import annotations

from typing import Any

from bot import texts
from bot.errors import KluError, NotFoundError
from bot.minutes.model import attendees, meeting_day
from bot.minutes.presence import set_attendance
from bot.minutes.recording import minutes_meeting, recordable
from bot.people.roster import roster
from handlers.slack.deps import SlackDeps
from handlers.slack.identity import body_caller
from handlers.slack.listeners.minutes import views
from handlers.slack.listeners.minutes.common import action_value, open_modal, secretary_caller


def on_attendance_button(deps: SlackDeps, body: dict[str, Any]) -> None:
    """'Fremmøde': members and the meeting's guests in three lists."""
    caller = secretary_caller(body_caller(deps, body), texts.MINUTES_RECORD_ACTION)
    c = deps.container
    with c.uow() as uow:
        meeting = minutes_meeting(uow, caller.committee, action_value(body) or None, c.clock())
        recordable(meeting, caller.committee, c.clock())
        assert meeting.id is not None
        entries = roster(uow, caller.committee, meeting_day(meeting, caller.committee))
        people = [e.person for e in entries]
        known = {p.id for p in people}
        for guest in (g for i in meeting.items for g in i.guests if g.person_id not in known):
            person = uow.people.get(guest.person_id)
            if person is not None:
                people.append(person)
                known.add(person.id)
        statuses = {a.person_id: a.status for a in uow.attendance.for_meeting(meeting.id)}
        everyone = {p.id: p for p in people if p.id is not None}
        everyone |= {pid: p for pid in statuses if (p := uow.people.get(pid)) is not None}
        who = attendees(
            meeting,
            entries,
            everyone,
            statuses,
            secretariat_participates=caller.committee.secretariat_participates,
        )
    hint = (
        texts.MINUTES_SLACK_ATTENDANCE_HINT_PARTICIPATES
        if caller.committee.secretariat_participates
        else texts.MINUTES_SLACK_ATTENDANCE_HINT
    )
    now = texts.MINUTES_SLACK_ATTENDANCE_NOW.format(
        participants=len(who.participants),
        guests=len(who.guests),
        regrets=len(who.regrets),
        no_shows=len(who.no_shows),
    )
    open_modal(deps, body, views.attendance_modal(meeting, people, statuses, [hint, now]))


def on_attendance_submit(deps: SlackDeps, body: dict[str, Any]) -> dict[str, Any] | None:
    """Save who came, sent regrets or did not show."""
    caller = secretary_caller(body_caller(deps, body), texts.MINUTES_RECORD_ACTION)
    view = body.get("view") or {}
    meta, _ = views.submitted_item(view)
    chosen = views.chosen_people(view)
    meeting_id = meta.get("meeting_id")
    if not isinstance(meeting_id, int):
        raise NotFoundError(texts.MINUTES_SLACK_ITEM_GONE)
    c = deps.container
    try:
        set_attendance(
            c.uow(),
            caller.committee,
            meeting_id,
            came=chosen["came"],
            regrets=chosen["regrets"],
            no_show=chosen["no_show"],
            now=c.clock(),
            replace=True,
            actor=caller.person,
        )
    except KluError as exc:
        return {"response_action": "errors", "errors": {"regrets": exc.message}}
    deps.background.notify()
    return None
