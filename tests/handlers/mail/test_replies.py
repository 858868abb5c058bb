"""E-mail as a way in (issue 15 points 1, 3 and 6), against a real Dovecot on loopback.

Real-world-shaped messages are APPENDed to a mailbox; the bot's reader (handlers/mail/imap.py)
stores each in the inbox before anything happens, flags it \\Seen and $KluDone (never deletes
it), and the inbox worker reads it: a Gmail reply with quoted Danish history and an Outlook
reply with »Fra:/Sendt:« history are regrets or »jeg kommer« for the person and meeting of the
bot's own e-mail they answer (In-Reply-To/References, else the tokened Reply-To); Outlook and
Google calendar declines are regrets; out-of-office replies and bounces change no attendance
and get no answer, and a bounce marks the address as failing and tells the secretary.
Each message counts once: read twice, by two readers at once, or after a reader died between
storing and flagging.
"""

from __future__ import annotations

import dataclasses
import email
import threading
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from imapclient import IMAPClient
from sqlalchemy import func, select

from bot.domain import AttendanceStatus, Delivery
from bot.invitations.sync import send_invitations
from bot.meetings.planning import get_meeting
from bot.messaging import inbox
from handlers.bootstrap import Container
from handlers.cli.main import main
from handlers.clock import tick
from handlers.delivery import inbox_handlers
from handlers.mail.imap import DONE, ImapSettings, poll
from handlers.mail.smtp import SmtpSender, SmtpSettings
from storage import tables
from tests.bot.attendance.test_calendar_answers import google_reply, outlook_reply
from tests.conftest import FakeClock, mark_called
from tests.imap_server import ImapServer
from tests.invitation_helpers import start_smtp
from tests.shown import shown

BOT = "klu@fjordby.dk"
HENRIK = "henrik.lund@plo-fjordby.dk"
SOFIE = "sofie.brandt@plo-fjordby.dk"
MADS = "mads.kjaer@plo-fjordby.dk"
LINE = "line.dahl@plo-fjordby.dk"
PETER = "peter.holm@plo-fjordby.dk"
SECRETARY = "camilla.juul@fjordby.dk"


@pytest.fixture
def mailbox(imap_server: ImapServer) -> tuple[str, str]:
    return imap_server.mailbox()


@pytest.fixture
def bot(
    sample: Container, clock: FakeClock, imap_server: ImapServer, mailbox: tuple[str, str]
) -> Container:
    """The sample committee, called (invitations queued by e-mail), reading the mailbox."""
    sample.settings = dataclasses.replace(
        sample.settings, mail_from=BOT, imap_url=imap_server.url(*mailbox)
    )
    send_invitations(sample.uow(), 1, now=clock(), email_enabled=True)
    return sample


def sent_id(container: Container, address: str) -> str:
    """The Message-ID the invitation e-mail to `address` went out with."""
    with container.uow() as uow:
        rows = [d for d in uow.outbox.for_recipients([address]) if d.key.startswith("cal:")]
    assert rows, address
    return str(SmtpSender(SmtpSettings.from_url("smtp://localhost"), BOT).message_id(rows[0]))


def uid_of(container: Container) -> str:
    with container.uow() as uow:
        uid = get_meeting(uow, 1).calendar_uid
    assert uid
    return uid


def gmail_reply(in_reply_to: str, sender: str, text: str, name: str = "Henrik Lund") -> bytes:
    """Gmail's answer: plain and HTML, the history quoted under a Danish header line."""
    message = EmailMessage()
    message["From"] = f"{name} <{sender}>"
    message["To"] = f"KLU-bot <{BOT}>"
    message["Subject"] = "Re: Invitation: Møde i Kommunalt Lægeligt Udvalg"
    message["Date"] = "Wed, 2 Dec 2026 11:02:13 +0100"
    message["Message-ID"] = make_msgid(domain="mail.gmail.com")
    message["In-Reply-To"] = in_reply_to
    message["References"] = in_reply_to
    message["Return-Path"] = f"<{sender}>"
    quoted = (
        "Den ons. 2. dec. 2026 kl. 10.00 skrev KLU-bot <klu@fjordby.dk>:\n"
        "> Du er inviteret til mødet i Kommunalt Lægeligt Udvalg torsdag 18. juni.\n"
        "> Svar »afbud« på denne mail, hvis du ikke kan komme.\n"
    )
    message.set_content(f"{text}\n\nMvh\nHenrik\n\n{quoted}")
    message.add_alternative(
        f'<div dir="ltr">{text}<br><br>Mvh<br>Henrik</div><br><div class="gmail_quote">'
        f"<blockquote>Du er inviteret … afbud</blockquote></div>",
        subtype="html",
    )
    return bytes(message)


