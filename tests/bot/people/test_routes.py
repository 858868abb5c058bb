"""Everything a Slack member gets, an e-mail member gets (issue 15 point 4): each person's
route (Slack, e-mail or both; default Slack when linked, else e-mail) is set by the secretary
(CLI) or the member (`/klu kanal`), and every message family follows it: invitations, the
agenda reminder with the agenda PDF, the day-before reminder, the decision summary with the
minutes PDF, action-item reminders. E-mail arrives over real SMTP (aiosmtpd).
"""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from bot.config import Settings
from bot.domain import Person, RouteChoice
from bot.errors import InputError
from bot.invitations import sync as invitations
from bot.messaging.outbox import EMAIL, SLACK
from bot.messaging.recipients import channels_for
from bot.minutes.approve import approve_minutes
from bot.people import committees
from bot.people.routes import parse_route
from bot.reminders.actions import plan_action_reminders
from bot.reminders.planning import cancel_for_person, parse_reminder_key, plan_reminders
from bot.reminders.settings import Kind
from handlers.bootstrap import Container
from handlers.cli.main import main
from handlers.delivery import calendar_mailbox, email_enabled, run_dispatch
from tests.bot.minutes.test_minutes import record_sample
from tests.conftest import FakeClock
from tests.invitation_helpers import Inbox, start_smtp
from tests.slack_http import (  # noqa: F401 (fixtures)
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)

SOFIE = "sofie.brandt@plo-fjordby.dk"  # linked to Slack, chooses e-mail
HENRIK = "henrik.lund@plo-fjordby.dk"  # linked, chooses both
LARS = "lars.mikkelsen@plo-fjordby.dk"  # linked, no choice: Slack
THOMAS = "thomas.bach@fjordby.dk"  # owner of an action, linked, chooses e-mail


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, Inbox]]:
    controller, inbox = start_smtp()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def _person(c: Container, email: str) -> Person:
    with c.uow() as uow:
        person = uow.people.by_email(email)
        assert person is not None
        return person


def _set(c: Container, email: str, slack_id: str, route: RouteChoice | None) -> int:
    with c.uow() as uow:
        person = uow.people.by_email(email)
        assert person is not None and person.id is not None
        person.slack_user_id, person.route = slack_id, route
        uow.commit()
        return person.id


def _channels(c: Container, prefix: str) -> dict[str, str]:
    """Outbox key -> channel for the rows whose key starts with `prefix`."""
    from sqlalchemy import select

    from bot.domain import Delivery
    from storage.uow import SqlAlchemyUnitOfWork

    with c.uow() as uow:
        assert isinstance(uow, SqlAlchemyUnitOfWork)
        rows = uow.session.scalars(select(Delivery))  # type: ignore[arg-type]
        return {d.key: d.channel for d in rows if d.key.startswith(prefix)}


def _pdf(message: EmailMessage) -> tuple[str, bytes]:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return str(part.get_filename()), data


def _mails(inbox: Inbox, address: str, subject_starts: str) -> list[EmailMessage]:
    return [
        r.message for r in inbox.to(address) if str(r.message["Subject"]).startswith(subject_starts)
    ]


def test_the_route_decision() -> None:
    both = Person("A", email="a@x.dk", slack_user_id="U1")
    assert channels_for(both) == (SLACK,)
    assert channels_for(both, default_both=True) == (SLACK, EMAIL)
    both.route = RouteChoice.EMAIL
    assert channels_for(both) == (EMAIL,)
    both.route = RouteChoice.BOTH
    assert channels_for(both) == (SLACK, EMAIL)
    mail_only = Person("B", email="b@x.dk", route=RouteChoice.SLACK)
    assert channels_for(mail_only) == (EMAIL,)  # not linked: the choice falls back
    assert channels_for(Person("C")) == ()
    assert parse_route("Mail") == RouteChoice.EMAIL and parse_route("begge") == RouteChoice.BOTH
    assert parse_route("standard") is None
    with pytest.raises(InputError, match="»fax« er ikke en kanal"):
        parse_route("fax")


