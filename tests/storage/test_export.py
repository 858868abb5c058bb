"""Committee export and import: a round trip gives the same bytes; a bad file changes nothing."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, select

from bot.config import Settings
from bot.domain import (
    ActionItem,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    ItemGuest,
    Membership,
    MinutesChange,
    Person,
    Role,
)
from bot.errors import ConflictError, InputError
from bot.meetings import planning as meetings
from bot.meetings.create import create_meeting
from bot.messaging import outbox
from bot.people import roster as people
from bot.people.committees import CommitteeSettings, find_committee, setup_committee
from bot.topics import proposals as topics
from handlers.bootstrap import Container, bootstrap
from handlers.cli.main import main
from storage.backup.export import dumps, export_committee, skipped_tables
from storage.backup.restore import import_committee
from storage.migrate import upgrade
from storage.tables import metadata
from tests.conftest import FakeClock, _reset_postgres

ON_POSTGRES = bool(os.environ.get("KLU_TEST_DATABASE_URL", "").strip())


def everything(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (alembic_version too), to prove nothing changed."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {
            name: sorted((tuple(r) for r in conn.execute(select(t))), key=repr)
            for name, t in sorted(meta.tables.items())
        }


@pytest.fixture
def rich(sample: Container, clock: FakeClock) -> Container:
    """The sample committee plus topics, attendance, action items, a correction, deliveries."""
    c = sample
    with c.uow() as uow:
        committee = find_committee(uow, "KLU")
        sofie = people.find_person(uow, "sofie.brandt@plo-fjordby.dk")
        meeting = uow.meetings.for_committee(committee.id or 0)[0]
    spec = topics.NewTopic(text="Samarbejde om hjemmebesøg", note="Fra praksissiden")
    first = topics.propose_topic(c.uow(), committee, sofie, spec, now=clock())
    clock.advance(minutes=5)
    topics.propose_topic(c.uow(), committee, sofie, topics.NewTopic(text="Rusmidler"), now=clock())
    topics.annotate_topic(
        c.uow(), committee, first.id or 0, "Tages i juni", actor=sofie, now=clock()
    )
    topics.schedule_topic(
        c.uow(), committee, first.id or 0, meeting.id or 0, actor=None, now=clock()
    )
    assert meeting.id is not None and sofie.id is not None
    with c.uow() as uow:
        uow.attendance.add(
            Attendance(meeting.id, sofie.id, AttendanceStatus.REGRETS, clock(), "slack", "Ferie")
        )
        uow.actions.add(
            ActionItem(
                meeting.id,
                "Send notat",
                owner_id=sofie.id,
                owner_name="Sofie Brandt",
                due=date(2026, 7, 1),
            )
        )
        uow.minutes_changes.add(
            MinutesChange(
                meeting.id,
                clock(),
                "referat",
                "a",
                "b",
                actor_id=sofie.id,
                actor_name="Sofie Brandt",
            )
        )
        outbox.enqueue(
            uow,
            key="test:sofie",
            channel=outbox.EMAIL,
            kind="test",
            recipient="sofie.brandt@plo-fjordby.dk",
            payload={"æ": "ø"},
            now=clock(),
        )
        outbox.enqueue(
            uow,
            key="test:stranger",
            channel=outbox.EMAIL,
            kind="test",
            recipient="someone@else.dk",
            payload={},
            now=clock(),
        )
        uow.commit()
    return c


@pytest.fixture
def target(db_url: str, tmp_path: Path, clock: FakeClock, rich: Container) -> Iterator[Any]:
    """A factory for an empty database to import into (on PostgreSQL: the same one, reset)."""
    made: list[Container] = []

    def make() -> Container:
        if ON_POSTGRES:
            rich.close()
            _reset_postgres(db_url)
            url = db_url
        else:
            url = f"sqlite:///{tmp_path / 'target.db'}"
        made.append(bootstrap(Settings(database_url=url), clock=clock))
        return made[-1]

    yield make
    for c in made:
        c.close()


def export_text(c: Container) -> str:
    with c.uow() as uow:
        committee = find_committee(uow, "KLU")
    assert committee.id is not None
    return dumps(export_committee(c._engine, committee.id))


def test_export_holds_the_committee_data(rich: Container) -> None:
    doc = json.loads(export_text(rich))
    assert doc["format_version"] == 1
    assert doc["alembic_revision"]
    assert doc["committee"] == "KLU"
    t = doc["tables"]
    assert [c["short_name"] for c in t["committees"]] == ["KLU"]
    assert len(t["people"]) == 16  # the roster and two item guests
    assert len(t["memberships"]) == 14
    assert len(t["topics"]) == 2
    assert [e["kind"] for e in t["topic_events"]][:2] == ["proposed", "proposed"]
    assert len(t["item_guests"]) == 2
    assert t["attendance"][0]["status"] == "afbud"
    assert t["action_items"][0]["due"] == "2026-07-01"
    assert t["meetings"][0]["starts_at"] == "2026-06-18T13:00:00Z"
    assert {r["role"] for r in t["memberships"]} <= {r.value for r in Role}
    assert [d["key"] for d in t["deliveries"]] == ["test:sofie"]
    assert len(t["minutes_changes"]) == 1


def test_every_table_is_exported_or_knowingly_skipped(rich: Container) -> None:
    doc = json.loads(export_text(rich))
    skipped = ["health", "inbox", "mail_failures", "processed_events", "revisions"]
    assert skipped_tables() == skipped
    assert sorted(doc["tables"]) == sorted(set(metadata.tables) - set(skipped))


def test_round_trip_gives_the_same_bytes(rich: Container, target: Any) -> None:
    before = export_text(rich)
    fresh = target()
    report = import_committee(fresh._engine, before.encode())
    assert report.committee == "KLU"
    assert report.counts["people"] == 16
    assert export_text(fresh) == before


def test_new_rows_after_import_get_fresh_ids(
    rich: Container, target: Any, clock: FakeClock
) -> None:
    before = json.loads(export_text(rich))
    fresh = target()
    import_committee(fresh._engine, json.dumps(before).encode())
    with fresh.uow() as uow:
        committee = find_committee(uow, "KLU")
        sofie = people.find_person(uow, "sofie.brandt@plo-fjordby.dk")
    topic = topics.propose_topic(
        fresh.uow(), committee, sofie, topics.NewTopic(text="Nyt"), now=clock()
    )
    assert topic.id == max(t["id"] for t in before["tables"]["topics"]) + 1


def test_import_into_a_database_with_data_is_refused(rich: Container) -> None:
    data = export_text(rich).encode()
    before = everything(rich._engine)
    with pytest.raises(ConflictError, match="KLU findes allerede"):
        import_committee(rich._engine, data)
    assert everything(rich._engine) == before


def test_a_person_already_there_is_merged_by_email(rich: Container, target: Any) -> None:
    doc = json.loads(export_text(rich))
    fresh = target()
    with fresh._engine.begin() as conn:
        conn.execute(
            metadata.tables["people"]
            .insert()
            .values(id=1, name="Sofie B.", email="sofie.brandt@plo-fjordby.dk")
        )
    report = import_committee(fresh._engine, json.dumps(doc).encode())
    assert report.merged == 1
    with fresh.uow() as uow:
        sofie = people.find_person(uow, "sofie.brandt@plo-fjordby.dk")
        assert sofie.id == 1 and sofie.name == "Sofie B."  # the row that was there stays
        assert len(uow.memberships.for_person(1)) == 1
        assert sorted(t.text for t in uow.topics.by_proposer(1)) == [
            "Rusmidler",
            "Samarbejde om hjemmebesøg",
        ]
        everyone = uow.people.list()
    assert len(everyone) == len(doc["tables"]["people"])  # one merged, the others added
    file_ids = {p["id"] for p in doc["tables"]["people"]}
    assert len({p.id for p in everyone}) == len(everyone) and max(file_ids) < max(
        p.id or 0 for p in everyone
    )  # the file's person 1 (not Sofie) got a fresh id


def _broken(doc: dict[str, Any], how: str) -> bytes:
    t = doc["tables"]
    if how == "truncated":
        return json.dumps(doc).encode()[:-200]
    if how == "bad-date":
        t["meetings"][0]["starts_at"] = "18. juni"
    elif how == "bad-enum":
        t["topics"][-1]["status"] = "maaske"
    elif how == "dangling":
        t["attendance"][0]["person_id"] = 999
    elif how == "extra-field":
        t["people"][3]["shoe_size"] = 44
    elif how == "missing-table":
        del t["topics"]
    elif how == "revision":
        doc["alembic_revision"] = "0000"
    elif how == "duplicate-email":
        t["people"][-1]["email"] = t["people"][0]["email"]
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    "how",
    [
        "truncated",
        "bad-date",
        "bad-enum",
        "dangling",
        "extra-field",
        "missing-table",
        "revision",
        "duplicate-email",
    ],
)
def test_a_bad_file_changes_nothing(rich: Container, target: Any, how: str) -> None:
    doc = json.loads(export_text(rich))
    fresh = target()
    before = everything(fresh._engine)
    with pytest.raises(InputError, match="Intet er ændret"):
        import_committee(fresh._engine, _broken(doc, how))
    assert everything(fresh._engine) == before


def test_cli_export_and_import(
    rich: Container,
    target: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    monkeypatch.setenv("DATABASE_URL", str(rich._engine.url.render_as_string(hide_password=False)))
    assert main(["export", "-o", str(first)]) == 0
    assert main(["import", str(first)]) == 1
    assert "findes allerede" in capsys.readouterr().err
    fresh = target()
    monkeypatch.setenv("DATABASE_URL", str(fresh._engine.url.render_as_string(hide_password=False)))
    assert main(["import", str(first)]) == 0
    assert main(["--committee", "KLU", "export", "-o", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()
    out = capsys.readouterr().out
    assert "indlæst" in out and "eksporteret" in out


def test_datetimes_are_utc_iso(rich: Container) -> None:
    doc = json.loads(export_text(rich))
    for row in doc["tables"]["topic_events"]:
        assert row["at"].endswith("Z")
        assert datetime.fromisoformat(row["at"]).tzinfo == UTC


def test_another_committee_stays_out(rich: Container, target: Any, clock: FakeClock) -> None:
    other = setup_committee(rich.uow(), CommitteeSettings(name="Praksisudvalget", short_name="PU"))
    with rich.uow() as uow:
        sofie = people.find_person(uow, "sofie.brandt@plo-fjordby.dk")
        assert other.id is not None and sofie.id is not None
        uow.memberships.add(Membership(other.id, sofie.id, Role.MEMBER, date(2026, 1, 1)))
        uow.commit()
    spec = topics.NewTopic(text="Kun for PU")
    topics.propose_topic(rich.uow(), other, sofie, spec, now=clock())
    klu = json.loads(export_text(rich))["tables"]
    assert "Kun for PU" not in json.dumps(klu, ensure_ascii=False)
    assert {m["committee_id"] for m in klu["memberships"]} == {1}
    pu_text = dumps(export_committee(rich._engine, other.id))
    pu = json.loads(pu_text)["tables"]
    assert [p["email"] for p in pu["people"]] == ["sofie.brandt@plo-fjordby.dk"]
    assert [t["text"] for t in pu["topics"]] == ["Kun for PU"]
    assert pu["meetings"] == [] and pu["topic_events"][0]["kind"] == "proposed"
    fresh = target()
    import_committee(fresh._engine, pu_text.encode())
    assert dumps(export_committee(fresh._engine, other.id)) == pu_text


def _second_committee(c: Container, clock: FakeClock) -> int:
    """PU: Sofie (a KLU member) is a member too, Ida (a KLU guest) is a guest on its item."""
    other = setup_committee(c.uow(), CommitteeSettings(name="Praksisudvalget", short_name="PU"))
    with c.uow() as uow:
        sofie = people.find_person(uow, "sofie.brandt@plo-fjordby.dk")
        ida = people.find_person(uow, "ida.norgaard@fjordby.dk")
        assert other.id is not None and sofie.id is not None and ida.id is not None
        uow.memberships.add(Membership(other.id, sofie.id, Role.MEMBER, date(2026, 1, 1)))
        uow.commit()
    meeting = create_meeting(
        c.uow(), other, meetings.NewMeeting(when="2026-09-03 14:00-15:00"), now=clock()
    )
    with c.uow() as uow:
        found = uow.meetings.get(meeting.id or 0)
        assert found is not None
        item = AgendaItem(2, 1, "Samarbejde om rusmidler", 15, guests=[ItemGuest(ida.id)])
        found.items.append(item)
        uow.commit()
    topics.propose_topic(c.uow(), other, sofie, topics.NewTopic(text="Kun for PU"), now=clock())
    return other.id


def _census(c: Container) -> dict[str, Any]:
    with c.uow() as uow:
        klu, pu = find_committee(uow, "KLU"), find_committee(uow, "PU")
        everyone = uow.people.list()
        sofie = people.find_person(uow, "sofie.brandt@plo-fjordby.dk")
        ida = people.find_person(uow, "ida.norgaard@fjordby.dk")
        return {
            "people": sorted((p.name, p.email) for p in everyone),
            "sofie_in": sorted(m.committee_id for m in uow.memberships.for_person(sofie.id or 0)),
            "ida_on": sorted(i.title for i in uow.meetings.items_with_guest(ida.id or 0)),
            "klu_topics": sorted(t.text for t in topics.list_topics(uow, klu)),
            "pu_topics": sorted(t.text for t in topics.list_topics(uow, pu)),
            "committees": (klu.id, pu.id),
        }


def test_two_committees_sharing_people_restore_into_one_database(
    rich: Container,
    target: Any,
    clock: FakeClock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pu_id = _second_committee(rich, clock)
    klu_text = export_text(rich)
    pu_text = dumps(export_committee(rich._engine, pu_id))
    original = _census(rich)
    klu_file, pu_file = tmp_path / "klu.json", tmp_path / "pu.json"
    klu_file.write_text(klu_text, encoding="utf-8")
    pu_file.write_text(pu_text, encoding="utf-8")
    fresh = target()
    monkeypatch.setenv("DATABASE_URL", str(fresh._engine.url.render_as_string(hide_password=False)))
    assert main(["import", str(klu_file)]) == 0
    assert main(["import", str(pu_file)]) == 0
    out = capsys.readouterr().out
    assert "Udvalget PU er indlæst" in out
    assert "2 personer fandtes allerede (samme e-mail) og er lagt sammen" in out  # Sofie, Ida
    restored = _census(fresh)
    assert restored == original
    assert restored["sofie_in"] == list(restored["committees"])
    assert restored["ida_on"] == [
        "Procedure for lægeerklæringer ved elever i reduceret skema",
        "Samarbejde om rusmidler",
    ]
    assert export_text(fresh) == klu_text  # each committee exports as before
    assert dumps(export_committee(fresh._engine, pu_id)) == pu_text


def test_committees_from_two_databases_get_fresh_ids(
    rich: Container, target: Any, clock: FakeClock, tmp_path: Path
) -> None:
    """PU exported from a database of its own: its ids clash with KLU's and are renumbered."""
    klu_text = export_text(rich)
    url = f"sqlite:///{tmp_path / 'pu.db'}"
    upgrade(url)
    second = bootstrap(Settings(database_url=url), clock=clock)
    with second.uow() as uow:
        uow.people.add(Person("Sofie Brandt", email="sofie.brandt@plo-fjordby.dk"))
        uow.people.add(Person("Ole Ny", email="ole@pu.dk"))
        uow.commit()
    pu_id = _pu_in(second, clock)
    with second.uow() as uow:
        [old_meeting] = uow.meetings.for_committee(pu_id)
        old_sofie = people.find_person(uow, "sofie.brandt@plo-fjordby.dk").id
        for key in (f"reminder:agenda:{old_meeting.id}:{old_sofie}:x", "minutes-summary:1"):
            outbox.enqueue(
                uow,
                key=key,
                channel=outbox.EMAIL,
                kind="t",
                recipient="sofie.brandt@plo-fjordby.dk",
                payload={"committee_id": pu_id},
                now=clock(),
            )
        uow.commit()
    pu_text = dumps(export_committee(second._engine, pu_id))
    fresh = target()
    import_committee(fresh._engine, klu_text.encode())
    report = import_committee(fresh._engine, pu_text.encode())
    assert report.merged == 1
    with fresh.uow() as uow:
        pu = find_committee(uow, "PU")
        sofie = people.find_person(uow, "sofie.brandt@plo-fjordby.dk")
        ole = people.find_person(uow, "ole@pu.dk")
        roster = {e.person.name for e in people.roster(uow, pu, date(2026, 6, 1))}
        [meeting] = uow.meetings.for_committee(pu.id or 0)
        [item] = [i for i in meeting.items if i.title == "Rusmidler"]
        assert [g.person_id for g in item.guests] == [ole.id]
        assert len(uow.memberships.for_person(sofie.id or 0)) == 2
        moved = uow.outbox.get(f"reminder:agenda:{meeting.id}:{sofie.id}:x")
        summary = uow.outbox.get(f"minutes-summary:{meeting.id}")
        klu_summary = uow.outbox.get("minutes-summary:1")
    assert pu.id != 1 and roster == {"Sofie Brandt"}
    assert meeting.id != old_meeting.id and sofie.id != old_sofie  # both renumbered ...
    assert moved is not None and json.loads(moved.payload) == {
        "committee_id": pu.id
    }  # ... keys too
    assert summary is not None and klu_summary is None  # KLU's own summary was never enqueued
    now_klu, then_klu = json.loads(export_text(fresh))["tables"], json.loads(klu_text)["tables"]
    del now_klu["deliveries"], then_klu["deliveries"]  # by recipient: Sofie's PU ones too now
    assert now_klu == then_klu
    second.close()


