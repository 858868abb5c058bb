"""Invitations whose answers come back (issue 15 point 2): the ORGANIZER is the mailbox the bot
reads, with the secretariat as CN, and whole received e-mails from Outlook, Google and Apple
(with and without ORGANIZER, MAILTO in either case, Outlook's comment in the mail text) are
registered through `take_reply`; counter-proposals, delegations, other methods and answers to
a forwarded copy reach the secretary.
"""

from __future__ import annotations

import email
import email.policy
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from icalendar import Calendar

from bot.attendance.calendar_answers import AnswerOutcome, take_reply
from bot.attendance.mail_replies import calendar_reply
from bot.config import Settings
from bot.domain import AttendanceStatus
from bot.invitations import sync as invitations
from bot.invitations.calendar.itip_reply import CalendarReply, PartStat
from bot.messaging.outbox import payload_of
from handlers.bootstrap import Container
from handlers.delivery import calendar_mailbox, email_enabled, run_dispatch
from handlers.mail.incoming import read_mail
from tests.conftest import FakeClock
from tests.invitation_helpers import Inbox, calendar_part, start_smtp
from tests.shown import shown

MAILBOX = "klu-bot@fjordby.dk"
HENRIK = "henrik.lund@plo-fjordby.dk"
IDA = "ida.norgaard@fjordby.dk"


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, Inbox]]:
    controller, inbox = start_smtp()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def _mailing(c: Container, port: int) -> Container:
    c.settings = Settings(
        database_url=c.settings.database_url,
        smtp_url=f"smtp://127.0.0.1:{port}",
        mail_from=MAILBOX,
    )
    return c


def _called(c: Container, clock: FakeClock) -> None:
    invitations.send_invitations(
        c.uow(),
        1,
        now=clock(),
        email_enabled=email_enabled(c.settings),
        mailbox=calendar_mailbox(c.settings),
    )
    run_dispatch(c)


def _invitation(inbox: Inbox, address: str) -> Calendar:
    [received] = inbox.to(address)
    data, method = calendar_part(received.message)
    assert method == "REQUEST"
    return Calendar.from_ical(data)


def _event(calendar: Calendar) -> tuple[str, str, str]:
    """UID, ORGANIZER address and its CN of the one VEVENT."""
    [event] = calendar.walk("VEVENT")
    organizer = event["organizer"]
    return str(event["uid"]), str(organizer), str(organizer.params["CN"])


def _read(mail: EmailMessage) -> CalendarReply:
    """The mail as the IMAP reader reads it (handlers.mail.incoming), as `take_reply` takes it."""
    return calendar_reply(read_mail(mail.as_bytes(), MAILBOX))