def outlook_text_reply(in_reply_to: str, sender: str, text: str) -> bytes:
    """Outlook's answer: the history under »Fra:/Sendt:/Til:/Emne:«, quoted-printable."""
    message = EmailMessage()
    message["From"] = f"Sofie Brandt <{sender.upper()}>"
    message["To"] = BOT
    message["Subject"] = "SV: Invitation: Møde i Kommunalt Lægeligt Udvalg"
    message["Message-ID"] = make_msgid(domain="EUR01.prod.outlook.com")
    message["In-Reply-To"] = in_reply_to
    message["Thread-Topic"] = "Invitation: Møde i Kommunalt Lægeligt Udvalg"
    body = (
        f"Hej Camilla\n\n{text}\n\nVenlig hilsen\nSofie Brandt\nLægehuset Havnegade\n\n"
        "Fra: KLU-bot <klu@fjordby.dk>\nSendt: 2. december 2026 10:00\n"
        f"Til: Sofie Brandt <{sender}>\nEmne: Invitation: Møde i Kommunalt Lægeligt Udvalg\n\n"
        "Du er inviteret til mødet. Svar »afbud«, hvis du ikke kan komme.\n"
    )
    message.set_content(body, cte="quoted-printable")
    return bytes(message)


def calendar_mail(ics: bytes, subject: str, sender: str, *, attachment: bool = False) -> bytes:
    """Outlook mails the answer as a text/calendar part; Google also as an .ics attachment."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = BOT
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.dk")
    message.set_content("Jeg er på kursus.")
    if attachment:
        message.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    else:
        message.add_attachment(
            ics, maintype="text", subtype="calendar", params={"method": "REPLY"}, filename=None
        )
    return bytes(message)


def out_of_office(in_reply_to: str, sender: str) -> bytes:
    """Exchange's automatic reply: it even starts like regrets, and must not count."""
    message = EmailMessage()
    message["From"] = f"Mads Kjær <{sender}>"
    message["To"] = BOT
    message["Subject"] = "Automatisk svar: Invitation: Møde i Kommunalt Lægeligt Udvalg"
    message["Message-ID"] = make_msgid(domain="plo-fjordby.dk")
    message["In-Reply-To"] = in_reply_to
    message["Auto-Submitted"] = "auto-replied"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content("Afbud: jeg er på ferie til 1. juli og læser ikke mail.")
    return bytes(message)


def bounce(original_id: str, failed: str) -> bytes:
    """A Postfix DSN (RFC 3464): multipart/report with the failed recipient and 550 5.1.1."""
    text = f"""Return-Path: <>
From: MAILER-DAEMON@mx.fjordby.dk (Mail Delivery System)
To: {BOT}
Subject: Undelivered Mail Returned to Sender
Message-ID: <20261202100501.4F1A2@mx.fjordby.dk>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B1"

--B1
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--B1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.fjordby.dk
Arrival-Date: Wed,  2 Dec 2026 10:05:00 +0100 (CET)

Final-Recipient: rfc822; {failed}
Original-Recipient: rfc822;{failed}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.plo-fjordby.dk
Diagnostic-Code: smtp; 550 5.1.1 <{failed}>: Recipient address rejected: User unknown

--B1
Content-Type: text/rfc822-headers

From: KLU-bot <{BOT}>
To: {failed}
Subject: Invitation: Møde i Kommunalt Lægeligt Udvalg
Message-ID: {original_id}

--B1--
"""
    return text.replace("\n", "\r\n").encode("utf-8")


