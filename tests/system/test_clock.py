"""The clock process against a real database and the Slack stand-in over HTTP."""

from __future__ import annotations

import threading
import time
from datetime import datetime, timedelta

import pytest

from bot.config import Settings
from bot.domain import MeetingStatus
from bot.meetings import planning as meetings
from bot.meetings.create import create_meeting
from bot.messaging.outbox import SLACK, Sender
from bot.people.committees import find_committee
from handlers.bootstrap import Container, bootstrap
from handlers.cli.main import main
from handlers.clock import tick
from handlers.documents.source import document_source
from handlers.slack.sender import SlackSender, make_client
from tests.conftest import CPH, FakeClock, mark_called
from tests.slack_http import standin_fixture  # noqa: F401 (fixture)
from tests.slack_standin import SlackStandIn

CHANNEL = "C_KLU"
TOPICS = "Næste møde i Kommunalt Lægeligt Udvalg"
MINUTES = "Referatet af mødet i Kommunalt Lægeligt Udvalg 29. oktober 2026"


def _slack_ids(c: Container, slack: SlackStandIn) -> dict[str, str]:
    """Link everyone on the roster to a Slack user U_<person id>; name -> DM channel."""
    found = {}
    with c.uow() as uow:
        find_committee(uow, None).slack_channel_id = CHANNEL
        for person in uow.people.list():
            if person.email and "norgaard" not in person.email and "thomsen" not in person.email:
                person.slack_user_id = f"U_{person.id}"
                slack.add_user(person.slack_user_id, person.email, person.name)
                found[person.name] = f"DU_{person.id}"
        uow.commit()
    return found


@pytest.fixture
def sample(sample: Container) -> Container:
    """The sample committee, its June meeting called: members hear only of called meetings."""
    mark_called(sample)
    return sample


@pytest.fixture
def linked(sample: Container, standin: SlackStandIn) -> dict[str, str]:
    return _slack_ids(sample, standin)


def _senders(slack: SlackStandIn, c: Container) -> dict[str, Sender]:
    """As the clock has them: the agenda reminder's dagsorden is printed when it is sent."""
    return {SLACK: SlackSender(make_client("xoxb-test", slack.base_url), document_source(c))}


def _per_channel(slack: SlackStandIn) -> dict[str, int]:
    counts: dict[str, int] = {}
    for message in slack.messages():
        counts[message["channel"]] = counts.get(message["channel"], 0) + 1
    return counts


