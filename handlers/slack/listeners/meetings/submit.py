"""What happens when the secretary submits a modal: validate per field, call one use case."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import Committee, Person
from bot.errors import NotFoundError
from bot.meetings import planning as meetings
from bot.meetings.create import create_meeting
from bot.people import committees
from bot.people import roster as people
from bot.people.committees import CommitteeSettings, Founder, settings_of
from bot.people.identity import NotLinkedError, contact_of
from bot.people.rights import SetupCaller, SetupRight, check_setup
from bot.people.roster_file import is_valid_email
from bot.ports import UnitOfWork
from bot.time.parse import format_span, parse_meeting_time
from bot.validation import clean_text, optional_text, parse_clock
from handlers.bootstrap import Container
from handlers.slack.listeners.meetings import agenda as secretary_agenda
from handlers.slack.listeners.meetings import views
from handlers.slack.listeners.meetings.forms import Form

Ack = dict[str, Any]


def people_by_id(uow: UnitOfWork) -> dict[int, Person]:
    """Everyone, by id (for guest names on the agenda)."""
    return {p.id: p for p in uow.people.list() if p.id is not None}


def result_view(c: Container, meeting_id: int, message: str) -> Ack:
    """Replace the modal with what happened and the agenda as it is now."""
    with c.uow() as uow:
        meeting = meetings.get_meeting(uow, meeting_id)
        committee = uow.committees.get(meeting.committee_id)
        assert committee is not None
        blocks = secretary_agenda.agenda_blocks(
            meeting, committee, people_by_id(uow), editable=True
        )
    return {
        "response_action": "update",
        "view": views.done_view(texts.SEC_DONE_TITLE, message, blocks),
    }


def message_view(message: str, title: str = texts.SEC_DONE_TITLE) -> Ack:
    """Replace the modal with a message only."""
    return {"response_action": "update", "view": views.done_view(title, message, [])}


def _setup_fields(form: Form) -> dict[str, str] | None:
    """The setup modal's fields, each checked next to its field; None when any is wrong."""
    single = {
        "name": (texts.FIELD_COMMITTEE_NAME, 200, True),
        "short_name": (texts.FIELD_SHORT_NAME, 50, True),
        "unit": (texts.FIELD_COMMITTEE_NAME, 200, False),
        "secretariat_name": (texts.FIELD_NAME, 200, True),
        "secretariat_phone": (texts.FIELD_PHONE, 50, False),
        "place": (texts.FIELD_PLACE, 300, False),
    }
    values: dict[str, str] = {}
    for block, (field, limit, required) in single.items():
        check = clean_text if required else optional_text
        found = form.check(block, partial(check, form.text(block), field, limit=limit))
        values[block] = found or ""
    email = form.text("secretariat_email").strip().lower()
    if not is_valid_email(email):
        form.fail(
            "secretariat_email",
            texts.COMMITTEE_BAD_EMAIL.format(email=form.text("secretariat_email")),
        )
    values["secretariat_email"] = email
    start = form.check("start", lambda: parse_clock(form.text("start")))
    end = form.check("end", lambda: parse_clock(form.text("end")))
    if start is not None and end is not None and end <= start:
        form.fail(
            "end", texts.DEFAULT_HOURS_ORDER.format(start=form.text("start"), end=form.text("end"))
        )
    if not form.ok or start is None or end is None:
        return None
    values["start"], values["end"] = start.strftime("%H:%M"), end.strftime("%H:%M")
    return values


