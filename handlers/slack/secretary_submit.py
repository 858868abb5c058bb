"""What happens when the secretary submits a modal: validate per field, call one use case."""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.domain import Committee, Meeting, Person
from bot.errors import InputError, KluError, NotFoundError, PermissionDeniedError
from bot.ports import UnitOfWork
from bot.timeparse import format_span, parse_meeting_time
from bot.timeplan import item_number
from bot.usecases import agenda, committees, meetings, people
from bot.usecases.guests import GuestRef, add_item_with_guests, parse_guest_emails
from bot.validation import clean_text, optional_text, parse_clock, parse_minutes
from handlers.bootstrap import Container
from handlers.slack import secretary_views as views
from handlers.slack.secretary_forms import Form

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
        blocks = views.agenda_blocks(meeting, committee, people_by_id(uow), editable=True)
    return {
        "response_action": "update",
        "view": views.done_view(texts.SEC_DONE_TITLE, message, blocks),
    }


def message_view(message: str, title: str = texts.SEC_DONE_TITLE) -> Ack:
    """Replace the modal with a message only."""
    return {"response_action": "update", "view": views.done_view(title, message, [])}


def submit_setup(c: Container, person: Person | None, form: Form) -> Ack:
    """Create or update the committee and bind the channel the command came from."""
    name = form.check("name", lambda: clean_text(form.text("name"), texts.FIELD_COMMITTEE_NAME))
    short = form.check(
        "short_name", lambda: clean_text(form.text("short_name"), texts.FIELD_SHORT_NAME)
    )
    place = form.check("place", lambda: optional_text(form.text("place"), texts.FIELD_PLACE))
    start = form.check("start", lambda: parse_clock(form.text("start")))
    end = form.check("end", lambda: parse_clock(form.text("end")))
    if start is not None and end is not None and end <= start:
        form.fail(
            "end", texts.DEFAULT_HOURS_ORDER.format(start=form.text("start"), end=form.text("end"))
        )
    if not form.ok or name is None or short is None or start is None or end is None:
        return form.response()
    channel = str(form.meta.get("channel") or "") or None
    with c.uow() as uow:
        existing = uow.committees.by_short_name(short)
        bound = uow.committees.by_channel(channel) if channel else None
        for committee in {id(x): x for x in (existing, bound) if x is not None}.values():
            check = partial(must_be_secretary, c, uow, committee, person, texts.SEC_ACTION_SETUP)
            form.check("short_name", check)
    if not form.ok:
        return form.response()
    base = settings_of(existing) if existing else committees.CommitteeSettings(name, short)
    settings = replace(
        base,
        name=name,
        short_name=short,
        default_place=place or "",
        default_start=start.strftime("%H:%M"),
        default_end=end.strftime("%H:%M"),
        slack_channel_id=channel,
    )
    saved = form.check("name", lambda: committees.setup_committee(c.uow(), settings))
    if saved is None:
        return form.response()
    done = texts.SEC_SETUP_DONE.format(name=saved.name, short=saved.short_name)
    return message_view(done, texts.SEC_SETUP_TITLE)


def settings_of(committee: Committee) -> committees.CommitteeSettings:
    """The committee's current settings, so a modal changes only what it shows."""
    fields = committees.CommitteeSettings.__dataclass_fields__
    return committees.CommitteeSettings(**{k: getattr(committee, k) for k in fields})


def must_be_secretary(
    c: Container, uow: UnitOfWork, committee: Committee, person: Person | None, action: str
) -> None:
    """PermissionDeniedError (Danish, polite) unless the person is the committee's secretary."""
    if person is None:
        raise PermissionDeniedError(texts.ONLY_SECRETARY.format(action=action))
    people.require_secretary(uow, committee, person, c.clock().date(), action)


def _committee(c: Container, form: Form) -> Committee:
    committee_id = form.meta_int("committee")
    with c.uow() as uow:
        committee = uow.committees.get(committee_id) if committee_id is not None else None
    if committee is None:
        raise NotFoundError(texts.NO_COMMITTEE)
    return committee


def submit_meeting(c: Container, person: Person | None, form: Form) -> Ack:
    """Create the meeting; a date Slack users typed wrongly is explained next to the field."""
    committee = _committee(c, form)
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
    meeting = form.check(
        "when", lambda: meetings.create_meeting(c.uow(), committee, spec, now=c.clock())
    )
    if meeting is None or meeting.id is None:
        return form.response()
    when = format_span(meeting.starts_at, meeting.ends_at, ZoneInfo(committee.timezone))
    message = texts.SEC_MEETING_CREATED.format(id=meeting.id, when=when, place=meeting.place)
    return result_view(c, meeting.id, message)


def _editable_meeting(c: Container, form: Form, person: Person | None) -> Meeting | None:
    committee = _committee(c, form)
    ref = form.choice("meeting")
    if not ref.isdigit():
        form.fail("meeting", texts.SEC_NO_MEETING)
        return None
    with c.uow() as uow:
        meeting = form.check(
            "meeting", lambda: meetings.resolve_meeting(uow, committee, ref, c.clock())
        )
        if meeting is not None:
            form.check(
                "meeting",
                lambda: must_be_secretary(c, uow, committee, person, texts.SEC_ACTION_AGENDA),
            )
            form.check("meeting", lambda: meetings.ensure_editable(meeting))
    return meeting if form.ok else None


