"""The bruttoliste: propose, list, annotate, schedule onto a meeting, withdraw."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import texts
from bot.domain import Committee, Person, Section, Topic, TopicEvent, TopicStatus
from bot.errors import ConflictError, InputError, NotFoundError
from bot.meetings.agenda import NewItem, add_item_in
from bot.meetings.planning import get_meeting
from bot.ports import UnitOfWork
from bot.validation import clean_text, is_id, optional_text

OPEN_FIRST = {
    TopicStatus.OPEN: 0,
    TopicStatus.SCHEDULED: 1,
    TopicStatus.DONE: 2,
    TopicStatus.WITHDRAWN: 3,
}


# A proposal the same person made with the same text this recently is taken to be the same
# one typed again (its answer never arrived: a worker killed mid-request, a lost connection).
REPEAT_WINDOW = timedelta(minutes=10)


class AlreadyProposedError(ConflictError):
    """The proposer put this very topic on the bruttoliste a moment ago; nothing was added."""

    def __init__(self, topic_id: int) -> None:
        super().__init__(texts.TOPIC_ALREADY_PROPOSED.format(id=topic_id))
        self.topic_id = topic_id


def same_text(text: str) -> str:
    """A topic's text as compared for a repeat: case, spacing and a closing full stop,
    exclamation or question mark do not count."""
    return " ".join(text.casefold().split()).rstrip(" .!?")


@dataclass(frozen=True)
class NewTopic:
    """A proposal as a member makes it."""

    text: str
    description: str = ""
    note: str = ""
    origin: str = ""
    origin_meeting_id: int | None = None


def propose_topic(
    uow: UnitOfWork,
    committee: Committee,
    proposer: Person,
    spec: NewTopic,
    *,
    now: datetime,
    then: Callable[[UnitOfWork, Topic], None] | None = None,
) -> Topic:
    """Put a topic on the bruttoliste with the proposer and time.

    `then` runs in the same transaction once the topic has its id (e.g. to enqueue the
    confirmation), so the topic and what is sent about it are stored together or not at all.
    The same text from the same proposer within REPEAT_WINDOW adds nothing and raises
    AlreadyProposedError (retyping a topic whose answer was lost makes no duplicate).
    """
    assert committee.id is not None and proposer.id is not None
    if not optional_text(spec.text, texts.FIELD_TOPIC):
        raise InputError(texts.TOPIC_TEXT_EMPTY)
    topic = Topic(
        committee_id=committee.id,
        text=clean_text(spec.text, texts.FIELD_TOPIC),
        description=optional_text(spec.description, texts.FIELD_DESCRIPTION, limit=10000),
        note=optional_text(spec.note, texts.FIELD_NOTE),
        origin=spec.origin.strip()[:300],
        origin_meeting_id=spec.origin_meeting_id,
        proposer_id=proposer.id,
        proposed_at=now,
    )
    topic.events.append(TopicEvent(at=now, kind="proposed", actor_id=proposer.id))
    with uow:
        uow.topics.insert(topic)
        _refuse_repeat(uow, topic, now - REPEAT_WINDOW)
        if then is not None:
            then(uow, topic)
        uow.commit()
    return topic


def _refuse_repeat(uow: UnitOfWork, topic: Topic, since: datetime) -> None:
    """Raise (so the insert is rolled back) when an earlier proposal is this one again."""
    key = same_text(topic.text)
    for other_id, other_text in uow.topics.proposed_since(
        topic.committee_id, topic.proposer_id, since
    ):
        if other_id != topic.id and same_text(other_text) == key:
            raise AlreadyProposedError(other_id)


def list_topics(
    uow: UnitOfWork, committee: Committee, *, include_closed: bool = False
) -> Sequence[Topic]:
    """Open topics first (oldest first within a status); closed ones only on request."""
    assert committee.id is not None
    statuses = None if include_closed else [TopicStatus.OPEN, TopicStatus.SCHEDULED]
    topics = uow.topics.for_committee(committee.id, statuses)
    return sorted(topics, key=lambda t: (OPEN_FIRST[t.status], t.proposed_at, t.id or 0))


def parse_topic_ref(ref: str | int) -> int:
    """'#12', '12' -> 12."""
    text = str(ref).strip().lstrip("#")
    if not is_id(text):
        raise InputError(texts.UNKNOWN_TOPIC.format(ref=ref))
    return int(text)


def _get(uow: UnitOfWork, committee: Committee, ref: str | int) -> Topic:
    topic = uow.topics.get(parse_topic_ref(ref))
    if topic is None or topic.committee_id != committee.id:
        raise NotFoundError(texts.UNKNOWN_TOPIC.format(ref=ref))
    return topic


def annotate_topic(
    uow: UnitOfWork,
    committee: Committee,
    ref: str | int,
    note: str,
    *,
    actor: Person | None,
    now: datetime,
) -> Topic:
    """Set the topic's note ("afstemmes med …") and record it in its history."""
    with uow:
        topic = _get(uow, committee, ref)
        topic.note = clean_text(note, texts.FIELD_NOTE)
        topic.events.append(
            TopicEvent(at=now, kind="annotated", detail=topic.note, actor_id=_id(actor))
        )
        uow.commit()
        return topic


def schedule_topic(
    uow: UnitOfWork,
    committee: Committee,
    ref: str | int,
    meeting_id: int,
    *,
    actor: Person | None,
    now: datetime,
    section: int = Section.FOR_DECISION,
    minutes: int = 15,
) -> Topic:
    """Put an open topic on a coming meeting's agenda as a new item that carries it."""
    with uow:
        topic = _get(uow, committee, ref)
        topic.ensure_open()
        meeting = get_meeting(uow, meeting_id)
        if meeting.committee_id != committee.id:
            raise NotFoundError(texts.UNKNOWN_MEETING.format(ref=meeting_id))
        meeting.ensure_editable()
        if meeting.ends_at <= now:
            raise ConflictError(texts.MEETING_IN_PAST)
        spec = NewItem(
            title=topic.text[:500],
            section=section,
            minutes=minutes,
            sagsbeskrivelse=topic.description,
            topic_id=topic.id,
        )
        add_item_in(uow, meeting, spec)
        topic.schedule(meeting.id, now, _id(actor))
        uow.commit()
        return topic


def withdraw_topic(
    uow: UnitOfWork,
    committee: Committee,
    ref: str | int,
    *,
    actor: Person | None,
    now: datetime,
    reason: str = "",
) -> Topic:
    """Withdraw a topic; it stays in history but leaves the list."""
    with uow:
        topic = _get(uow, committee, ref)
        topic.withdraw(now, optional_text(reason, texts.FIELD_REASON), _id(actor))
        uow.commit()
        return topic


def _id(person: Person | None) -> int | None:
    return None if person is None else person.id
