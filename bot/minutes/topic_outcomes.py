"""Topics stay on the bruttoliste until their item gets an outcome other than postponed."""

from __future__ import annotations

from datetime import datetime

from bot.domain import Meeting, Outcome, Person
from bot.ports import UnitOfWork


def settle_topics(uow: UnitOfWork, meeting: Meeting, *, actor: Person | None, now: datetime) -> int:
    """Mark topics done whose item was dealt with; a postponed one stays scheduled."""
    done = 0
    for item in meeting.items:
        if item.topic_id is None or item.outcome is None:
            continue
        topic = uow.topics.get(item.topic_id)
        if topic is None:
            continue
        if item.outcome != Outcome.POSTPONED and topic.settle(
            meeting.id, now, actor.id if actor else None
        ):
            done += 1
    return done