def _mail(subject: str, sender: str, text: str, ics: str, html: bool = True) -> EmailMessage:
    """A received answer, as it arrives: text (and HTML), then the calendar part; parsed back
    from bytes like the IMAP reader will."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = MAILBOX
    message["Subject"] = subject
    message["Message-ID"] = "<answer@example>"
    message.set_content(text)
    if html:
        message.add_alternative(f"<p>{text}</p>", subtype="html")
    message.add_alternative(
        ics.replace("\n", "\r\n").encode(),
        maintype="text",
        subtype="calendar",
        params={"method": ics.split("METHOD:")[1].split("\n")[0]},
    )
    parsed = email.message_from_bytes(bytes(message), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def outlook(uid: str, address: str, partstat: str, method: str = "REPLY") -> str:
    """Outlook/Exchange: no ORGANIZER, upper-case MAILTO, no COMMENT (the comment is in the
    mail's text), a Windows time zone name."""
    return f"""BEGIN:VCALENDAR
METHOD:{method}
PRODID:Microsoft Exchange Server 2010
VERSION:2.0
BEGIN:VTIMEZONE
TZID:Romance Standard Time
BEGIN:STANDARD
DTSTART:16010101T030000
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:16010101T020000
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3
END:DAYLIGHT
END:VTIMEZONE
BEGIN:VEVENT
ATTENDEE;PARTSTAT={partstat};CN=Henrik Lund:MAILTO:{address.upper()}
SUMMARY;LANGUAGE=da-DK:Afvist: Møde i Kommunalt Lægeligt Udvalg
DTSTART;TZID=Romance Standard Time:20260618T150000
DTEND;TZID=Romance Standard Time:20260618T170000
UID:{uid}
CLASS:PUBLIC
PRIORITY:5
DTSTAMP:20260601T080000Z
TRANSP:OPAQUE
SEQUENCE:0
END:VEVENT
END:VCALENDAR
"""


def google(uid: str, address: str, partstat: str, comment: str) -> str:
    """Google Calendar: ORGANIZER present, lower-case mailto, X-RESPONSE-COMMENT."""
    return f"""BEGIN:VCALENDAR
PRODID:-//Google Inc//Google Calendar 70.9054//EN
VERSION:2.0
CALSCALE:GREGORIAN
METHOD:REPLY
BEGIN:VEVENT
DTSTART:20260618T130000Z
DTEND:20260618T150000Z
DTSTAMP:20260601T080000Z
ORGANIZER;CN=Sekretariatet:mailto:{MAILBOX}
UID:{uid}
ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT={partstat};CN=Henrik Lund;X-NUM-GUES
 TS=0;X-RESPONSE-COMMENT="{comment}":mailto:{address}
SEQUENCE:0
STATUS:CONFIRMED
SUMMARY:Møde i Kommunalt Lægeligt Udvalg
END:VEVENT
END:VCALENDAR
"""


def apple(uid: str, address: str, partstat: str) -> str:
    """Apple Calendar (macOS/iOS): ORGANIZER, quoted CN, EMAIL parameter, REQUEST-STATUS."""
    return f"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Apple Inc.//macOS 14.4.1//EN
METHOD:REPLY
CALSCALE:GREGORIAN
BEGIN:VEVENT
ATTENDEE;CN="Ida Nørgaard";CUTYPE=INDIVIDUAL;EMAIL="{address}";PARTSTAT={partstat};ROLE=
 REQ-PARTICIPANT:mailto:{address}
DTEND;TZID=Europe/Copenhagen:20260618T170000
DTSTAMP:20260601T081500Z
DTSTART;TZID=Europe/Copenhagen:20260618T150000
ORGANIZER;CN=Sekretariatet:mailto:{MAILBOX}
REQUEST-STATUS:2.0;Success
SEQUENCE:0
SUMMARY:Møde i Kommunalt Lægeligt Udvalg
UID:{uid}
END:VEVENT
END:VCALENDAR
"""


def _status(c: Container, address: str) -> tuple[AttendanceStatus, str] | None:
    with c.uow() as uow:
        person = uow.people.by_email(address)
        assert person is not None and person.id is not None
        row = uow.attendance.get(1, person.id)
        return (row.status, row.reason) if row else None


def _notice(c: Container, request_id: str) -> str:
    with c.uow() as uow:
        row = uow.outbox.get(f"calendar-notice:{request_id}:cal0")  # the first answer
        assert row is not None, "no notice to the secretary"
        return str(shown(row)["text"])


def test_the_organizer_is_the_bot_mailbox_named_as_the_secretariat(
    sample: Container, clock: FakeClock, smtp: tuple[Controller, Inbox]
) -> None:
    controller, inbox = smtp
    c = _mailing(sample, controller.port)
    _called(c, clock)
    with c.uow() as uow:
        committee = uow.committees.list()[0]
    _, organizer, name = _event(_invitation(inbox, HENRIK))
    assert organizer.lower() == f"mailto:{MAILBOX}"
    assert name == committee.secretariat_name
    [received] = inbox.to(HENRIK)
    assert MAILBOX in str(received.message["From"])  # From and ORGANIZER are one mailbox
    assert (
        "Du kan svare direkte fra din kalender"
        in received.message.get_body(("plain",)).get_content()
    )  # type: ignore[union-attr]


def test_without_a_mailbox_the_secretariat_stays_organizer(
    sample: Container, clock: FakeClock
) -> None:
    invitations.send_invitations(sample.uow(), 1, now=clock(), email_enabled=True)
    with sample.uow() as uow:
        committee = uow.committees.list()[0]
        henrik = uow.people.by_email(HENRIK)
        assert henrik is not None
        row = uow.outbox.get(f"cal:1:{henrik.id}:0:email")
        assert row is not None
    [event] = Calendar.from_ical(payload_of(row)["ics"]).walk("VEVENT")
    assert str(event["organizer"]).lower() == f"mailto:{committee.secretariat_email}"


def test_outlook_decline_from_the_calendar_round_trip_with_the_comment_in_the_text(
    sample: Container, clock: FakeClock, smtp: tuple[Controller, Inbox]
) -> None:
    controller, inbox = smtp
    c = _mailing(sample, controller.port)
    _called(c, clock)
    uid, _, _ = _event(_invitation(inbox, HENRIK))
    text = (
        "Jeg er på kursus den dag.\n\nMvh Henrik\n\n________________________________\n"
        "Fra: Sekretariatet <klu-bot@fjordby.dk>\nSendt: 1. maj 2026 10:00\n"
    )
    mail = _mail(
        "Afvist: Møde i Kommunalt Lægeligt Udvalg", HENRIK, text, outlook(uid, HENRIK, "DECLINED")
    )
    reply = _read(mail)
    assert len(reply.answers) == 1 and reply.answers[0].partstat == PartStat.DECLINED
    assert reply.subject.startswith("Afvist:")
    outcome = take_reply(c.uow(), reply, sender=HENRIK, request_id="mail:<o1@x>", now=clock())
    assert outcome == [AnswerOutcome.REGISTERED]
    assert _status(c, HENRIK) == (
        AttendanceStatus.REGRETS,
        "Jeg er på kursus den dag",
    )  # signature stripped, read like a text reply
    again = take_reply(c.uow(), reply, sender=HENRIK, request_id="mail:<o1@x>", now=clock())
    assert again == [AnswerOutcome.REGISTERED]  # the same mail read twice
    run_dispatch(c)
    confirmations = [r for r in inbox.to(HENRIK) if "registreret" in str(r.message["Subject"])]
    assert len(confirmations) == 1  # told once, by real SMTP


@pytest.fixture
def invited(
    sample: Container, clock: FakeClock, smtp: tuple[Controller, Inbox]
) -> tuple[Container, str]:
    """The sample meeting called with e-mail on; the container and Henrik's event UID."""
    controller, inbox = smtp
    c = _mailing(sample, controller.port)
    _called(c, clock)
    uid, _, _ = _event(_invitation(inbox, HENRIK))
    return c, uid


def test_an_outlook_decline_typed_as_a_letter_keeps_only_the_reason(
    invited: tuple[Container, str], clock: FakeClock
) -> None:
    c, uid = invited
    text = "Hej Camilla\n\nAfbud – jeg har vagt i klinikken.\n\nVenlig hilsen\nHenrik Lund\n"
    mail = _mail("Afvist: Møde", HENRIK, text, outlook(uid, HENRIK, "DECLINED"))
    take_reply(c.uow(), _read(mail), sender=HENRIK, request_id="mail:<o2@x>", now=clock())
    assert _status(c, HENRIK) == (AttendanceStatus.REGRETS, "jeg har vagt i klinikken")


def test_a_reply_with_two_comment_lines_keeps_both_as_words(
    invited: tuple[Container, str], clock: FakeClock
) -> None:
    c, uid = invited
    ics = google(uid, HENRIK, "DECLINED", "").replace(
        "SEQUENCE:0", "COMMENT:Syg\nCOMMENT:vagt i klinikken\nSEQUENCE:0"
    )
    mail = _mail("Afvist: Møde", HENRIK, "", ics)
    take_reply(c.uow(), _read(mail), sender=HENRIK, request_id="mail:<g9@x>", now=clock())
    assert _status(c, HENRIK) == (AttendanceStatus.REGRETS, "Syg vagt i klinikken")


def test_google_decline_keeps_its_comment_not_googles_boilerplate_and_accept_attends(
    sample: Container, clock: FakeClock, smtp: tuple[Controller, Inbox]
) -> None:
    controller, inbox = smtp
    c = _mailing(sample, controller.port)
    _called(c, clock)
    uid, _, _ = _event(_invitation(inbox, HENRIK))
    boilerplate = "Henrik Lund har afvist denne invitation.\nMøde i Kommunalt Lægeligt Udvalg"
    no = _mail("Afvist: Møde", HENRIK, boilerplate, google(uid, HENRIK, "DECLINED", "Vagt"))
    take_reply(c.uow(), _read(no), sender=HENRIK, request_id="mail:<g1@x>", now=clock())
    assert _status(c, HENRIK) == (AttendanceStatus.REGRETS, "Vagt")
    silent = _mail("Afvist: Møde", HENRIK, boilerplate, google(uid, HENRIK, "DECLINED", ""))
    take_reply(c.uow(), _read(silent), sender=HENRIK, request_id="mail:<g2@x>", now=clock())
    assert _status(c, HENRIK) == (AttendanceStatus.REGRETS, "")  # Google's text is no reason
    yes = _mail("Accepteret: Møde", HENRIK, boilerplate, google(uid, HENRIK, "ACCEPTED", ""))
    take_reply(c.uow(), _read(yes), sender=HENRIK, request_id="mail:<g3@x>", now=clock())
    assert _status(c, HENRIK) == (AttendanceStatus.ATTENDING, "")


def test_apple_guest_accepts_their_slot_and_tentative_is_acknowledged(
    sample: Container, clock: FakeClock, smtp: tuple[Controller, Inbox]
) -> None:
    controller, inbox = smtp
    c = _mailing(sample, controller.port)
    _called(c, clock)
    slot, _, _ = _event(_invitation(inbox, IDA))
    assert "-guest-" in slot
    mail = _mail("Accepteret", IDA, "", apple(slot, IDA, "ACCEPTED"), html=False)
    assert take_reply(c.uow(), _read(mail), sender=IDA, request_id="a1", now=clock()) == [
        AnswerOutcome.REGISTERED
    ]
    assert _status(c, IDA) == (AttendanceStatus.ATTENDING, "")
    maybe = _mail(
        "Foreløbigt",
        HENRIK,
        "",
        outlook(_event(_invitation(inbox, HENRIK))[0], HENRIK, "TENTATIVE"),
    )
    assert take_reply(c.uow(), _read(maybe), sender=HENRIK, request_id="t1", now=clock()) == [
        AnswerOutcome.NOTED
    ]
    assert _status(c, HENRIK) is None  # nothing changes
    run_dispatch(c)
    told = [r for r in inbox.to(HENRIK) if "registreret" in str(r.message["Subject"])]
    assert len(told) == 1
    assert "måske" in told[0].message.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_an_answer_from_an_outlook_com_alias_counts_for_the_sender(
    sample: Container, clock: FakeClock, smtp: tuple[Controller, Inbox]
) -> None:
    controller, inbox = smtp
    c = _mailing(sample, controller.port)
    _called(c, clock)
    uid, _, _ = _event(_invitation(inbox, HENRIK))
    alias = "outlook_8f3a1c2b9d@outlook.com"
    mail = _mail("Afvist: Møde", HENRIK, "Syg", outlook(uid, alias, "DECLINED"))
    assert take_reply(c.uow(), _read(mail), sender=HENRIK, request_id="x1", now=clock()) == [
        AnswerOutcome.REGISTERED
    ]
    assert _status(c, HENRIK) == (AttendanceStatus.REGRETS, "Syg")


def test_a_forwarded_invitation_a_counter_a_delegation_and_a_refresh_go_to_the_secretary(
    sample: Container, clock: FakeClock, smtp: tuple[Controller, Inbox]
) -> None:
    controller, inbox = smtp
    c = _mailing(sample, controller.port)
    _called(c, clock)
    uid, _, _ = _event(_invitation(inbox, HENRIK))
    stranger = "mette@example.dk"
    forwarded = _mail("Afvist: Møde", stranger, "Kan ikke", outlook(uid, stranger, "DECLINED"))
    ask = take_reply(c.uow(), _read(forwarded), sender=stranger, request_id="f1", now=clock())
    assert ask == [AnswerOutcome.TO_SECRETARY]
    assert stranger in _notice(c, "f1") and "sendt videre" in _notice(c, "f1")
    counter = _mail(
        "Nyt tidspunkt foreslået", HENRIK, "", outlook(uid, HENRIK, "TENTATIVE", "COUNTER")
    )
    assert take_reply(c.uow(), _read(counter), sender=HENRIK, request_id="c1", now=clock()) == [
        AnswerOutcome.TO_SECRETARY
    ]
    assert "Henrik Lund foreslår et andet tidspunkt" in _notice(c, "c1")
    delegated = outlook(uid, HENRIK, "DELEGATED").replace(
        "CN=Henrik Lund:", 'DELEGATED-TO="mailto:ole@plo-fjordby.dk";CN=Henrik Lund:'
    )
    d = _mail("Delegeret", HENRIK, "", delegated)
    assert take_reply(c.uow(), _read(d), sender=HENRIK, request_id="d1", now=clock()) == [
        AnswerOutcome.TO_SECRETARY
    ]
    assert "videre til ole@plo-fjordby.dk" in _notice(c, "d1")
    for method in ("REFRESH", "DECLINECOUNTER"):
        other = _mail(method, HENRIK, "", outlook(uid, HENRIK, "NEEDS-ACTION", method))
        outcome = take_reply(c.uow(), _read(other), sender=HENRIK, request_id=method, now=clock())
        assert outcome == [AnswerOutcome.TO_SECRETARY]
        assert f"({method})" in _notice(c, method)
    assert _status(c, HENRIK) is None  # none of them is an answer about attendance
    run_dispatch(c)  # the notices go out (the sample secretary is reached one way or another)
