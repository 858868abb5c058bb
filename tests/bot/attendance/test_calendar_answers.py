"""Calendar answers as Outlook, Google and Apple send them (issue 15 point 2): Decline is
regrets with the comment as reason, Accept is »deltager«, Tentative changes nothing; a
counter-proposal or an answer from someone never invited goes to the secretary; ORGANIZER is
not needed, MAILTO may be in any case, and a guest's slot UID counts as well as the meeting's.
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage

from bot.attendance.calendar_answers import AnswerOutcome, take_answer
from bot.domain import AttendanceStatus
from bot.invitations.calendar.itip_reply import PartStat, calendar_parts, parse_answers
from bot.invitations.sync import send_invitations
from bot.meetings.planning import get_meeting
from handlers.bootstrap import Container
from tests.conftest import FakeClock
from tests.shown import shown

HENRIK = "henrik.lund@plo-fjordby.dk"
IDA = "ida.norgaard@fjordby.dk"


def outlook_reply(uid: str, address: str, partstat: str, comment: str = "") -> bytes:
    """An Exchange/Outlook REPLY: no ORGANIZER, upper-case MAILTO, the comment as COMMENT."""
    lines = [
        "BEGIN:VCALENDAR",
        "METHOD:REPLY",
        "PRODID:Microsoft Exchange Server 2010",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        f"ATTENDEE;PARTSTAT={partstat};CN=Henrik Lund:MAILTO:{address.upper()}",
        *([f"COMMENT;LANGUAGE=da-DK:{comment}"] if comment else []),
        "SUMMARY;LANGUAGE=da-DK:Afvist: Møde i Kommunalt Lægeligt Udvalg",
        "DTSTART;TZID=Romance Standard Time:20260618T150000",
        "DTEND;TZID=Romance Standard Time:20260618T170000",
        f"UID:{uid}",
        "SEQUENCE:0",
        "DTSTAMP:20260601T080000Z",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def google_reply(uid: str, address: str, partstat: str, comment: str) -> bytes:
    """Google Calendar: ORGANIZER present, the comment in X-RESPONSE-COMMENT."""
    lines = [
        "BEGIN:VCALENDAR",
        "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:REPLY",
        "BEGIN:VEVENT",
        "DTSTART:20260618T130000Z",
        "DTEND:20260618T150000Z",
        "DTSTAMP:20260601T080000Z",
        "ORGANIZER;CN=Sekretariatet:mailto:klu@fjordby.dk",
        f"UID:{uid}",
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT="
        f'{partstat};CN=Henrik Lund;X-NUM-GUESTS=0;X-RESPONSE-COMMENT="{comment}":mailto:{address}',
        "SEQUENCE:0",
        "STATUS:CONFIRMED",
        "SUMMARY:Møde i Kommunalt Lægeligt Udvalg",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(lines) + "\r\n").encode()


def as_mail(ics: bytes, subject: str, sender: str) -> EmailMessage:
    """The reply as Outlook mails it: text, HTML and the calendar part (base64)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "klu@fjordby.dk"
    message["Subject"] = subject
    message.set_content("Jeg er på kursus.")
    message.add_alternative("<p>Jeg er på kursus.</p>", subtype="html")
    message.add_attachment(
        ics, maintype="text", subtype="calendar", params={"method": "REPLY"}, filename=None
    )
    return message


def called(sample: Container, clock: FakeClock) -> str:
    send_invitations(sample.uow(), 1, now=clock(), email_enabled=True)
    with sample.uow() as uow:
        uid = get_meeting(uow, 1).calendar_uid
    assert uid
    return uid


def status(sample: Container, address: str) -> tuple[AttendanceStatus, str] | None:
    with sample.uow() as uow:
        person = uow.people.by_email(address)
        assert person is not None and person.id is not None
        row = uow.attendance.get(1, person.id)
        return (row.status, row.reason) if row else None


def answers_in(message: EmailMessage) -> list:  # type: ignore[type-arg]
    parsed = email.message_from_bytes(bytes(message), policy=email.policy.default)
    found = []
    for part in calendar_parts(parsed):
        found += parse_answers(part)
    return found


