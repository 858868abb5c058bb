"""Invitations: build one (.ics + iMIP e-mail), and build and send N by e-mail to a local
SMTP server (aiosmtpd on 127.0.0.1)."""

from __future__ import annotations

import json
import resource
import statistics
import sys
import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from email import message_from_bytes
from typing import Any
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller
from sqlalchemy import update

from bench import seed
from bench.servers import free_port
from bot.config import Settings
from bot.domain import MeetingStatus
from bot.invitations.calendar.ics import Attendee, CalendarEvent, build_ics
from bot.invitations.calendar.imip import build_imip_message
from bot.invitations.sync import send_invitations
from handlers.bootstrap import bootstrap
from handlers.delivery import make_senders, run_dispatch
from handlers.documents.source import document_source
from storage import tables as t

CPH = ZoneInfo("Europe/Copenhagen")


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"


@dataclass
class Invites:
    """One build (median of `samples`), and N built and sent."""

    one_ms: float = 0.0
    samples: int = 0
    count: int = 0
    build_s: float = 0.0
    send_s: float = 0.0
    received: int = 0
    distinct: int = 0
    calendars: int = 0
    peak_mb: float = 0.0


def one_invitation(now: datetime) -> float:
    """Seconds to build one attendee's .ics and its iMIP e-mail."""
    start = datetime(2026, 12, 3, 15, 0, tzinfo=CPH)
    t0 = time.perf_counter()
    event = CalendarEvent(
        uid="bench@klu-bot", sequence=0, method="REQUEST", summary="KLU-møde",
        start=start, end=start + timedelta(hours=2), tzid="Europe/Copenhagen",
        location=seed.COMMITTEE.default_place, description="Dagsorden følger.",
        organizer_name="Camilla Juul", organizer_email="camilla.juul@fjordby.dk",
        attendees=(Attendee("Sofie Brandt", "sofie.brandt@plo-fjordby.dk", "REQ-PARTICIPANT",
                            "NEEDS-ACTION", True),),
        dtstamp=now, status="CONFIRMED",
    )  # fmt: skip
    ics = build_ics(event)
    build_imip_message(
        sender="klu-bot@fjordby.dk", sender_name="KLU-bot",
        recipient="sofie.brandt@plo-fjordby.dk", recipient_name="Sofie Brandt",
        subject="Indkaldelse: KLU-møde", text="Du er indkaldt.", ics=ics, method="REQUEST",
    )  # fmt: skip
    return time.perf_counter() - t0


def run(url: str, count: int, samples: int = 200) -> Invites:
    """`count` members with e-mail only, one meeting, send_invitations, dispatch over SMTP."""
    now = datetime(2026, 11, 20, 10, 0, tzinfo=CPH)
    result = Invites(samples=samples, count=count)
    times = [one_invitation(now) for _ in range(samples)]
    result.one_ms = statistics.median(times) * 1000
    container = seed.committee_db(url, now)
    engine = container._engine
    seed.add_members(engine, count, now.date())
    with engine.begin() as conn:  # e-mail only: nobody on the roster has Slack here
        conn.execute(update(t.people).values(slack_user_id=None))
        start = datetime(2026, 12, 3, 15, 0, tzinfo=CPH)
        inserted = conn.execute(
            t.meetings.insert().values(
                committee_id=1, title="KLU-møde", starts_at=start,
                ends_at=start + timedelta(hours=2), place=seed.COMMITTEE.default_place,
                status=MeetingStatus.DRAFT, case_no="", doc_no="", calendar_uid="inv@klu-bot",
                calendar_sequence=0, next_meeting_note="",
            )
        ).inserted_primary_key  # fmt: skip
        assert inserted is not None
        meeting_id = inserted[0]
    seed.analyze(engine)
    engine.dispose()
    inbox = _Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        settings = replace(
            Settings(database_url=url),
            smtp_url=f"smtp://127.0.0.1:{smtp.port}",
            mail_from="klu-bot@fjordby.dk",
        )
        app = bootstrap(settings, clock=lambda: now, migrate=False)
        t0 = time.perf_counter()
        report = send_invitations(app.uow(), int(meeting_id), now=now, email_enabled=True)
        result.build_s = time.perf_counter() - t0
        assert report.requests >= count, report
        senders = make_senders(settings, document_source(app))  # each e-mail has the dagsorden
        t0 = time.perf_counter()
        while run_dispatch(app, senders).sent:
            pass
        result.send_s = time.perf_counter() - t0
        app.close()
    finally:
        smtp.stop()
    result.received = len(inbox.messages)
    result.distinct = len({tuple(r) for r, _ in inbox.messages})
    result.calendars = sum(1 for _, raw in inbox.messages if _has_calendar(raw))
    result.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def _has_calendar(raw: bytes) -> bool:
    return any(
        part.get_content_type() == "text/calendar" for part in message_from_bytes(raw).walk()
    )


def main() -> None:
    """`python -m bench.invites URL N`: prints the result as JSON."""
    print(json.dumps(asdict(run(sys.argv[1], int(sys.argv[2])))))


if __name__ == "__main__":
    main()
