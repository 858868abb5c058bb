"""Submissions of the agenda forms: add an item (with guests), move it, remove it."""

from __future__ import annotations

from bot import texts
from bot.domain import Committee, Meeting, Person
from bot.errors import InputError, KluError, NotFoundError
from bot.meetings import agenda
from bot.meetings import planning as meetings
from bot.meetings.guests import (
    GuestRef,
    add_item_with_guests,
    parse_guest_emails,
    update_item_with_guests,
)
from bot.meetings.timeplan import item_number
from bot.validation import clean_text, is_id, optional_text, parse_minutes
from handlers.bootstrap import Container
from handlers.slack.listeners.meetings.forms import Form
from handlers.slack.listeners.meetings.submit import (
    Ack,
    form_committee,
    message_view,
    must_be_secretary,
    result_view,
)


def _editable_meeting(c: Container, form: Form, person: Person | None) -> Meeting | None:
    committee = form_committee(c, form)
    ref = form.choice("meeting")
    if not is_id(ref):
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
            form.check("meeting", meeting.ensure_editable)
    return meeting if form.ok else None


def _item_spec(form: Form, section: int, keep_description: str = "") -> agenda.NewItem | None:
    """The item's fields from the form, each checked next to its field (None when wrong)."""
    form.check("title", lambda: clean_text(form.text("title"), texts.FIELD_TITLE, limit=500))
    minutes = form.check("minutes", lambda: parse_minutes(form.text("minutes")))
    form.check("presenter", lambda: optional_text(form.text("presenter"), texts.FIELD_TITLE))
    form.check(
        "sagsbeskrivelse",
        lambda: optional_text(form.text("sagsbeskrivelse"), texts.FIELD_DESCRIPTION, limit=50000),
    )
    bilag = form.check("attachments", lambda: agenda.parse_attachments(form.text("attachments")))
    if not form.ok or minutes is None or bilag is None:
        return None
    shown = "sagsbeskrivelse" in form.values  # a too long one is not in the edit form
    return agenda.NewItem(
        title=form.text("title"),
        section=section,
        minutes=minutes,
        presenter=form.text("presenter"),
        indstilling=form.text("indstilling"),
        sagsbeskrivelse=form.text("sagsbeskrivelse") if shown else keep_description,
        attachments=bilag,
    )


def submit_item(
    c: Container, person: Person | None, form: Form, slack_guests: list[GuestRef]
) -> Ack:
    """Add the item with its guests (Slack users and e-mail-only guests)."""
    meeting = _editable_meeting(c, form, person)
    if meeting is None or meeting.id is None:
        return form.response()
    section = form.choice("section")
    if not is_id(section):
        form.fail("section", texts.SEC_NO_SECTION)
    emails = form.check("guests_email", lambda: parse_guest_emails(form.text("guests_email")))
    spec = _item_spec(form, int(section) if is_id(section) else 0)
    if not form.ok or spec is None or emails is None:
        return form.response()
    meeting_id = meeting.id
    guests = [*slack_guests, *emails]
    item = form.check(
        "title", lambda: add_item_with_guests(c.uow(), meeting_id, spec, guests, now=c.clock())
    )
    if item is None:
        return form.response()
    with c.uow() as uow:
        fresh = meetings.get_meeting(uow, meeting_id)
        number = item_number(fresh, next(i for i in fresh.items if i.id == item.id))
    return result_view(c, meeting.id, texts.SEC_ITEM_ADDED.format(number=number, title=item.title))


def submit_item_edit(
    c: Container, person: Person | None, form: Form, slack_guests: list[GuestRef]
) -> Ack:
    """Save an edited item's contents and guests; its place on the agenda stays."""
    meeting_id, item_id = form.meta_int("meeting"), form.meta_int("item")
    if meeting_id is None or item_id is None:
        return message_view(texts.SEC_ITEM_GONE)
    try:
        meeting, _ = item_ref(c, meeting_id, item_id)
        secretary_of_meeting(c, meeting, person)
        meeting.ensure_editable()
    except KluError as exc:
        return message_view(exc.message)
    item = next(i for i in meeting.items if i.id == item_id)
    emails = form.check("guests_email", lambda: parse_guest_emails(form.text("guests_email")))
    spec = _item_spec(form, item.section, keep_description=item.sagsbeskrivelse)
    if not form.ok or spec is None or emails is None:
        return form.response()
    guests = [*slack_guests, *emails]
    saved = form.check(
        "title",
        lambda: update_item_with_guests(c.uow(), meeting_id, item_id, spec, guests, now=c.clock()),
    )
    if saved is None:
        return form.response()
    _, number = item_ref(c, meeting_id, item_id)
    return result_view(
        c, meeting_id, texts.SEC_ITEM_UPDATED.format(number=number, title=saved.title)
    )


def item_ref(c: Container, meeting_id: int, item_id: int) -> tuple[Meeting, str]:
    """The meeting and the item's current number ('2.b'), or a Danish NotFoundError."""
    with c.uow() as uow:
        meeting = meetings.get_meeting(uow, meeting_id)
        found = [i for i in meeting.items if i.id == item_id]
        if not found:
            raise NotFoundError(texts.SEC_ITEM_GONE)
        return meeting, item_number(meeting, found[0])


def secretary_of_meeting(c: Container, meeting: Meeting, person: Person | None) -> None:
    """Refuse unless the person is the secretary of the meeting's committee."""
    with c.uow() as uow:
        committee = uow.committees.get(meeting.committee_id)
        assert committee is not None
        must_be_secretary(c, uow, committee, person, texts.SEC_ACTION_AGENDA)


def meeting_for_secretary(
    c: Container, ref: str, person: Person | None
) -> tuple[Meeting, Committee]:
    """A meeting by id with its committee, when the person is that committee's secretary."""
    if not is_id(ref):
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
    if position_text and not is_id(position_text):
        form.fail("position", texts.SEC_BAD_POSITION.format(value=position_text))
        return form.response()
    section = int(form.choice("section") or 0) or None
    position = int(position_text) if position_text else None
    item = form.check(
        "position",
        lambda: agenda.move_item(
            c.uow(), meeting_id, ref, section=section, position=position, now=c.clock()
        ),
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
        item = agenda.remove_item(c.uow(), meeting_id, ref, now=c.clock())
    except KluError as exc:
        return message_view(exc.message)
    return result_view(c, meeting_id, texts.SEC_ITEM_REMOVED.format(title=item.title))