def append(server: ImapServer, box: tuple[str, str], *messages: bytes) -> None:
    client = server.client(*box)
    try:
        for raw in messages:
            client.append("INBOX", raw)
    finally:
        client.logout()


def flags(server: ImapServer, box: tuple[str, str]) -> list[set[bytes]]:
    client: IMAPClient = server.client(*box)
    try:
        client.select_folder("INBOX", readonly=True)
        fetched = client.fetch(client.search(["ALL"]), ["FLAGS"])
        return [set(v[b"FLAGS"]) for _, v in sorted(fetched.items())]
    finally:
        client.logout()


def read(container: Container) -> None:
    """One reader round, then the inbox worker (as one clock tick does)."""
    poll(container.uow, ImapSettings.from_url(container.settings.imap_url), now=container.clock)
    work(container)


def work(container: Container) -> None:
    inbox.process_due(container.uow, inbox_handlers(container), now=container.clock())


def status(container: Container, address: str) -> tuple[AttendanceStatus, str, str] | None:
    with container.uow() as uow:
        person = uow.people.by_email(address)
        assert person is not None and person.id is not None
        row = uow.attendance.get(1, person.id)
        return (row.status, row.reason, row.via) if row else None


def replies_to(container: Container, address: str) -> list[Delivery]:
    with container.uow() as uow:
        return [d for d in uow.outbox.for_recipients([address]) if d.kind == "attendance_reply"]


def count(container: Container, table: object) -> int:
    with container._engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_every_kind_of_mail_is_read_once_and_only_people_s_answers_count(
    bot: Container,
    imap_server: ImapServer,
    mailbox: tuple[str, str],
) -> None:
    uid = uid_of(bot)
    append(
        imap_server,
        mailbox,
        gmail_reply(sent_id(bot, HENRIK), "Henrik.Lund@PLO-Fjordby.dk", "Afbud – jeg er på kursus"),
        outlook_text_reply(sent_id(bot, SOFIE), SOFIE, "Jeg kan desværre ikke komme."),
        calendar_mail(
            outlook_reply(uid, PETER, "DECLINED", "Vagt i klinikken"), "Afvist: Møde i KLU", PETER
        ),
        out_of_office(sent_id(bot, MADS), MADS),
        bounce(sent_id(bot, LINE), LINE),
    )
    read(bot)

    assert status(bot, HENRIK) == (AttendanceStatus.REGRETS, "jeg er på kursus", "e-mail-svar")
    assert status(bot, SOFIE) == (AttendanceStatus.REGRETS, "", "e-mail-svar")
    assert status(bot, PETER) == (AttendanceStatus.REGRETS, "Vagt i klinikken", "kalender")
    assert status(bot, MADS) is None  # the out-of-office starts with »Afbud« all the same
    assert status(bot, LINE) is None
    [answer] = replies_to(bot, HENRIK)  # lower case: the address as the roster has it
    payload = shown(answer)
    assert "afbud" in payload["text"] and "kursus" in payload["text"]
    assert "\n" not in payload["text"]  # one line
    assert payload["subject"].startswith("Re: Invitation")
    assert payload["in_reply_to"].endswith("@mail.gmail.com>")
    assert replies_to(bot, MADS) == [] and replies_to(bot, LINE) == []
    with bot.uow() as uow:
        assert uow.mail_routes.failing(LINE) is not None
        assert "User unknown" in (uow.mail_routes.failing(LINE) or "")
        assert uow.mail_routes.failing(HENRIK) is None
        to_secretary = uow.outbox.for_recipients([SECRETARY])
    bounce_notices = [d for d in to_secretary if d.kind == "mail_bounce"]
    assert len(bounce_notices) == 1
    assert "Line Dahl" in shown(bounce_notices[0])["text"]
    assert "550 5.1.1" in shown(bounce_notices[0])["text"]
    # the running list of regrets: one notice per change, the last one names all three
    notices = [d for d in to_secretary if d.kind == "regrets_notice"]
    assert len(notices) == 3
    assert all(name in shown(notices[-1])["text"] for name in ("Henrik", "Sofie", "Peter"))

    marks = flags(imap_server, mailbox)
    assert len(marks) == 5  # nothing deleted
    assert all({b"\\Seen", DONE} <= f for f in marks)

    outbox_rows, inbox_rows = count(bot, tables.deliveries), count(bot, tables.inbox)
    read(bot)  # the next tick: nothing new
    assert (count(bot, tables.deliveries), count(bot, tables.inbox)) == (outbox_rows, inbox_rows)


