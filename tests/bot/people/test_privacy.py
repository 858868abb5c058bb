"""GDPR: a person's data export, and erasure that keeps the committee's records intact."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.domain import ActionItem, Attendance, AttendanceStatus, MeetingStatus, Person, Topic
from bot.errors import NotFoundError
from bot.meetings.text import topics_text
from bot.messaging import outbox
from bot.people import privacy, retention
from bot.people import roster as people
from bot.people.committees import find_committee
from bot.topics import proposals as topics
from handlers.bootstrap import Container
from handlers.cli.main import main
from storage.backup.export import dumps, export_committee
from tests.conftest import FakeClock

SOFIE = "sofie.brandt@plo-fjordby.dk"


@pytest.fixture
def sofie(sample: Container, clock: FakeClock) -> Container:
    """Sofie Brandt with a Slack id, a topic, regrets with a reason, an action and messages."""
    c = sample
    with c.uow() as uow:
        committee = find_committee(uow, "KLU")
        person = people.find_person(uow, SOFIE)
        person.slack_user_id = "U0SOFIE"
        meeting = uow.meetings.for_committee(committee.id or 0)[0]
        meeting.items[-1].presenter = "Sofie Brandt "
        uow.commit()
    assert person.id is not None and meeting.id is not None
    topics.propose_topic(c.uow(), committee, person, topics.NewTopic(text="Rusmidler"), now=clock())
    with c.uow() as uow:
        reason = "Sygdom i familien"
        uow.attendance.add(
            Attendance(meeting.id, person.id, AttendanceStatus.REGRETS, clock(), "slack", reason)
        )
        uow.actions.add(ActionItem(meeting.id, "Notat", owner_id=person.id, owner_name="Sofie"))
        for key, to in (("a", SOFIE), ("b", "U0SOFIE"), ("c", "karen.ostergaard@fjordby.dk")):
            name = "Karen" if key == "c" else "Sofie Brandt"
            outbox.enqueue(
                uow,
                key=key,
                channel="email",
                kind="t",
                recipient=to,
                payload={"to_name": name},
                now=clock(),
            )
        outbox.enqueue(
            uow,
            key="home:U0SOFIE:Ev1",
            channel="slack",
            kind="home",
            recipient="U0SOFIE",
            payload={"op": "home", "user": "U0SOFIE"},
            now=clock(),
        )
        uow.outbox.get("home:U0SOFIE:Ev1").status = "sent"  # type: ignore[union-attr]
        uow.outbox.get("b").status = "sent"  # type: ignore[union-attr]
        uow.commit()
    return c


def _person(c: Container, person_id: int) -> Person:
    with c.uow() as uow:
        found = uow.people.get(person_id)
    assert found is not None
    return found


def test_person_export_holds_their_data(sofie: Container, clock: FakeClock) -> None:
    doc = privacy.export_person(sofie.uow(), SOFIE, now=clock())
    assert doc["person"]["email"] == SOFIE
    assert [t["text"] for t in doc["topics_proposed"]] == ["Rusmidler"]
    assert doc["topics_proposed"][0]["events"][0]["kind"] == "proposed"
    assert doc["attendance"][0]["reason"] == "Sygdom i familien"
    assert doc["action_items"][0]["text"] == "Notat"
    assert doc["memberships"][0]["role"] == "medlem"
    assert sorted(d["key"] for d in doc["deliveries"]) == ["a", "b", "home:U0SOFIE:Ev1"]
    json.dumps(doc)  # JSON-ready as it is


def test_person_export_lists_items_where_they_are_guest(
    sample: Container, clock: FakeClock
) -> None:
    doc = privacy.export_person(sample.uow(), "ida.norgaard@fjordby.dk", now=clock())
    assert len(doc["guest_on_items"]) == 1
    assert doc["memberships"] == []


def test_erase_removes_identity_and_keeps_records(sofie: Container, clock: FakeClock) -> None:
    with sofie.uow() as uow:
        pid = people.find_person(uow, SOFIE).id
    today = clock().date()
    report = privacy.erase_person(sofie.uow(), SOFIE, now=clock(), today=today)
    assert report.neutral_name == f"Tidligere deltager #{pid}"
    assert report.memberships_ended == 1 and report.deliveries_cancelled == 1
    gone = _person(sofie, pid or 0)
    assert gone.name == report.neutral_name
    assert (gone.email, gone.phone, gone.slack_user_id, gone.title, gone.organisation) == (
        None,
        None,
        None,
        None,
        None,
    )
    with sofie.uow() as uow:
        committee = find_committee(uow, "KLU")
        kept: list[Topic] = list(topics.list_topics(uow, committee))
        everyone = {p.id: p for p in uow.people.list() if p.id is not None}
        roster = people.roster(uow, committee, today)
        meeting = uow.meetings.for_committee(committee.id or 0)[0]
        attendance = uow.attendance.for_person(pid or 0)
        actions = uow.actions.for_meeting(meeting.id or 0)
        rows = {k: uow.outbox.get(k) for k in "abc"}
    assert [t.proposer_id for t in kept] == [pid]
    assert f"Tidligere deltager #{pid}" in topics_text(committee, kept, everyone)
    assert pid not in {e.person.id for e in roster}
    assert attendance[0].status == AttendanceStatus.REGRETS and attendance[0].reason == ""
    assert actions[0].owner_id == pid and actions[0].owner_name == report.neutral_name
    assert rows["a"] and (rows["a"].status, rows["a"].recipient) == ("cancelled", "")
    assert rows["b"] and (rows["b"].status, rows["b"].payload) == ("sent", "{}")
    assert rows["c"] and rows["c"].status == "pending"
    assert rows["c"].recipient == "karen.ostergaard@fjordby.dk"
    with sofie.uow() as uow:
        assert uow.outbox.get("home:U0SOFIE:Ev1") is None  # the key named her Slack id
        home = uow.outbox.get("home:[slettet]:Ev1")
    assert home is not None and (home.status, home.payload) == ("sent", "{}")
    exported = dumps(export_committee(sofie._engine, committee.id or 0))
    assert SOFIE not in exported and "U0SOFIE" not in exported and "Sygdom" not in exported
    assert "Sofie Brandt" not in exported  # also gone where she was the presenter


def test_a_membership_that_had_not_started_is_removed(sofie: Container, clock: FakeClock) -> None:
    with sofie.uow() as uow:
        person = people.find_person(uow, SOFIE)
        for m in uow.memberships.for_person(person.id or 0):
            m.active_from = clock().date() + timedelta(days=3)
        uow.commit()
    privacy.erase_person(sofie.uow(), SOFIE, now=clock(), today=clock().date())
    with sofie.uow() as uow:
        assert list(uow.memberships.for_person(person.id or 0)) == []


def test_unknown_email_is_a_danish_error(sample: Container, clock: FakeClock) -> None:
    with pytest.raises(NotFoundError, match="Der findes ingen person"):
        privacy.erase_person(sample.uow(), "nobody@x.dk", now=clock(), today=date(2026, 5, 1))


def test_cli_erase_asks_first_and_warns_about_the_secretariat(
    sample: Container,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("DATABASE_URL", sample._engine.url.render_as_string(hide_password=False))
    secretary = "camilla.juul@fjordby.dk"
    assert main(["person", "erase", secretary]) == 1
    assert "--yes" in capsys.readouterr().err
    with sample.uow() as uow:
        assert uow.people.by_email(secretary) is not None
    out = tmp_path / "camilla.json"
    assert main(["person", "export", secretary, "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["person"]["email"] == secretary
    assert main(["person", "erase", secretary, "--yes"]) == 0
    text = capsys.readouterr().out
    assert "Tidligere deltager #" in text and "sekretariatets kontakt for KLU" in text
    with sample.uow() as uow:
        assert uow.people.by_email(secretary) is None


def test_expired_reasons_go_from_messages_but_the_same_words_elsewhere_stay(
    sofie: Container, clock: FakeClock
) -> None:
    with sofie.uow() as uow:
        committee = find_committee(uow, "KLU")
        meeting = uow.meetings.for_committee(committee.id or 0)[0]
        meeting.status = MeetingStatus.MINUTES_APPROVED
        meeting.minutes_approved_at = clock() - timedelta(days=31)
        outbox.enqueue(
            uow,
            key="notice",
            channel="slack",
            kind="regrets_notice",
            recipient="U0CAMILLA",
            payload={"text": "Afbud: Sofie Brandt – Sygdom i familien"},
            now=clock(),
        )
        uow.outbox.get("notice").status = "sent"  # type: ignore[union-attr]
        uow.commit()
    person = _person(sofie, 1)
    spec = topics.NewTopic(text="Sygdom i familien og fravær")
    topics.propose_topic(sofie.uow(), committee, person, spec, now=clock())
    kept = retention.prune(sofie.uow(), clock(), reason_days=32)
    assert kept.reasons == 0
    report = retention.prune(sofie.uow(), clock(), reason_days=30)
    assert report.reasons == 1
    with sofie.uow() as uow:
        [regret] = [a for a in uow.attendance.for_meeting(meeting.id or 0) if a.reason == ""]
        notice = uow.outbox.get("notice")
        texts_now = [t.text for t in topics.list_topics(uow, committee)]
    assert regret.status == AttendanceStatus.REGRETS
    assert notice is not None and notice.payload == "{}"
    assert "Sygdom i familien og fravær" in texts_now  # a topic is not a regret