def _pu_in(c: Container, clock: FakeClock) -> int:
    other = setup_committee(c.uow(), CommitteeSettings(name="Praksisudvalget", short_name="PU"))
    with c.uow() as uow:
        sofie = people.find_person(uow, "sofie.brandt@plo-fjordby.dk")
        ole = people.find_person(uow, "ole@pu.dk")
        assert other.id is not None and sofie.id is not None and ole.id is not None
        uow.memberships.add(Membership(other.id, sofie.id, Role.MEMBER, date(2026, 1, 1)))
        uow.commit()
    meeting = create_meeting(
        c.uow(), other, meetings.NewMeeting(when="2026-09-03 14:00-15:00"), now=clock()
    )
    with c.uow() as uow:
        found = uow.meetings.get(meeting.id or 0)
        assert found is not None
        found.items.append(AgendaItem(2, 1, "Rusmidler", 15, guests=[ItemGuest(ole.id)]))
        uow.commit()
    return other.id


def test_the_same_committee_twice_is_refused_and_writes_nothing(
    rich: Container, target: Any, clock: FakeClock
) -> None:
    pu_id = _second_committee(rich, clock)
    pu_text = dumps(export_committee(rich._engine, pu_id))
    klu_text = export_text(rich)
    fresh = target()  # on PostgreSQL the same database, emptied
    import_committee(fresh._engine, klu_text.encode())
    import_committee(fresh._engine, pu_text.encode())
    before = everything(fresh._engine)
    with pytest.raises(ConflictError, match="PU findes allerede"):
        import_committee(fresh._engine, pu_text.encode())
    assert everything(fresh._engine) == before
    doc = json.loads(pu_text)
    doc["committee"] = "PU2"
    doc["tables"]["committees"][0]["short_name"] = "PU2"
    doc["tables"]["memberships"][0]["role"] = "hvem"  # a bad row late in the file
    with pytest.raises(InputError, match="Intet er ændret"):
        import_committee(fresh._engine, json.dumps(doc).encode())
    assert everything(fresh._engine) == before
