"""Benchmark data: the sample committee, two linked Slack users, and bulk topics/meetings.

The committee and roster go through the use cases (as in production); the bulk rows are
inserted with SQLAlchemy Core in a few statements, so 100,000 topics take seconds.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text

from bot.config import Settings
from bot.domain import MeetingStatus, Role, TopicStatus
from bot.people import committees
from bot.people import roster as people
from bot.people.committees import bind_channel
from bot.people.identity import link_chat_user
from handlers.bootstrap import Container, bootstrap
from storage import tables as t
from storage.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
ROSTER = ROOT / "examples" / "roster.csv"
CHANNEL = "C_KLU"
SECRETARY = ("U_CAMILLA", "camilla.juul@fjordby.dk", "Camilla Juul")
MEMBER = ("U_SOFIE", "sofie.brandt@plo-fjordby.dk", "Sofie Brandt")
COMMITTEE = committees.CommitteeSettings(
    name="Kommunalt Lægeligt Udvalg",
    short_name="KLU",
    organiser_unit="Fjordby Kommune, Sundhed og Omsorg",
    default_place="Rådhusgade 4, 2. sal, mødelokale 1",
    secretariat_name="Camilla Juul",
    secretariat_email="camilla.juul@fjordby.dk",
    secretariat_phone="+45 99 31 00 42",
)
# The bruttoliste shows open and scheduled topics: half of the seeded ones.
STATUS_CYCLE = [TopicStatus.OPEN, TopicStatus.SCHEDULED, TopicStatus.DONE, TopicStatus.WITHDRAWN]
CHUNK = 5000


def reset(url: str) -> None:
    """An empty database at the URL (SQLite file removed, PostgreSQL schema dropped)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def sibling(url: str, name: str) -> str:
    """A second database beside the one at the URL (a file beside it; a database on the
    same PostgreSQL server, created when missing), e.g. for the large data set."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        return f"sqlite:///{path.with_name(f'{path.stem}-{name}{path.suffix}')}"
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    database = f"{parsed.database}_{name}"
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        found = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}
        ).first()
        if found is None:
            conn.execute(text(f'CREATE DATABASE "{database}"'))
    engine.dispose()
    return parsed.set(database=database).render_as_string(hide_password=False)


def committee_db(url: str, now: datetime) -> Container:
    """Migrate an empty database and add the committee, roster, channel and two linked users."""
    reset(url)
    upgrade(url)
    container = bootstrap(Settings(database_url=url), clock=lambda: now, migrate=False)
    committee = committees.setup_committee(container.uow(), COMMITTEE)
    people.import_roster(container.uow(), ROSTER.read_bytes(), today=now.date())
    assert committee.id is not None
    bind_channel(container.uow(), committee.id, CHANNEL)
    for user_id, email, _ in (SECRETARY, MEMBER):
        link_chat_user(container.uow(), email, user_id)
    return container


def _ids(engine: Engine) -> tuple[int, list[int]]:
    with engine.connect() as conn:
        committee_id = int(conn.execute(select(t.committees.c.id)).scalar_one())
        people_ids = [int(i) for i in conn.execute(select(t.people.c.id)).scalars()]
    return committee_id, people_ids


def add_topics(engine: Engine, count: int, now: datetime) -> None:
    """`count` topics (a quarter each open, scheduled, done, withdrawn), one event each."""
    committee_id, people_ids = _ids(engine)
    with engine.begin() as conn:
        start = int(conn.execute(select(func.coalesce(func.max(t.topics.c.id), 0))).scalar_one())
        for lo in range(0, count, CHUNK):
            rows, events = [], []
            for i in range(lo, min(count, lo + CHUNK)):
                at = now - timedelta(minutes=count - i)
                rows.append(
                    {
                        "id": start + i + 1,
                        "committee_id": committee_id,
                        "text": f"Emne {i + 1}: samarbejde om akutte hjemmebesøg og vagtlægen",
                        "description": "",
                        "note": "",
                        "proposer_id": people_ids[i % len(people_ids)],
                        "proposed_at": at,
                        "origin": "Slack",
                        "origin_meeting_id": None,
                        "status": STATUS_CYCLE[i % len(STATUS_CYCLE)],
                    }
                )
                events.append(
                    {"topic_id": start + i + 1, "at": at, "kind": "proposed", "detail": ""}
                )
            conn.execute(insert(t.topics), rows)
            conn.execute(insert(t.topic_events), events)
    _fix_sequences(engine)


def add_meetings(engine: Engine, count: int, now: datetime, items: int = 4) -> None:
    """`count` weekly meetings, half held before now and half coming, `items` items each."""
    committee_id, _ = _ids(engine)
    first = now - timedelta(weeks=count // 2) + timedelta(days=1)
    with engine.begin() as conn:
        start = int(conn.execute(select(func.coalesce(func.max(t.meetings.c.id), 0))).scalar_one())
        meetings, agenda = [], []
        for i in range(count):
            at = (first + timedelta(weeks=i)).replace(hour=13, minute=0, second=0, microsecond=0)
            mid = start + i + 1
            meetings.append(
                {
                    "id": mid,
                    "committee_id": committee_id,
                    "title": f"KLU-møde {i + 1}",
                    "starts_at": at,
                    "ends_at": at + timedelta(hours=2),
                    "place": COMMITTEE.default_place,
                    "status": MeetingStatus.HELD if at < now else MeetingStatus.CALLED,
                    "case_no": "",
                    "doc_no": "",
                    "calendar_uid": f"bench-{mid}@klu-bot",
                    "calendar_sequence": 0,
                    "next_meeting_note": "",
                }
            )
            for pos in range(items):
                agenda.append(
                    {
                        "meeting_id": mid,
                        "section": 1,
                        "position": pos + 1,
                        "title": f"Punkt {pos + 1}: orientering fra PLO-K og kommunen",
                        "planned_minutes": 20,
                        "indstilling": "",
                        "sagsbeskrivelse": "",
                        "presenter": "Henrik Lund",
                        "referat": "",
                        "beslutning": "",
                    }
                )
        if meetings:
            conn.execute(insert(t.meetings), meetings)
            conn.execute(insert(t.agenda_items), agenda)
    _fix_sequences(engine)


def add_members(engine: Engine, count: int, today: date) -> list[str]:
    """`count` more members, each linked to a Slack user U_B<n>; their user ids."""
    committee_id, _ = _ids(engine)
    users = [f"U_B{i:05d}" for i in range(count)]
    with engine.begin() as conn:
        start = int(conn.execute(select(func.coalesce(func.max(t.people.c.id), 0))).scalar_one())
        conn.execute(
            insert(t.people),
            [
                {
                    "id": start + i + 1,
                    "name": f"Medlem {i}",
                    "email": f"medlem{i}@bench.example",
                    "slack_user_id": user,
                }
                for i, user in enumerate(users)
            ],
        )
        conn.execute(
            insert(t.memberships),
            [
                {
                    "committee_id": committee_id,
                    "person_id": start + i + 1,
                    "role": Role.MEMBER,
                    "active_from": today - timedelta(days=30),
                    "active_to": None,
                }
                for i in range(count)
            ],
        )
    _fix_sequences(engine)
    return users


def _fix_sequences(engine: Engine) -> None:
    """PostgreSQL: move the id sequences past the explicit ids; SQLite needs nothing."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in (t.people, t.topics, t.meetings):
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table.name}))"
                )
            )


def analyze(engine: Engine) -> None:
    """PostgreSQL: VACUUM ANALYZE (visibility map and planner statistics), as autovacuum
    gives a table soon after a bulk insert; SQLite: a checkpoint
    only (production never runs ANALYZE there, so neither do we)."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        path = str(engine.url.database)
        with sqlite3.connect(path) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def utcnow() -> datetime:
    """Wall-clock now (the served app uses the system clock)."""
    return datetime.now(UTC)