def test_jeg_kommer_alligevel_and_a_reply_the_bot_does_not_understand(
    bot: Container,
    imap_server: ImapServer,
    mailbox: tuple[str, str],
    clock: FakeClock,
) -> None:
    invitation = sent_id(bot, HENRIK)
    append(imap_server, mailbox, gmail_reply(invitation, HENRIK, "Afbud, vagt"))
    read(bot)
    clock.advance(hours=1)
    append(imap_server, mailbox, gmail_reply(invitation, HENRIK, "jeg kommer alligevel"))
    append(imap_server, mailbox, gmail_reply(invitation, HENRIK, "Hvor ligger mødelokalet?"))
    read(bot)
    assert status(bot, HENRIK) == (AttendanceStatus.ATTENDING, "", "e-mail-svar")
    texts = [shown(d)["text"] for d in replies_to(bot, HENRIK)]
    assert len(texts) == 3
    assert any("trukket tilbage" in t for t in texts)
    assert any(t.startswith("Det forstod jeg ikke. Svar på mailen") for t in texts)


def test_a_reply_from_another_address_registers_nothing_and_the_secretary_is_told(
    bot: Container,
    imap_server: ImapServer,
    mailbox: tuple[str, str],
) -> None:
    append(
        imap_server,
        mailbox,
        gmail_reply(sent_id(bot, HENRIK), "henrik.privat@gmail.com", "Afbud", "Henrik L"),
    )
    read(bot)
    assert status(bot, HENRIK) is None
    assert replies_to(bot, "henrik.privat@gmail.com") == []
    with bot.uow() as uow:
        [notice] = [d for d in uow.outbox.for_recipients([SECRETARY]) if d.kind == "mail_notice"]
    assert "henrik.privat@gmail.com" in shown(notice)["text"]
    assert "Henrik Lund" in shown(notice)["text"]


def test_the_tokened_reply_to_finds_the_meeting_when_in_reply_to_is_gone(
    bot: Container,
    imap_server: ImapServer,
    mailbox: tuple[str, str],
) -> None:
    with bot.uow() as uow:
        [row] = [d for d in uow.outbox.for_recipients([SOFIE]) if d.key.startswith("cal:")]
    sender = SmtpSender(
        SmtpSettings.from_url("smtp://localhost"),
        BOT,
        reply_tokens=True,
        documents=lambda ref: b"%PDF-1.7 the dagsorden",  # the calling carries it (16.4)
    )
    built = sender.build(row)
    reply_to = str(built["Reply-To"])
    assert "klu+" in reply_to and "@fjordby.dk" in reply_to
    message = EmailMessage()
    message["From"] = SOFIE
    message["To"] = reply_to
    message["Subject"] = "Invitation"
    message["Message-ID"] = make_msgid(domain="example.dk")
    message["Date"] = format_datetime(bot.clock())
    message.set_content("Jeg er forhindret pga. vagt")
    append(imap_server, mailbox, bytes(message))
    read(bot)
    assert status(bot, SOFIE) == (AttendanceStatus.REGRETS, "vagt", "e-mail-svar")


def test_a_google_decline_as_an_ics_attachment_with_organizer(
    bot: Container,
    imap_server: ImapServer,
    mailbox: tuple[str, str],
) -> None:
    ics = google_reply(uid_of(bot), HENRIK, "DECLINED", "Ferie")
    append(imap_server, mailbox, calendar_mail(ics, "Declined: Møde", HENRIK, attachment=True))
    read(bot)
    read(bot)
    assert status(bot, HENRIK) == (AttendanceStatus.REGRETS, "Ferie", "kalender")
    assert len(replies_to(bot, HENRIK)) == 1