def test_cli_once_with_now_sends_what_is_due_once(
    sample: Container,
    standin: SlackStandIn,
    linked: dict[str, str],
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", standin.base_url)
    monkeypatch.delenv("SMTP_URL", raising=False)
    assert main(["clock", "--once", "--now", "2026-06-04T08:59"]) == 0
    assert standin.calls_to("chat.postMessage") == []
    assert main(["clock", "--once", "--now", "2026-06-04T09:00"]) == 0
    out = capsys.readouterr().out
    # 14 agenda reminders, all on Slack: each DM is followed by the dagsorden file (its own row)
    assert "Påmindelser lagt i kø: 14. Afsendt: 28, venter: 0." in out
    assert main(["--now", "2026-06-04T09:05", "clock", "--once"]) == 0
    assert "lagt i kø: 0. Afsendt: 0" in capsys.readouterr().out
    counts = _per_channel(standin)
    assert sorted(counts.values()) == [1] * 14
    assert main(["--now", "2026-06-04T10:00", "reminders", "show"]) == 0
    shown = capsys.readouterr().out
    assert "Næste møde, torsdag 18. juni 2026 kl. 15:00–17:00:" in shown
    assert "emner: torsdag 28. maj 2026 kl. 09:00 (springes over)" in shown  # no clock ran then
    assert "dagsorden: torsdag 4. juni 2026 kl. 09:00 (sendt)" in shown
    assert "dagen-før: onsdag 17. juni 2026 kl. 09:00 (planlagt)" in shown
    sofie = standin.messages(linked["Sofie Brandt"])[0]
    assert "Dagsorden: Møde i Kommunalt Lægeligt Udvalg" in sofie["text"]
    assert "15:50–16:10  2.c Procedure for lægeerklæringer" in sofie["text"]
    actions = sofie["blocks"][-1]["elements"]
    assert [a["text"]["text"] for a in actions] == ["Jeg kommer", "Meld afbud"]


def _run(
    c: Container, clock: FakeClock, slack: SlackStandIn, start: str, end: str, step: timedelta
) -> list[tuple[str, str, str]]:
    """Tick in local wall-clock steps; (local time, channel, text) of each new message."""
    senders = _senders(slack, c)
    seen: set[tuple[str, str]] = set()
    log = []
    local = datetime.fromisoformat(start)
    while local <= datetime.fromisoformat(end):
        clock.set_local(local.isoformat())
        tick(c, senders)
        for message in slack.messages():
            ident = (message["channel"], message["ts"])
            if ident not in seen:
                seen.add(ident)
                log.append((local.strftime("%m-%d %H:%M"), message["channel"], message["text"]))
        local += step
    return log


def test_a_whole_cycle_across_the_dst_change(
    sample: Container, clock: FakeClock, standin: SlackStandIn, linked: dict[str, str]
) -> None:
    clock.set_local("2026-09-01T10:00")
    with sample.uow() as uow:
        committee = find_committee(uow, None)
        meeting = uow.meetings.get(1)
        assert meeting is not None
        meeting.status = MeetingStatus.HELD  # the June meeting is history
        for item in meeting.items:
            item.beslutning = "Godkendt"
        uow.commit()
    spec = meetings.NewMeeting("torsdag 29. oktober 2026 kl. 15-17", place="Rådhuset")
    create_meeting(sample.uow(), committee, spec, now=clock())
    mark_called(sample)
    log = _run(sample, clock, standin, "2026-10-07T00:00", "2026-10-30T12:00", timedelta(hours=3))
    when = {(at, "kanal" if ch == CHANNEL else "dm", text.split(":")[0]) for at, ch, text in log}
    assert when == {
        ("10-08 09:00", "kanal", f"{TOPICS} er torsdag 29. oktober 2026 kl. 15"),
        ("10-15 09:00", "dm", "Dagsorden"),  # two weeks before, summer time: 07:00 UTC
        ("10-28 09:00", "dm", "Påmindelse"),  # winter time: 08:00 UTC
        ("10-30 09:00", "dm", f"{MINUTES} mangler stadig en beslutning på 2 punkter"),
    }  # fmt: skip
    per_channel: dict[str, int] = {}
    for _, channel, _ in log:
        per_channel[channel] = per_channel.get(channel, 0) + 1
    assert per_channel.pop(CHANNEL) == 1
    assert per_channel.pop(linked["Camilla Juul"]) == 3  # agenda, day before, minutes due
    assert sorted(per_channel.values()) == [2] * 13


def test_two_clocks_at_once_send_each_reminder_exactly_once(
    sample: Container,
    clock: FakeClock,
    standin: SlackStandIn,
    linked: dict[str, str],
    db_url: str,
) -> None:
    other = bootstrap(Settings(database_url=db_url), clock=clock)
    clock.set_local("2026-06-04T09:00")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(c: Container) -> None:
        senders = _senders(standin, c)
        try:
            for _ in range(3):
                barrier.wait(timeout=10)
                tick(c, senders)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(c,)) for c in (sample, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    other.close()
    assert errors == []
    counts = _per_channel(standin)
    assert len(counts) == 14 and set(counts.values()) == {1}
    assert len(standin.calls_to("chat.postMessage")) == 14


@pytest.fixture
def one_member(sample: Container, standin: SlackStandIn) -> str:
    """Only Sofie on Slack, so one DM goes out; the others are e-mail rows."""
    with sample.uow() as uow:
        person = uow.people.by_email("sofie.brandt@plo-fjordby.dk")
        assert person is not None
        person.slack_user_id = "U_SOFIE"
        uow.commit()
    standin.add_user("U_SOFIE", "sofie.brandt@plo-fjordby.dk", "Sofie Brandt")
    return "DU_SOFIE"


def test_429_is_waited_out_as_retry_after_says(
    sample: Container, clock: FakeClock, standin: SlackStandIn, one_member: str
) -> None:
    senders = _senders(standin, sample)
    standin.fail_next("chat.postMessage", status=429, retry_after=40)
    clock.set_local("2026-06-04T09:00")
    assert tick(sample, senders).dispatch.retried == 1
    clock.advance(seconds=39)
    assert tick(sample, senders).dispatch.sent == 0
    clock.advance(seconds=2)
    assert tick(sample, senders).dispatch.sent == 1
    assert [c.status for c in standin.calls_to("chat.postMessage")] == [429, 200]
    assert len(standin.messages(one_member)) == 1


def test_server_errors_are_retried_with_backoff_and_sent_once(
    sample: Container, clock: FakeClock, standin: SlackStandIn, one_member: str
) -> None:
    senders = _senders(standin, sample)
    standin.fail_next("chat.postMessage", status=500, times=3)
    clock.set_local("2026-06-04T09:00")
    sent_at = []
    for _ in range(40):  # 30 s steps for 20 minutes
        tick(sample, senders)  # (the dagsorden file, a row of its own, goes at once)
        if len(standin.messages(one_member)) > len(sent_at):
            sent_at.append(clock())
        clock.advance(seconds=30)
    statuses = [c.status for c in standin.calls_to("chat.postMessage")]
    assert statuses == [500, 500, 500, 200]
    assert len(sent_at) == 1 and len(standin.messages(one_member)) == 1
    # backoff 30 s, 1 min, 2 min after the three failures: 09:00:30, 09:01:30, 09:03:30
    assert sent_at[0].astimezone(CPH).strftime("%H:%M:%S") == "09:03:30"


def test_reminders_show_and_set_from_the_cli(
    sample: Container,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert main(["reminders", "show"]) == 0
    out = capsys.readouterr().out
    assert "emner: opfordring til emner i udvalgets kanal, 21 dage før mødet kl. 09:00" in out
    assert "referat: besked til sekretæren om punkter uden beslutning, dagen efter" in out
    assert (
        "dagsorden: dagsorden til medlemmerne, når mødet er indkaldt, 14 dage før mødet kl. 09:00"
        in out
    )
    assert main(["reminders", "set", "dagsorden", "--days", "8", "--at", "8.30"]) == 0
    assert "»dagsorden« er gemt: 8 dage før mødet kl. 08:30." in capsys.readouterr().out
    assert main(["reminders", "set", "dagen-før", "--off"]) == 0
    assert main(["reminders", "show"]) == 0
    out = capsys.readouterr().out
    assert (
        "dagen-før: påmindelse til deltagere og gæster, dagen før mødet kl. 09:00 (slået fra)"
        in out
    )
    assert main(["reminders", "set", "dagen-før", "--on", "--at", "10"]) == 0
    assert "dagen før mødet kl. 10:00." in capsys.readouterr().out
    assert main(["reminders", "set", "frokost"]) == 1
    assert "Påmindelsen »frokost« findes ikke" in capsys.readouterr().err
    assert main(["reminders", "set", "emner", "--days", "to"]) == 1
    assert "Antal dage skal være et helt tal" in capsys.readouterr().err
    assert main(["reminders", "set", "emner", "--at", "25:00"]) == 1
    assert "ikke et klokkeslæt" in capsys.readouterr().err


def test_the_loop_plans_and_sends_until_stopped(
    sample: Container, clock: FakeClock, standin: SlackStandIn, linked: dict[str, str]
) -> None:
    from handlers.clock import run

    clock.set_local("2026-06-04T09:00")
    stop = threading.Event()
    loop = threading.Thread(
        target=run,
        args=(sample, stop, _senders(standin, sample)),
        kwargs={"plan_every": 0.2, "dispatch_every": 0.05},
    )
    loop.start()
    try:
        standin.wait_for("chat.postMessage", 14, timeout=10)
        time.sleep(0.5)  # a few more rounds plan and dispatch nothing new
    finally:
        stop.set()
        loop.join(5)
    assert not loop.is_alive()
    assert set(_per_channel(standin).values()) == {1} and len(_per_channel(standin)) == 14


def test_a_restarted_clock_resumes_where_it_stopped(
    sample: Container, clock: FakeClock, standin: SlackStandIn, linked: dict[str, str], db_url: str
) -> None:
    standin.fail_next("chat.postMessage", status=503, times=100)
    clock.set_local("2026-06-04T09:00")
    report = tick(sample, _senders(standin, sample))
    assert len(report.plan.enqueued) == 14 and report.dispatch.retried == 14
    assert all(":dagsorden:" in k for k in report.dispatch.keys)  # only the files got through
    sample.close()  # the process dies; Slack recovers meanwhile
    standin.reset()
    restarted = bootstrap(Settings(database_url=db_url), clock=clock)
    clock.set_local("2026-06-04T09:30")
    report = tick(restarted, _senders(standin, restarted))
    restarted.close()
    assert report.plan.enqueued == [] and report.dispatch.sent == 14
    assert set(_per_channel(standin).values()) == {1}


def test_guests_without_slack_get_their_slot_by_email(
    sample: Container,
    standin: SlackStandIn,
    linked: dict[str, str],
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.invitation_helpers import start_smtp

    controller, inbox = start_smtp()
    try:
        monkeypatch.setenv("DATABASE_URL", db_url)
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_API_URL", standin.base_url)
        monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
        monkeypatch.setenv("MAIL_FROM", "klu-bot@fjordby.dk")
        assert main(["clock", "--once", "--now", "2026-06-17T09:00"]) == 0
        assert main(["clock", "--once", "--now", "2026-06-17T09:01"]) == 0
    finally:
        controller.stop()
    [ida] = inbox.to("ida.norgaard@fjordby.dk")
    [ole] = inbox.to("ole.thomsen@fjordby.dk")
    assert ida.message["Subject"] == "Påmindelse: Møde i Kommunalt Lægeligt Udvalg 18. juni 2026"
    body = ida.message.get_content()
    assert "punkt 2.c »Procedure for lægeerklæringer ved elever i reduceret skema«" in body
    assert "kl. 15:50–16:10. Sted: Rådhusgade 4, 2. sal, mødelokale 1." in body
    assert "camilla.juul@fjordby.dk" in body
    assert "kl. 16:10–16:25" in ole.message.get_content()
    assert len(inbox.received) == 2  # everyone else is on Slack
    assert len(_per_channel(standin)) == 14


def test_the_secretary_records_regrets_from_the_cli(
    sample: Container,
    standin: SlackStandIn,
    linked: dict[str, str],
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A member without Slack phones in: same effect as a reply (list, no day-before DM)."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", standin.base_url)
    args = ["attendance", "regrets", "Mads Kjær", "er", "på", "kursus"]
    assert main(["--now", "2026-06-12T10:00", *args]) == 0
    assert "Afbud er registreret for Mads Kjær" in capsys.readouterr().out
    assert main(["clock", "--once", "--now", "2026-06-17T09:00"]) == 0
    notice = standin.messages(linked["Camilla Juul"])[0]["text"]
    assert "Mads Kjær, Lægerne i Vestby – er på kursus" in notice
    to_mads = [m["text"] for m in standin.messages(linked["Mads Kjær"])]
    assert not [t for t in to_mads if t.startswith("Påmindelse")]  # no day-before reminder
    capsys.readouterr()
    assert main(["--now", "2026-06-19T10:00", "attendance", "attend", "Mads Kjær"]) == 1
    assert "Der er ikke planlagt noget kommende møde." in capsys.readouterr().err
    late = ["--now", "2026-06-19T10:00", "attendance", "attend", "Mads Kjær", "--meeting", "1"]
    assert main(late) == 1
    assert "er allerede afholdt" in capsys.readouterr().err


def test_a_draft_meeting_tells_the_secretary_to_call_it_and_members_hear_nothing(
    sample: Container,
    standin: SlackStandIn,
    linked: dict[str, str],
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The real clock (`clock --once --now`): a draft gets no agenda reminder; the secretary is
    told three days before the agenda is due and on the day, once each."""
    with sample.uow() as uow:
        meeting = uow.meetings.get(1)
        assert meeting is not None
        meeting.status = MeetingStatus.DRAFT
        uow.commit()
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", standin.base_url)
    monkeypatch.delenv("SMTP_URL", raising=False)
    camilla = linked["Camilla Juul"]
    for now in ("2026-05-31T09:00", "2026-06-01T09:00", "2026-06-01T09:05", "2026-06-04T09:00"):
        assert main(["clock", "--once", "--now", now]) == 0
    assert main(["--now", "2026-06-04T10:00", "reminders", "show"]) == 0
    shown = capsys.readouterr().out
    assert (
        "dagsorden: torsdag 4. juni 2026 kl. 09:00 (venter på, at mødet bliver indkaldt)" in shown
    )
    assert _per_channel(standin) == {camilla: 2}
    soon, due = (m["text"] for m in standin.messages(camilla))
    assert soon.startswith(
        "Mødet 18. juni 2026 er ikke indkaldt — dagsordenen skal ud senest 4. juni 2026.\n"
    )
    assert "Indkald det med `/klu indkald 1`." in soon
    assert due.startswith("Mødet 18. juni 2026 er ikke indkaldt — dagsordenen skal ud i dag")
    assert main(["clock", "--once", "--now", "2026-06-17T09:00"]) == 0
    assert _per_channel(standin) == {camilla: 2}  # no day-before reminder either
