"""The documents the outbox sends, rendered when they are sent, never inside a request.

A delivery names its document ({"kind": "referat" | "dagsorden", "meeting_id": N}); the
sender asks `document_source(container)` for the PDF at send time, in the outbox worker or
the clock, so a Slack request that approves the minutes (or calls a meeting) answers at once.

The calling sends the same dagsorden to every member: a PDF is kept for the document's HTML
(a few of the latest), so a round of invitations prints it once, and an edited agenda,
whose HTML differs, is printed anew.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from bot.errors import NotFoundError
from bot.messaging.outbox import PermanentFailure
from bot.minutes.document import to_html
from bot.minutes.minutes_file import load_doc
from bot.minutes.model import AGENDA, MINUTES, MinutesDoc
from handlers.bootstrap import Container
from handlers.documents.pdf import render_pdf

DocumentSource = Callable[[Mapping[str, Any]], bytes]
KEEP = 4  # printed documents kept per source, newest last


class _Printed:
    """PDFs by the SHA-256 of the HTML they were printed from (thread-safe, KEEP at most)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pdfs: OrderedDict[str, bytes] = OrderedDict()

    def pdf(self, doc: MinutesDoc) -> bytes:
        key = hashlib.sha256(to_html(doc).encode("utf-8")).hexdigest()
        with self._lock:
            if key in self._pdfs:
                self._pdfs.move_to_end(key)
                return self._pdfs[key]
        pdf = render_pdf(doc)  # outside the lock: printing takes a while
        with self._lock:
            self._pdfs[key] = pdf
            while len(self._pdfs) > KEEP:
                self._pdfs.popitem(last=False)
        return pdf


def document_source(container: Container) -> DocumentSource:
    """Renders the document a delivery names, from the database as it is now."""
    printed = _Printed()

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
            return printed.pdf(load_doc(container.uow(), committee, meeting_id, kind=kind))
        except NotFoundError as exc:
            raise PermanentFailure(str(exc)) from exc

    return render