def test_two_readers_at_once_handle_each_message_once(
    bot: Container,
    imap_server: ImapServer,
    mailbox: tuple[str, str],
) -> None:
    append(
        imap_server,
        mailbox,
        gmail_reply(sent_id(bot, HENRIK), HENRIK, "Afbud – jeg er på kursus"),
        outlook_text_reply(sent_id(bot, SOFIE), SOFIE, "Jeg kan desværre ikke komme."),
    )
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def reader() -> None:
        try:
            start.wait()
            read(bot)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    work(bot)
    assert count(bot, tables.inbox) == 2
    assert len(replies_to(bot, HENRIK)) == 1 and len(replies_to(bot, SOFIE)) == 1
    with bot.uow() as uow:
        notices = [d for d in uow.outbox.for_recipients([SECRETARY]) if d.kind == "regrets_notice"]
    assert len(notices) == 2


class Crash(BaseException):
    """The reader dying (SIGKILL) between storing a message and flagging it."""


def test_a_reader_that_dies_after_storing_does_not_handle_the_mail_twice(
    bot: Container,
    imap_server: ImapServer,
    mailbox: tuple[str, str],
) -> None:
    append(imap_server, mailbox, gmail_reply(sent_id(bot, HENRIK), HENRIK, "Afbud – syg"))
    settings = ImapSettings.from_url(bot.settings.imap_url)

    def die(uid: int, key: str) -> None:
        raise Crash(key)

    with pytest.raises(Crash):
        poll(bot.uow, settings, now=bot.clock, after_store=die)
    assert flags(imap_server, mailbox) == [set()]  # stored, not yet flagged
    work(bot)  # the stored mail is handled
    report = poll(bot.uow, settings, now=bot.clock)  # the next reader finds it again
    assert (report.seen, report.stored, report.flagged) == (1, 0, 1)
    work(bot)
    assert status(bot, HENRIK) == (AttendanceStatus.REGRETS, "syg", "e-mail-svar")
    assert len(replies_to(bot, HENRIK)) == 1
    assert {b"\\Seen", DONE} <= flags(imap_server, mailbox)[0]


def test_one_broken_message_does_not_hold_up_the_others_and_the_clock_reads_the_mailbox(
    bot: Container,
    imap_server: ImapServer,
    mailbox: tuple[str, str],
) -> None:
    broken = (
        b"From: =?utf-8?b?////?= <\xff\xfe@@>\r\nSubject: =?x-unknown?q?=FF?=\r\n"
        b"Content-Type: multipart/mixed; boundary=\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"\x00\x01 not base64 at all \xff\r\n"
    )
    append(
        imap_server,
        mailbox,
        broken,
        gmail_reply(sent_id(bot, HENRIK), HENRIK, "Afbud – jeg er på kursus"),
    )
    tick(bot, senders={})  # the clock: reads the mailbox, then works on the inbox
    assert status(bot, HENRIK) == (AttendanceStatus.REGRETS, "jeg er på kursus", "e-mail-svar")
    assert all({b"\\Seen", DONE} <= f for f in flags(imap_server, mailbox))
    with bot.uow() as uow:
        assert uow.inbox.pending_count() == 0


def test_the_secretary_s_thanks_for_a_notice_gets_no_answer(
    bot: Container, imap_server: ImapServer, mailbox: tuple[str, str]
) -> None:
    append(imap_server, mailbox, gmail_reply(sent_id(bot, HENRIK), HENRIK, "Afbud – vagt"))
    read(bot)
    with bot.uow() as uow:
        [notice] = [d for d in uow.outbox.for_recipients([SECRETARY]) if d.kind == "regrets_notice"]
    notice_id = str(SmtpSender(SmtpSettings.from_url("smtp://localhost"), BOT).message_id(notice))
    append(imap_server, mailbox, gmail_reply(notice_id, SECRETARY, "Tak for info", "Camilla Juul"))
    read(bot)
    assert replies_to(bot, SECRETARY) == []
    assert status(bot, HENRIK) == (AttendanceStatus.REGRETS, "vagt", "e-mail-svar")