def submit_setup(c: Container, caller: SetupCaller, slack_name: str, form: Form) -> Ack:
    """Create or update the committee and bind the channel the command came from; only an
    administrator or a secretary may (see bot/usecases/committee_rights.py)."""
    values = _setup_fields(form)
    if values is None:
        return form.response()
    channel = str(form.meta.get("channel") or "") or None
    today = c.clock().date()
    with c.uow() as uow:
        existing = uow.committees.by_short_name(values["short_name"])
        bound = uow.committees.by_channel(channel) if channel else None
        targets = {id(x): x for x in (existing, bound) if x is not None}.values()
        rights = [
            form.check(
                "short_name",
                partial(check_setup, uow, c.settings.admins, caller, committee, today),
            )
            for committee in (list[Committee | None](targets) or [None])
        ]
    if not form.ok:
        return form.response()
    base = settings_of(existing) if existing else CommitteeSettings(values["name"], "")
    settings = replace(
        base,
        name=values["name"],
        short_name=values["short_name"],
        organiser_unit=values["unit"],
        secretariat_name=values["secretariat_name"],
        secretariat_email=values["secretariat_email"],
        secretariat_phone=values["secretariat_phone"],
        default_place=values["place"],
        default_start=values["start"],
        default_end=values["end"],
        slack_channel_id=channel,
    )
    founder = None
    if existing is None and SetupRight.ADMIN not in rights:
        person = caller.person
        founder = Founder(
            email=caller.email or (person.email if person and person.email else ""),
            name=person.name if person else slack_name,
            slack_user_id=caller.user_id,
            today=today,
            first=SetupRight.FIRST in rights,
        )
    saved = form.check(
        "short_name", lambda: committees.setup_committee(c.uow(), settings, founder=founder)
    )
    if saved is None:
        return form.response()
    done = texts.SEC_SETUP_DONE.format(name=saved.name, short=saved.short_name)
    if founder is not None and caller.person is None:
        done += texts.SEC_SETUP_FOUNDER
    return message_view(done, texts.SEC_SETUP_TITLE)


def must_be_secretary(
    c: Container, uow: UnitOfWork, committee: Committee, person: Person | None, action: str
) -> None:
    """PermissionDeniedError (Danish, polite) unless the person is the committee's secretary;
    a Slack user not yet linked to the roster is told they will be, in a moment."""
    if person is None:
        raise NotLinkedError(texts.SLACK_NOT_LINKED.format(contact=contact_of(committee)))
    people.require_secretary(uow, committee, person, c.clock().date(), action)


def form_committee(c: Container, form: Form) -> Committee:
    """The committee named in the modal's private_metadata."""
    committee_id = form.meta_int("committee")
    with c.uow() as uow:
        committee = uow.committees.get(committee_id) if committee_id is not None else None
    if committee is None:
        raise NotFoundError(texts.SLACK_NO_COMMITTEE)
    return committee


def submit_meeting(c: Container, person: Person | None, form: Form) -> Ack:
    """Create the meeting; a date Slack users typed wrongly is explained next to the field."""
    committee = form_committee(c, form)
    with c.uow() as uow:
        form.check(
            "when", lambda: must_be_secretary(c, uow, committee, person, texts.SEC_ACTION_MEETING)
        )
    if not form.ok:
        return form.response()
    form.check(
        "when",
        lambda: parse_meeting_time(
            form.text("when"),
            tz=ZoneInfo(committee.timezone),
            now=c.clock(),
            default_start=parse_clock(committee.default_start),
            default_end=parse_clock(committee.default_end),
        ),
    )
    for block, field in (("place", texts.FIELD_PLACE), ("title", texts.FIELD_TITLE)):
        form.check(block, partial(optional_text, form.text(block), field, limit=300))
    if not form.ok:
        return form.response()
    spec = meetings.NewMeeting(
        when=form.text("when"),
        place=form.text("place"),
        title=form.text("title"),
        case_no=form.text("case_no"),
        doc_no=form.text("doc_no"),
    )
    meeting = form.check("when", lambda: create_meeting(c.uow(), committee, spec, now=c.clock()))
    if meeting is None or meeting.id is None:
        return form.response()
    when = format_span(meeting.starts_at, meeting.ends_at, ZoneInfo(committee.timezone))
    message = texts.SEC_MEETING_CREATED.format(id=meeting.id, when=when, place=meeting.place)
    return result_view(c, meeting.id, message)