def test_an_outlook_decline_without_organizer_registers_regrets_once(
    sample: Container, clock: FakeClock
) -> None:
    uid = called(sample, clock)
    mail = as_mail(outlook_reply(uid, HENRIK, "DECLINED", "Er på kursus"), "Afvist: Møde", HENRIK)
    [answer] = answers_in(mail)
    assert (answer.attendee, answer.partstat, answer.comment) == (
        HENRIK,
        PartStat.DECLINED,
        "Er på kursus",
    )
    assert take_answer(sample.uow(), answer, request_id="mail:<a1@x>", now=clock()) == (
        AnswerOutcome.REGISTERED
    )
    assert take_answer(sample.uow(), answer, request_id="mail:<a1@x>", now=clock()) == (
        AnswerOutcome.REGISTERED
    )  # the same mail read again
    assert status(sample, HENRIK) == (AttendanceStatus.REGRETS, "Er på kursus")
    with sample.uow() as uow:
        confirm = uow.outbox.get("reply:mail:<a1@x>")
        assert confirm is not None and confirm.recipient == HENRIK
        assert "afbud" in shown(confirm)["text"].lower()


def test_google_accept_and_decline_with_the_comment_in_x_response_comment(
    sample: Container, clock: FakeClock
) -> None:
    uid = called(sample, clock)
    [decline] = parse_answers(google_reply(uid, HENRIK, "DECLINED", "Vagt i klinikken"))
    take_answer(sample.uow(), decline, request_id="mail:<g1@x>", now=clock())
    assert status(sample, HENRIK) == (AttendanceStatus.REGRETS, "Vagt i klinikken")
    [accept] = parse_answers(google_reply(uid, HENRIK, "ACCEPTED", ""))
    take_answer(sample.uow(), accept, request_id="mail:<g2@x>", now=clock())
    assert status(sample, HENRIK) == (AttendanceStatus.ATTENDING, "")


def test_tentative_changes_nothing_but_is_acknowledged(sample: Container, clock: FakeClock) -> None:
    uid = called(sample, clock)
    [maybe] = parse_answers(outlook_reply(uid, HENRIK, "TENTATIVE"))
    assert take_answer(sample.uow(), maybe, request_id="mail:<t1@x>", now=clock()) == (
        AnswerOutcome.NOTED
    )
    assert status(sample, HENRIK) is None
    with sample.uow() as uow:
        told = uow.outbox.get("reply:mail:<t1@x>")
        assert told is not None and "måske" in shown(told)["text"]


def test_a_guest_declines_their_own_slot(sample: Container, clock: FakeClock) -> None:
    uid = called(sample, clock)
    with sample.uow() as uow:
        ida = uow.people.by_email(IDA)
        assert ida is not None
    local, at, domain = uid.partition("@")
    slot = f"{local}-guest-{ida.id}{at}{domain}"
    [answer] = parse_answers(outlook_reply(slot, IDA, "DECLINED", "Syg"))
    assert take_answer(sample.uow(), answer, request_id="mail:<i1@x>", now=clock()) == (
        AnswerOutcome.REGISTERED
    )
    assert status(sample, IDA) == (AttendanceStatus.REGRETS, "Syg")


def test_a_forwarded_invitation_and_a_counter_proposal_go_to_the_secretary(
    sample: Container, clock: FakeClock
) -> None:
    uid = called(sample, clock)
    [stranger] = parse_answers(outlook_reply(uid, "mette@example.dk", "DECLINED", "Kan ikke"))
    assert take_answer(sample.uow(), stranger, request_id="mail:<s1@x>", now=clock()) == (
        AnswerOutcome.TO_SECRETARY
    )
    counter = outlook_reply(uid, HENRIK, "DECLINED").replace(b"METHOD:REPLY", b"METHOD:COUNTER")
    [proposal] = parse_answers(counter)
    assert take_answer(sample.uow(), proposal, request_id="mail:<c1@x>", now=clock()) == (
        AnswerOutcome.TO_SECRETARY
    )
    assert status(sample, HENRIK) is None  # a counter-proposal is not regrets
    with sample.uow() as uow:
        notices = [uow.outbox.get(f"calendar-notice:mail:<{k}@x>") for k in ("s1", "c1")]
    assert all(n is not None for n in notices)
    texts = [shown(n)["text"] for n in notices if n is not None]
    assert "mette@example.dk" in texts[0] and "sendt videre" in texts[0]
    assert "Henrik Lund foreslår et andet tidspunkt for mødet i Kommunalt" in texts[1]


def test_an_unknown_uid_or_a_broken_calendar_is_no_answer(
    sample: Container, clock: FakeClock
) -> None:
    called(sample, clock)
    [answer] = parse_answers(outlook_reply("someone-else@example.com", HENRIK, "DECLINED"))
    assert take_answer(sample.uow(), answer, request_id="mail:<u1@x>", now=clock()) == (
        AnswerOutcome.UNKNOWN
    )
    assert parse_answers(b"BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n") == []
    request = outlook_reply("x@y", HENRIK, "DECLINED").replace(b"METHOD:REPLY", b"METHOD:REQUEST")
    assert parse_answers(request) == []