def test_handled_mail_moves_to_the_done_folder_when_there_is_one(
    bot: Container, imap_server: ImapServer, mailbox: tuple[str, str]
) -> None:
    client = imap_server.client(*mailbox)
    client.create_folder("Behandlet")
    client.logout()
    bot.settings = dataclasses.replace(
        bot.settings, imap_url=imap_server.url(*mailbox, query="done=Behandlet")
    )
    append(imap_server, mailbox, gmail_reply(sent_id(bot, HENRIK), HENRIK, "Afbud"))
    read(bot)
    assert status(bot, HENRIK) == (AttendanceStatus.REGRETS, "", "e-mail-svar")
    assert flags(imap_server, mailbox) == []  # INBOX is empty
    client = imap_server.client(*mailbox)
    try:
        client.select_folder("Behandlet", readonly=True)
        [moved] = client.fetch(client.search(["ALL"]), ["FLAGS"]).values()
    finally:
        client.logout()
    assert {b"\\Seen", DONE} <= set(moved[b"FLAGS"])


def test_a_mailbox_that_cannot_be_reached_does_not_stop_the_clock(
    bot: Container, imap_server: ImapServer
) -> None:
    bot.settings = dataclasses.replace(
        bot.settings, imap_url=f"imap://nobody:wrong@127.0.0.1:{imap_server.port}/INBOX"
    )
    report = tick(bot, senders={})  # a wrong password: logged, tried again next tick
    assert report.pending > 0  # the rest of the tick ran: the invitations wait to be sent


def test_klu_bot_clock_reads_the_reply_to_a_reminder_and_answers_by_smtp(
    sample: Container,
    clock: FakeClock,
    db_url: str,
    imap_server: ImapServer,
    mailbox: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The whole way round, as `klu-bot clock --once --now` runs it: the day-before reminder
    goes out over SMTP, Henrik answers it from Gmail, the next tick reads the answer from
    IMAP, registers it and sends the one-line answer threaded under his mail; the tick after
    sends nothing more."""
    mark_called(sample)
    controller, smtp = start_smtp()
    try:
        monkeypatch.setenv("DATABASE_URL", db_url)
        monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
        monkeypatch.setenv("MAIL_FROM", BOT)
        monkeypatch.setenv("IMAP_URL", imap_server.url(*mailbox))
        assert main(["clock", "--once", "--now", "2026-06-17T09:00"]) == 0
        [reminder] = smtp.to(HENRIK)
        assert reminder.message["Subject"].startswith("Påmindelse")
        answer = gmail_reply(str(reminder.message["Message-ID"]), HENRIK, "Afbud, jeg har vagt")
        append(imap_server, mailbox, answer)
        assert main(["clock", "--once", "--now", "2026-06-17T09:01"]) == 0
        assert main(["clock", "--once", "--now", "2026-06-17T09:02"]) == 0
    finally:
        controller.stop()
    [_, confirmation] = smtp.to(HENRIK)
    sent = confirmation.message
    assert sent["In-Reply-To"] == email.message_from_bytes(answer)["Message-ID"]
    assert sent["Auto-Submitted"] == "auto-replied"
    assert sent["Subject"] == "Re: Invitation: Møde i Kommunalt Lægeligt Udvalg"
    assert "dit afbud" in sent.get_content() and "vagt" in sent.get_content()
    [notice] = [r for r in smtp.to(SECRETARY) if "Afbud" in r.message["Subject"]]
    assert "Henrik Lund" in notice.message.get_content()
    assert status(sample, HENRIK) == (AttendanceStatus.REGRETS, "jeg har vagt", "e-mail-svar")


def test_a_reply_through_exchange_that_asks_for_no_auto_answer_still_counts(
    bot: Container, imap_server: ImapServer, mailbox: tuple[str, str]
) -> None:
    """X-Auto-Response-Suppress alone (mail sent through a distribution list, some Outlook
    set-ups) is a person's own mail: registered, and not answered, as it asks."""
    raw = outlook_text_reply(sent_id(bot, SOFIE), SOFIE, "Afbud – ferie")
    raw = b"X-Auto-Response-Suppress: DR, RN, NRN, OOF, AutoReply\r\n" + raw
    append(imap_server, mailbox, raw)
    read(bot)
    assert status(bot, SOFIE) == (AttendanceStatus.REGRETS, "ferie", "e-mail-svar")
    assert replies_to(bot, SOFIE) == []
