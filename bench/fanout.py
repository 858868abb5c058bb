"""The clock's fan-out: one reminder to each of N members, against the Slack stand-in."""

from __future__ import annotations

import json
import resource
import sys
import time
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bench import seed
from bench.servers import TOKEN, StandIn
from bot.config import Settings
from bot.domain import MeetingStatus
from bot.reminders.planning import plan_reminders
from handlers.bootstrap import bootstrap
from handlers.clock import tick
from handlers.delivery import make_senders, run_dispatch
from storage import tables as t

CPH = ZoneInfo("Europe/Copenhagen")


@dataclass
class FanOut:
    """What one fan-out run did and cost (peak_mb: the process's peak resident set)."""

    recipients: int
    plan_s: float = 0.0
    plan_cpu_s: float = 0.0
    send_s: float = 0.0
    send_cpu_s: float = 0.0
    ticks: int = 0
    peak_mb: float = 0.0
    sent_rows: int = 0
    posts: int = 0
    channels: int = 0
    repeated: int = 0
    second_round: int = -1

    @property
    def bot_ms_each(self) -> float:
        """The bot's own CPU per reminder (planning + sending, this process only)."""
        return (self.plan_cpu_s + self.send_cpu_s) / self.recipients * 1000


def run(url: str, recipients: int) -> FanOut:
    """A meeting tomorrow, N members on Slack, the clock at the day-before reminder's time."""
    meeting_day = datetime(2026, 12, 3, 15, 0, tzinfo=CPH)
    due = datetime(2026, 12, 2, 9, 0, tzinfo=CPH)
    container = seed.committee_db(url, due)
    engine = container._engine
    seed.add_members(engine, recipients, due.date())
    with engine.begin() as conn:
        conn.execute(
            t.meetings.insert().values(
                committee_id=1, title="KLU-møde", starts_at=meeting_day,
                ends_at=meeting_day + timedelta(hours=2), place=seed.COMMITTEE.default_place,
                status=MeetingStatus.CALLED, case_no="", doc_no="", calendar_uid="fan@klu-bot",
                calendar_sequence=0, next_meeting_note="",
            )
        )  # fmt: skip
    seed.analyze(engine)
    engine.dispose()
    standin = StandIn()
    result = FanOut(recipients)
    try:
        settings = replace(
            Settings(database_url=url), slack_bot_token=TOKEN, slack_api_url=standin.base_url
        )
        clock = bootstrap(settings, clock=lambda: due, migrate=False)
        senders = make_senders(settings)
        w0, c0 = time.perf_counter(), time.process_time()
        planned = plan_reminders(clock.uow, due)
        result.plan_s, result.plan_cpu_s = time.perf_counter() - w0, time.process_time() - c0
        assert len(planned.enqueued) >= recipients, len(planned.enqueued)
        w0, c0 = time.perf_counter(), time.process_time()
        while True:  # as the clock's loop between its once-a-minute plans: dispatch rounds
            report = run_dispatch(clock, senders)  # until one sends nothing (the roster's
            result.ticks += 1  # members without Slack get e-mail: no SMTP here, they wait)
            if not report.sent and not report.retried:
                break
        result.send_s, result.send_cpu_s = time.perf_counter() - w0, time.process_time() - c0
        result.peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result.second_round = len(tick(clock, senders).plan.enqueued)
        with clock._engine.connect() as conn:
            result.sent_rows = int(
                conn.execute(
                    select(func.count()).where(
                        t.deliveries.c.key.like("reminder:daybefore:%"),
                        t.deliveries.c.status == "sent",
                        t.deliveries.c.channel == "slack",
                    )
                ).scalar_one()
            )
        clock.close()
    finally:
        summary: dict[str, Any] = standin.finish()
    result.posts = int(summary.get("posts", 0))
    result.channels = int(summary.get("channels", 0))
    result.repeated = int(summary.get("repeated", 0))
    return result


def main() -> None:
    """`python -m bench.fanout URL N`: run in a fresh process (its peak RSS is the figure);
    prints the result as JSON."""
    result = run(sys.argv[1], int(sys.argv[2]))
    print(json.dumps(asdict(result)))


if __name__ == "__main__":
    main()