def test_an_email_member_gets_every_message_family_by_smtp(
    sample: Container, clock: FakeClock, smtp: tuple[Controller, Inbox]
) -> None:
    controller, inbox = smtp
    c = sample
    c.settings = Settings(
        database_url=c.settings.database_url,
        smtp_url=f"smtp://127.0.0.1:{controller.port}",
        mail_from="klu-bot@fjordby.dk",
    )
    with c.uow() as uow:
        committee = committees.find_committee(uow, None)
    assert committee.id is not None
    committees.bind_channel(c.uow(), committee.id, "C0KLU")
    sofie = _set(c, SOFIE, "U_SOFIE", RouteChoice.EMAIL)
    henrik = _set(c, HENRIK, "U_HENRIK", RouteChoice.BOTH)
    lars = _set(c, LARS, "U_LARS", None)
    thomas = _set(c, THOMAS, "U_THOMAS", RouteChoice.EMAIL)

    # Invitations: e-mail only for Sofie; Lars (no choice) keeps both, as before.
    invitations.send_invitations(
        c.uow(),
        1,
        now=clock(),
        email_enabled=email_enabled(c.settings),
        mailbox=calendar_mailbox(c.settings),
    )
    run_dispatch(c)
    calls = _channels(c, "cal:1:")
    assert f"cal:1:{sofie}:0:email" in calls and f"cal:1:{sofie}:0:dm" not in calls
    assert {f"cal:1:{lars}:0:dm", f"cal:1:{lars}:0:email"} <= set(calls)
    assert len(_mails(inbox, SOFIE, "Invitation:")) == 1

    # The agenda reminder, two weeks before, with the agenda as a PDF.
    clock.set_local("2026-06-04T09:00")
    plan_reminders(c.uow, clock())
    run_dispatch(c)
    agenda = _channels(c, "reminder:agenda:1:")
    assert agenda[f"reminder:agenda:1:{sofie}:2026-06-18T13:00Z"] == EMAIL
    assert agenda[f"reminder:agenda:1:{henrik}:2026-06-18T13:00Z"] == SLACK
    assert agenda[f"reminder:agenda:1:{henrik}+email:2026-06-18T13:00Z"] == EMAIL
    assert agenda[f"reminder:agenda:1:{lars}:2026-06-18T13:00Z"] == SLACK
    assert not any(k.startswith(f"reminder:agenda:1:{lars}+") for k in agenda)
    assert parse_reminder_key(f"reminder:agenda:1:{henrik}+email:2026-06-18T13:00Z") == (
        Kind.AGENDA,
        1,
        henrik,
    )
    [mail] = _mails(inbox, SOFIE, "Dagsorden")
    name, data = _pdf(mail)
    assert name == "Dagsorden KLU 2026-06-18.pdf" and data.startswith(b"%PDF")
    assert len(_mails(inbox, HENRIK, "Dagsorden")) == 1
    assert _mails(inbox, LARS, "Dagsorden") == []
    assert plan_reminders(c.uow, clock()).enqueued == []  # once

    # The day before: regrets cancel both of Henrik's pending routes, Sofie's mail goes.
    clock.set_local("2026-06-17T09:00")
    plan_reminders(c.uow, clock())
    with c.uow() as uow:
        assert cancel_for_person(uow, 1, henrik, (Kind.DAY_BEFORE,)) == 2
        uow.commit()
    run_dispatch(c)
    assert _mails(inbox, HENRIK, "Påmindelse") == []
    assert len(_mails(inbox, SOFIE, "Påmindelse")) == 1
    assert len(inbox.to(SOFIE)) == 3  # invitation, agenda, day before
    assert _channels(c, f"reminder:daybefore:1:{sofie}:") != {}

    # The summary after the meeting, with the minutes PDF, to e-mail members who came too.
    clock.set_local("2026-06-18T17:30")
    record_sample(c)
    approve_minutes(c.uow(), committee, 1, actor=None, now=clock(), document=True)
    run_dispatch(c)
    [summary] = _mails(inbox, SOFIE, "Beslutningsreferat")
    name, data = _pdf(summary)
    assert name == "referat-2026-06-18.pdf" and data.startswith(b"%PDF")
    body = summary.get_body(("plain",))
    assert body is not None and "Der var opbakning til kommissoriet" in body.get_content()
    assert len(_mails(inbox, HENRIK, "Beslutningsreferat")) == 1
    assert _mails(inbox, LARS, "Beslutningsreferat") == []  # the channel post is his
    summaries = _channels(c, "minutes-summary-dm:1:")
    assert f"minutes-summary-dm:1:{lars}" not in summaries

    # The action owner's reminder, three days before the deadline.
    clock.set_local("2026-08-29T09:05")
    assert plan_action_reminders(c.uow(), clock()) == 1
    run_dispatch(c)
    assert _channels(c, "action-reminder:1:") == {"action-reminder:1:2026-09-01": EMAIL}
    [reminder] = _mails(inbox, THOMAS, "Påmindelse: Sende kommissoriet til høring")
    text = reminder.get_body(("plain",))
    assert text is not None and "Sende kommissoriet til høring" in text.get_content()
    assert thomas


def test_the_secretary_sets_a_route_on_the_command_line(
    sample: Container,
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert main(["person", "route", "Henrik Lund", "begge"]) == 0
    assert "både i Slack og på e-mail" in capsys.readouterr().out
    assert _person(sample, HENRIK).route == RouteChoice.BOTH
    assert main(["person", "route", HENRIK, "standard"]) == 0
    assert _person(sample, HENRIK).route is None
    assert main(["person", "route", HENRIK, "fax"]) != 0
    assert "»fax« er ikke en kanal" in capsys.readouterr().err


def test_a_member_chooses_with_klu_kanal(bot: SlackAppServer) -> None:
    answer = bot.command("kanal mail", "U_SOFIE").json()
    assert "får nu beskeder fra KLU-bot på e-mail" in answer["text"]
    assert _person(bot.container, SOFIE).route == RouteChoice.EMAIL
    assert "på e-mail" in bot.command("kanal", "U_SOFIE").json()["text"]
    assert "ikke en kanal" in bot.command("kanal fax", "U_SOFIE").json()["text"]
    assert "kanal slack|mail|begge|standard" in bot.command("hjælp", "U_SOFIE").json()["text"]
    refused = bot.command("kanal begge Henrik Lund", "U_SOFIE").json()["text"]
    assert "kun sekretariatet" in refused and _person(bot.container, HENRIK).route is None
    done = bot.command("kanal begge Henrik Lund", "U_CAMILLA").json()["text"]
    assert "Henrik Lund får nu beskeder fra KLU-bot både i Slack og på e-mail" in done
    assert "ingen Slack-bruger" in done  # Henrik is not linked: said, not hidden
    assert _person(bot.container, HENRIK).route == RouteChoice.BOTH