def submit_item(
    c: Container, person: Person | None, form: Form, slack_guests: list[GuestRef]
) -> Ack:
    """Add the item with its guests (Slack users and e-mail-only guests)."""
    meeting = _editable_meeting(c, form, person)
    if meeting is None or meeting.id is None:
        return form.response()
    section = form.choice("section")
    if not section.isdigit():
        form.fail("section", texts.SEC_NO_SECTION)
    form.check("title", lambda: clean_text(form.text("title"), texts.FIELD_TITLE, limit=500))
    minutes = form.check("minutes", lambda: parse_minutes(form.text("minutes")))
    form.check("presenter", lambda: optional_text(form.text("presenter"), texts.FIELD_TITLE))
    emails = form.check("guests_email", lambda: parse_guest_emails(form.text("guests_email")))
    if not form.ok or minutes is None or emails is None:
        return form.response()
    spec = agenda.NewItem(
        title=form.text("title"),
        section=int(section),
        minutes=minutes,
        presenter=form.text("presenter"),
        indstilling=form.text("indstilling"),
    )
    meeting_id = meeting.id
    guests = [*slack_guests, *emails]
    item = form.check("title", lambda: add_item_with_guests(c.uow(), meeting_id, spec, guests))
    if item is None:
        return form.response()
    with c.uow() as uow:
        fresh = meetings.get_meeting(uow, meeting_id)
        number = item_number(fresh, next(i for i in fresh.items if i.id == item.id))
    return result_view(c, meeting.id, texts.SEC_ITEM_ADDED.format(number=number, title=item.title))


def item_ref(c: Container, meeting_id: int, item_id: int) -> tuple[Meeting, str]:
    """The meeting and the item's current number ('2.b'), or a Danish NotFoundError."""
    with c.uow() as uow:
        meeting = meetings.get_meeting(uow, meeting_id)
        found = [i for i in meeting.items if i.id == item_id]
        if not found:
            raise NotFoundError(texts.SEC_ITEM_GONE)
        return meeting, item_number(meeting, found[0])


def secretary_of_meeting(c: Container, meeting: Meeting, person: Person | None) -> None:
    with c.uow() as uow:
        committee = uow.committees.get(meeting.committee_id)
        assert committee is not None
        must_be_secretary(c, uow, committee, person, texts.SEC_ACTION_AGENDA)


def meeting_for_secretary(
    c: Container, ref: str, person: Person | None
) -> tuple[Meeting, Committee]:
    """A meeting by id with its committee, when the person is that committee's secretary."""
    if not ref.isdigit():
        raise NotFoundError(texts.UNKNOWN_MEETING.format(ref=ref))
    with c.uow() as uow:
        meeting = meetings.get_meeting(uow, int(ref))
        committee = uow.committees.get(meeting.committee_id)
        assert committee is not None
        must_be_secretary(c, uow, committee, person, texts.SEC_ACTION_AGENDA)
    return meeting, committee


def submit_move(c: Container, person: Person | None, form: Form) -> Ack:
    """Move the item to the chosen section and place."""
    meeting_id, item_id = form.meta_int("meeting"), form.meta_int("item")
    if meeting_id is None or item_id is None:
        return message_view(texts.SEC_ITEM_GONE)
    try:
        meeting, ref = item_ref(c, meeting_id, item_id)
        secretary_of_meeting(c, meeting, person)
    except KluError as exc:
        return message_view(exc.message)
    position_text = form.text("position").strip()
    if position_text and not position_text.isdigit():
        form.fail("position", texts.SEC_BAD_POSITION.format(value=position_text))
        return form.response()
    section = int(form.choice("section") or 0) or None
    position = int(position_text) if position_text else None
    item = form.check(
        "position",
        lambda: agenda.move_item(c.uow(), meeting_id, ref, section=section, position=position),
    )
    if item is None:
        return form.response()
    _, number = item_ref(c, meeting_id, item_id)
    return result_view(c, meeting_id, texts.SEC_ITEM_MOVED.format(title=item.title, number=number))


def submit_remove(c: Container, person: Person | None, form: Form) -> Ack:
    """Remove the item (a topic it carried goes back on the bruttoliste)."""
    meeting_id, item_id = form.meta_int("meeting"), form.meta_int("item")
    try:
        if meeting_id is None or item_id is None:
            raise InputError(texts.SEC_ITEM_GONE)
        meeting, ref = item_ref(c, meeting_id, item_id)
        secretary_of_meeting(c, meeting, person)
        item = agenda.remove_item(c.uow(), meeting_id, ref)
    except KluError as exc:
        return message_view(exc.message)
    return result_view(c, meeting_id, texts.SEC_ITEM_REMOVED.format(title=item.title))
