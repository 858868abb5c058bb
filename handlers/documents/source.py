"""The documents the outbox sends, rendered when they are sent, never inside a request.

A delivery names its document ({"kind": "referat" | "dagsorden", "meeting_id": N}); the
sender asks `document_source(container)` for the PDF at send time, in the outbox worker or
the clock, so a Slack request that approves the minutes answers at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from bot.errors import NotFoundError
from bot.messaging.outbox import PermanentFailure
from bot.minutes.minutes_file import load_doc
from bot.minutes.model import AGENDA, MINUTES
from handlers.bootstrap import Container
from handlers.documents.pdf import render_pdf

DocumentSource = Callable[[Mapping[str, Any]], bytes]


def document_source(container: Container) -> DocumentSource:
    """Renders the document a delivery names, from the database as it is now."""

    def render(ref: Mapping[str, Any]) -> bytes:
        kind = str(ref.get("kind") or "")
        if kind not in (AGENDA, MINUTES):
            raise PermanentFailure(f"unknown document kind {kind!r}")
        meeting_id = int(ref.get("meeting_id") or 0)
        with container.uow() as uow:
            meeting = uow.meetings.get(meeting_id)
            committee = uow.committees.get(meeting.committee_id) if meeting else None
        if committee is None:
            raise PermanentFailure(f"no meeting {meeting_id} for a {kind}")
        try:
            return render_pdf(load_doc(container.uow(), committee, meeting_id, kind=kind))
        except NotFoundError as exc:
            raise PermanentFailure(str(exc)) from exc

    return render
