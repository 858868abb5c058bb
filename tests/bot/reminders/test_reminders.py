"""Reminder planning against a real database, driven by a fake clock (no Slack here)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.attendance.answers import answer_reply
from bot.attendance.replies import Intent
from bot.domain import AttendanceStatus, Delivery, Meeting, MeetingStatus, Person
from bot.meetings import planning as meetings
from bot.meetings.create import create_meeting
from bot.people.committees import find_committee
from bot.ports import UnitOfWork
from bot.reminders.call_notice import plan_call_notices
from bot.reminders.planning import due_time, plan_reminders, settings_for
from bot.reminders.settings import Kind, ReminderSetting
from handlers.bootstrap import Container
from tests.conftest import CPH, FakeClock, mark_called
from tests.shown import shown

SOFIE = "sofie.brandt@plo-fjordby.dk"
CAMILLA = "camilla.juul@fjordby.dk"


def _rows(c: Container) -> list[Delivery]:
    from sqlalchemy import select

    from storage.uow import SqlAlchemyUnitOfWork

    with c.uow() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        return list(uow.session.scalars(select(Delivery).order_by(Delivery.id)))  # type: ignore[arg-type]


def _reminders(c: Container, kind: Kind | None = None) -> list[Delivery]:
    prefix = f"reminder:{kind.value}:" if kind else "reminder:"
    return [d for d in _rows(c) if d.key.startswith(prefix)]


def _link(c: Container, email: str, slack_id: str) -> int:
    with c.uow() as uow:
        person = uow.people.by_email(email)
        assert person is not None and person.id is not None
        person.slack_user_id = slack_id
        uow.commit()
        return person.id


def _walk(
    c: Container, clock: FakeClock, start: str, end: str, step: timedelta
) -> dict[str, datetime]:
    """Plan from start to end in local wall-clock steps (so 09:00 stays a tick across DST), as
    the clock does (reminders, then notices to call a draft); when each key first appeared."""
    seen: dict[str, datetime] = {}
    local = datetime.fromisoformat(start)
    while local <= datetime.fromisoformat(end):
        clock.set_local(local.isoformat())
        for key in plan_reminders(c.uow, clock()).enqueued + plan_call_notices(c.uow, clock()):
            assert key not in seen, f"{key} planned twice"
            seen[key] = clock()
        local += step
    return seen


def _local(value: datetime) -> str:
    return value.astimezone(CPH).strftime("%Y-%m-%d %H:%M")


def _meeting_id(c: Container) -> int:
    with c.uow() as uow:
        committee = find_committee(uow, None)
        return meetings.upcoming(uow, committee, datetime(2026, 5, 1, tzinfo=UTC))[0].id or 0


@pytest.fixture
def sample(sample: Container) -> Container:
    """The sample committee, its June meeting called: members hear only of called meetings."""
    mark_called(sample)
    return sample


def test_a_meeting_cycle_sends_each_reminder_once_at_nine_local(
    sample: Container, clock: FakeClock
) -> None:
    with sample.uow() as uow:
        find_committee(uow, None).slack_channel_id = "C_KLU"
        uow.commit()
    seen = _walk(sample, clock, "2026-05-27T00:00", "2026-06-21T00:00", timedelta(hours=3))
    by_kind: dict[str, set[str]] = {}
    for key, at in seen.items():
        by_kind.setdefault(key.split(":")[1], set()).add(_local(at))
    assert by_kind == {
        "topics": {"2026-05-28 09:00"},
        "agenda": {"2026-06-04 09:00"},  # two weeks before (overenskomst § 102)
        "daybefore": {"2026-06-17 09:00"},
        "minutes": {"2026-06-19 09:00"},
    }
    counts = {kind: sum(1 for k in seen if k.split(":")[1] == kind) for kind in by_kind}
    # 14 on the roster get the agenda; the day before also the two guests; one secretary
    assert counts == {"topics": 1, "agenda": 14, "daybefore": 16, "minutes": 1}


def test_one_minute_early_is_too_early(sample: Container, clock: FakeClock) -> None:
    clock.set_local("2026-06-04T08:59")
    assert plan_reminders(sample.uow, clock()).enqueued == []
    clock.set_local("2026-06-04T09:00")
    assert len(plan_reminders(sample.uow, clock()).enqueued) == 14


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        # DST ends 25 October 2026: the agenda goes out in summer time, the rest in winter time
        (
            "29. oktober 2026 kl. 15-17",
            {
                Kind.TOPICS: "2026-10-08T07:00",
                Kind.AGENDA: "2026-10-15T07:00",
                Kind.DAY_BEFORE: "2026-10-28T08:00",
                Kind.MINUTES: "2026-10-30T08:00",
            },
        ),
        # DST starts 29 March 2026: topics and agenda in winter time, the day before in summer
        (
            "2. april 2026 kl. 15-17",
            {
                Kind.TOPICS: "2026-03-12T08:00",
                Kind.AGENDA: "2026-03-19T08:00",
                Kind.DAY_BEFORE: "2026-04-01T07:00",
                Kind.MINUTES: "2026-04-03T07:00",
            },
        ),
    ],
)
def test_due_times_are_local_across_dst(
    sample: Container, clock: FakeClock, when: str, expected: dict[Kind, str]
) -> None:
    clock.set_local("2026-02-01T10:00")
    with sample.uow() as uow:
        committee = find_committee(uow, None)
        settings = settings_for(uow, committee.id or 0)
    meeting = create_meeting(sample.uow(), committee, meetings.NewMeeting(when), now=clock())
    for kind, utc in expected.items():
        due = due_time(meeting, settings[kind], CPH)
        assert due.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") == utc
        assert due.astimezone(CPH).strftime("%H:%M") == "09:00"


def test_dst_cycle_end_to_end(sample: Container, clock: FakeClock) -> None:
    clock.set_local("2026-09-01T10:00")
    with sample.uow() as uow:
        committee = find_committee(uow, None)
    create_meeting(
        sample.uow(), committee, meetings.NewMeeting("29/10-2026 kl. 15-17"), now=clock()
    )
    mark_called(sample)
    seen = _walk(sample, clock, "2026-10-14T00:00", "2026-10-29T12:00", timedelta(hours=3))
    times = {(k.split(":")[1], _local(at)) for k, at in seen.items() if ":2026-10-29T14:00Z" in k}
    assert times == {("agenda", "2026-10-15 09:00"), ("daybefore", "2026-10-28 09:00")}


def test_regrets_before_the_day_before_means_no_reminder(
    sample: Container, clock: FakeClock
) -> None:
    sofie = _link(sample, SOFIE, "U_SOFIE")
    with sample.uow() as uow:
        person = uow.people.get(sofie)
    assert person is not None
    clock.set_local("2026-06-12T12:00")
    answer = answer_reply(
        sample.uow(), request_id="ev1", person=person, intent=Intent.REGRETS, reason="ferie",
        meeting_id=None, via="test", now=clock(), reply_to=None,
    )  # fmt: skip
    assert answer.status == AttendanceStatus.REGRETS
    clock.set_local("2026-06-17T09:00")
    plan_reminders(sample.uow, clock())
    recipients = {d.key.split(":")[3] for d in _reminders(sample, Kind.DAY_BEFORE)}
    assert str(sofie) not in recipients
    assert len(recipients) == 15


def test_guests_get_their_own_slot_by_mail_or_dm(sample: Container, clock: FakeClock) -> None:
    _link(sample, "ole.thomsen@fjordby.dk", "U_OLE")
    clock.set_local("2026-06-17T09:00")
    plan_reminders(sample.uow, clock())
    rows = {d.recipient: d for d in _reminders(sample, Kind.DAY_BEFORE)}
    ida = shown(rows["ida.norgaard@fjordby.dk"])
    assert rows["ida.norgaard@fjordby.dk"].channel == "email"
    assert "punkt 2.c" in ida["text"] and "kl. 15:50–16:10" in ida["text"]
    assert "Rådhusgade 4" in ida["text"]
    ole = shown(rows["U_OLE"])
    assert ole["op"] == "dm" and "punkt 2.d" in ole["text"] and "16:10–16:25" in ole["text"]


def test_cancelled_meeting_gets_nothing_and_pending_rows_are_dropped(
    sample: Container, clock: FakeClock
) -> None:
    clock.set_local("2026-06-04T09:00")
    plan_reminders(sample.uow, clock())
    assert {d.status for d in _reminders(sample, Kind.AGENDA)} == {"pending"}
    with sample.uow() as uow:
        meeting = uow.meetings.get(_meeting_id(sample))
        assert meeting is not None
        meeting.status = MeetingStatus.CANCELLED
        uow.commit()
    clock.set_local("2026-06-04T09:01")
    report = plan_reminders(sample.uow, clock())
    assert report.enqueued == [] and report.cancelled == 14
    assert {d.status for d in _reminders(sample, Kind.AGENDA)} == {"cancelled"}
    clock.set_local("2026-06-17T09:00")
    assert plan_reminders(sample.uow, clock()).enqueued == []


def test_a_moved_meeting_gets_fresh_reminders_at_its_new_time(
    sample: Container, clock: FakeClock
) -> None:
    clock.set_local("2026-06-04T09:00")
    assert len(plan_reminders(sample.uow, clock()).enqueued) == 14
    with sample.uow() as uow:
        meeting = uow.meetings.get(_meeting_id(sample))
        assert meeting is not None
        meeting.starts_at += timedelta(days=7)
        meeting.ends_at += timedelta(days=7)
        uow.commit()
    clock.set_local("2026-06-04T09:01")
    report = plan_reminders(sample.uow, clock())
    assert report.enqueued == [] and report.cancelled == 14  # the old ones had not gone out
    seen = _walk(sample, clock, "2026-06-05T00:00", "2026-06-25T10:00", timedelta(hours=3))
    agenda = {_local(at) for k, at in seen.items() if k.startswith("reminder:agenda:")}
    daybefore = {_local(at) for k, at in seen.items() if k.startswith("reminder:daybefore:")}
    assert agenda == {"2026-06-11 09:00"} and daybefore == {"2026-06-24 09:00"}
    assert all(k.endswith(":2026-06-25T13:00Z") for k in seen if "minutes" not in k)


def test_a_meeting_created_late_skips_what_is_long_past(
    sample: Container, clock: FakeClock
) -> None:
    clock.set_local("2026-07-01T10:00")
    with sample.uow() as uow:
        committee = find_committee(uow, None)
        committee.slack_channel_id = "C_KLU"
        uow.commit()
    create_meeting(sample.uow(), committee, meetings.NewMeeting("6/7-2026 kl. 15-17"), now=clock())
    mark_called(sample)
    seen = _walk(sample, clock, "2026-07-01T10:00", "2026-07-06T12:00", timedelta(hours=3))
    kinds = {k.split(":")[1] for k in seen}
    assert kinds == {"daybefore"}  # topics (15 June) and agenda (22 June) are long past


def test_catch_up_within_a_day(sample: Container, clock: FakeClock) -> None:
    clock.set_local("2026-06-04T16:30")  # the clock was down since before 09:00
    assert len(plan_reminders(sample.uow, clock()).enqueued) == 14
    clock.set_local("2026-06-05T09:01")
    assert plan_reminders(sample.uow, clock()).enqueued == []


def test_settings_change_time_and_turn_off(sample: Container, clock: FakeClock) -> None:
    with sample.uow() as uow:
        committee_id = find_committee(uow, None).id or 0
        uow.reminders.save(ReminderSetting(committee_id, Kind.AGENDA, 8, "07:30"))
        uow.reminders.save(ReminderSetting(committee_id, Kind.DAY_BEFORE, 1, "09:00", False))
        uow.commit()
    seen = _walk(sample, clock, "2026-06-09T00:00", "2026-06-18T12:00", timedelta(minutes=90))
    assert {_local(at) for k, at in seen.items() if ":agenda:" in k} == {"2026-06-10 07:30"}
    assert not [k for k in seen if ":daybefore:" in k]


def test_minutes_reminder_lists_items_without_decision(sample: Container, clock: FakeClock) -> None:
    _link(sample, CAMILLA, "U_CAMILLA")
    with sample.uow() as uow:
        meeting = uow.meetings.get(_meeting_id(sample))
        assert meeting is not None
        for item in meeting.items:
            if item.section != 2:
                item.beslutning = "Godkendt"
        uow.commit()
    clock.set_local("2026-06-19T09:00")
    plan_reminders(sample.uow, clock())
    [row] = _reminders(sample, Kind.MINUTES)
    payload = shown(row)
    text = payload["text"]
    assert row.recipient == "U_CAMILLA"
    assert "5 punkt" in text and "2.a" in text and "2.e" in text and "3.a" not in text
    [button] = [e for b in payload["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert (button["action_id"], button["value"]) == ("referat_open", str(meeting.id))


def test_no_minutes_reminder_when_every_item_has_a_decision(
    sample: Container, clock: FakeClock
) -> None:
    with sample.uow() as uow:
        meeting = uow.meetings.get(_meeting_id(sample))
        assert meeting is not None
        for item in meeting.items:
            item.beslutning = "Godkendt"
        uow.commit()
    clock.set_local("2026-06-19T09:00")
    plan_reminders(sample.uow, clock())
    assert _reminders(sample, Kind.MINUTES) == []


def test_user_text_is_escaped_in_slack_but_not_in_mail(sample: Container, clock: FakeClock) -> None:
    _link(sample, SOFIE, "U_SOFIE")
    with sample.uow() as uow:
        meeting = uow.meetings.get(_meeting_id(sample))
        assert meeting is not None
        meeting.title = "Møde <!channel> & co"
        uow.commit()
    clock.set_local("2026-06-04T09:00")
    plan_reminders(sample.uow, clock())
    rows = {  # the messages; the dagsorden file that follows a DM is its own row
        d.recipient: shown(d) for d in _reminders(sample, Kind.AGENDA) if ":dagsorden:" not in d.key
    }
    assert "&lt;!channel&gt; &amp; co" in rows["U_SOFIE"]["text"]
    assert "<!channel>" not in json.dumps(rows["U_SOFIE"])
    assert "Møde <!channel> & co" in rows[CAMILLA]["text"]
    buttons = rows["U_SOFIE"]["blocks"][-1]["elements"]
    assert [b["action_id"] for b in buttons] == ["attend_button", "regrets_button"]


def test_calendar_hook_runs_in_the_change_transaction_and_only_on_a_change(
    sample: Container, clock: FakeClock
) -> None:
    from bot.messaging.outbox import EMAIL, enqueue

    calls: list[tuple[int | None, str]] = []

    def hook(uow: UnitOfWork, meeting: Meeting, person: Person, now: datetime) -> None:
        calls.append((meeting.id, person.name))
        enqueue(uow, key=f"cal-status:{person.id}:{len(calls)}", channel=EMAIL, kind="test",
                recipient=person.email or "", payload={}, now=now)  # fmt: skip

    with sample.uow() as uow:
        sofie = uow.people.by_email(SOFIE)
    assert sofie is not None
    clock.set_local("2026-06-12T12:00")

    def regrets(request_id: str, reason: str) -> None:
        answer_reply(
            sample.uow(), request_id=request_id, person=sofie, intent=Intent.REGRETS,
            reason=reason, meeting_id=1, via="test", now=clock(), reply_to=None,
            calendar_hook=hook,
        )  # fmt: skip

    regrets("r1", "ferie")
    regrets("r1", "ferie")  # the same request again: nothing
    regrets("r2", "ferie")  # no change: nothing
    regrets("r3", "kursus")  # a new reason is a change
    assert calls == [(1, "Sofie Brandt"), (1, "Sofie Brandt")]
    assert len([d for d in _rows(sample) if d.key.startswith("cal-status:")]) == 2


def test_a_time_that_dst_skips_or_repeats_is_still_one_moment(
    sample: Container, clock: FakeClock
) -> None:
    clock.set_local("2026-02-01T10:00")
    with sample.uow() as uow:
        committee = find_committee(uow, None)
    spring = create_meeting(
        sample.uow(), committee, meetings.NewMeeting("30/3-2026 kl. 15-17"), now=clock()
    )
    autumn = create_meeting(
        sample.uow(), committee, meetings.NewMeeting("26/10-2026 kl. 15-17"), now=clock()
    )
    at_half_past_two = ReminderSetting(committee.id or 0, Kind.DAY_BEFORE, 1, "02:30")
    # 29 March 02:30 does not exist (clocks jump 02:00 -> 03:00): it becomes 03:30 summer time
    skipped = due_time(spring, at_half_past_two, CPH)
    assert skipped.astimezone(UTC).strftime("%m-%d %H:%M") == "03-29 01:30"
    # 25 October 02:30 happens twice (03:00 -> 02:00): the first one, in summer time
    repeated = due_time(autumn, at_half_past_two, CPH)
    assert repeated.astimezone(UTC).strftime("%m-%d %H:%M") == "10-25 00:30"


def _as_draft(c: Container) -> None:
    with c.uow() as uow:
        meeting = uow.meetings.get(_meeting_id(c))
        assert meeting is not None
        meeting.status = MeetingStatus.DRAFT
        uow.commit()


def _call_notices(c: Container) -> list[Delivery]:
    return [d for d in _rows(c) if d.key.startswith("call:")]


def test_a_draft_gets_no_reminders_to_members_and_the_secretary_is_told_to_call_it(
    sample: Container, clock: FakeClock
) -> None:
    _as_draft(sample)
    _link(sample, CAMILLA, "U_CAMILLA")
    with sample.uow() as uow:
        find_committee(uow, None).slack_channel_id = "C_KLU"
        uow.commit()
    seen = _walk(sample, clock, "2026-05-27T00:00", "2026-06-18T12:00", timedelta(hours=3))
    kinds = {(key.split(":")[0], key.split(":")[1], _local(at)) for key, at in seen.items()}
    assert kinds == {
        ("reminder", "topics", "2026-05-28 09:00"),  # the call for topics builds the agenda
        ("call", "soon", "2026-06-01 09:00"),  # three days before the agenda is due
        ("call", "due", "2026-06-04 09:00"),  # the day it is due
    }
    soon, due = _call_notices(sample)
    assert (soon.channel, soon.recipient, due.recipient) == ("slack", "U_CAMILLA", "U_CAMILLA")
    text = shown(soon)["text"]
    assert text.startswith(
        "Mødet 18. juni 2026 er ikke indkaldt — dagsordenen skal ud senest 4. juni 2026."
    )
    assert "`/klu indkald 1`" in text
    assert shown(due)["text"].startswith(
        "Mødet 18. juni 2026 er ikke indkaldt — dagsordenen skal ud i dag, 4. juni 2026."
    )
    assert _reminders(sample, Kind.AGENDA) == [] and _reminders(sample, Kind.DAY_BEFORE) == []


def test_called_on_the_deadline_the_agenda_still_goes_out_that_day(
    sample: Container, clock: FakeClock
) -> None:
    _as_draft(sample)
    clock.set_local("2026-06-04T09:00")
    assert [k.split(":")[1] for k in plan_reminders(sample.uow, clock()).enqueued] == []
    mark_called(sample)
    clock.set_local("2026-06-04T11:00")
    assert len(plan_reminders(sample.uow, clock()).enqueued) == 14


def test_without_slack_the_notice_goes_to_the_secretariat_by_mail_once(
    sample: Container, clock: FakeClock
) -> None:
    _as_draft(sample)
    clock.set_local("2026-06-01T09:30")
    [key] = plan_call_notices(sample.uow, clock())
    clock.set_local("2026-06-01T12:00")
    assert plan_call_notices(sample.uow, clock()) == []  # the outbox key: once
    [row] = _call_notices(sample)
    payload = shown(row)
    assert (row.key, row.channel, row.recipient) == (key, "email", CAMILLA)
    assert payload["subject"] == "Mødet 18. juni 2026 er ikke indkaldt"
    assert "Indkald det i Slack med /klu indkald 1." in payload["text"]


def test_a_called_meeting_or_agenda_reminder_off_means_no_notice(
    sample: Container, clock: FakeClock
) -> None:
    clock.set_local("2026-06-01T09:00")
    assert plan_call_notices(sample.uow, clock()) == []  # called
    _as_draft(sample)
    with sample.uow() as uow:
        committee_id = find_committee(uow, None).id or 0
        uow.reminders.save(ReminderSetting(committee_id, Kind.AGENDA, 14, "09:00", False))
        uow.commit()
    assert plan_call_notices(sample.uow, clock()) == []


def test_the_deadline_follows_the_committees_agenda_setting(
    sample: Container, clock: FakeClock
) -> None:
    _as_draft(sample)
    with sample.uow() as uow:
        committee_id = find_committee(uow, None).id or 0
        uow.reminders.save(ReminderSetting(committee_id, Kind.AGENDA, 21, "08:00"))
        uow.commit()
    seen = _walk(sample, clock, "2026-05-20T00:00", "2026-06-18T12:00", timedelta(hours=1))
    notices = {key.split(":")[1]: _local(at) for key, at in seen.items() if key.startswith("call:")}
    assert notices == {"soon": "2026-05-25 08:00", "due": "2026-05-28 08:00"}
    [due] = [d for d in _call_notices(sample) if d.key.startswith("call:due:")]
    assert "senest" not in shown(due)["text"]
    assert "i dag, 28. maj 2026" in shown(due)["text"]


def test_notices_stay_at_the_agenda_hour_across_the_dst_change(
    sample: Container, clock: FakeClock
) -> None:
    from bot.reminders.call_notice import notices

    clock.set_local("2026-09-01T10:00")
    with sample.uow() as uow:
        committee = find_committee(uow, None)
        agenda = settings_for(uow, committee.id or 0)[Kind.AGENDA]
    draft = create_meeting(
        sample.uow(), committee, meetings.NewMeeting("10/11-2026 kl. 15-17"), now=clock()
    )
    # summer time ends 25 October: the first notice is in summer time, the deadline in winter
    found = {n.stage: (_local(n.at), n.deadline.isoformat()) for n in notices(draft, agenda, CPH)}
    assert found == {
        "soon": ("2026-10-24 09:00", "2026-10-27"),
        "due": ("2026-10-27 09:00", "2026-10-27"),
    }
