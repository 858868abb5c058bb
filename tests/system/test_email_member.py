"""Issue 15's "done when": a member who has only e-mail, the whole way round.

Henrik Lund is a GP with no Slack. Everything runs as the secretary and the clock run it:
`klu-bot` commands (in-process through main(argv), each a fresh start), a real SMTP server
and a real Dovecot on loopback. Henrik receives the calling, the agenda and the reminders by
e-mail; he sends regrets by replying to the agenda e-mail, Line Dahl by pressing Decline in
Outlook; neither is reminded again; two clocks read the mailbox at once and each answer
counts once; an out-of-office and a bounce change nothing; both appear under Afbud in the
minutes, and Henrik receives the summary with the minutes PDF.
"""

from __future__ import annotations

import subprocess
import sys
from email.message import EmailMessage
from pathlib import Path

import pytest

from bot.domain import AttendanceStatus
from handlers.bootstrap import Container
from handlers.cli.main import main
from tests.bot.attendance.test_calendar_answers import outlook_reply
from tests.conftest import FakeClock
from tests.handlers.mail.test_replies import bounce, calendar_mail, gmail_reply, out_of_office
from tests.imap_server import ImapServer
from tests.invitation_helpers import calendar_part, start_smtp

BOT = "klu@fjordby.dk"
HENRIK = "henrik.lund@plo-fjordby.dk"
LINE = "line.dahl@plo-fjordby.dk"
ROOT = Path(__file__).resolve().parents[2]
CLOCK = (
    "import sys; from handlers.cli.main import main; "
    "sys.exit(main(['clock', '--once', '--now', sys.argv[1]]))"
)


def _status(c: Container, address: str) -> tuple[AttendanceStatus, str] | None:
    with c.uow() as uow:
        person = uow.people.by_email(address)
        assert person is not None and person.id is not None
        row = uow.attendance.get(1, person.id)
        return (row.status, row.reason) if row else None


def _parts(message: EmailMessage) -> list[str]:
    return [part.get_content_type() for part in message.walk()]


def _append(server: ImapServer, box: tuple[str, str], *raw: bytes) -> None:
    client = server.client(*box)
    try:
        for one in raw:
            client.append("INBOX", one)
    finally:
        client.logout()


def test_an_email_only_member_gets_everything_and_answers_by_reply_and_by_decline(
    sample: Container,
    clock: FakeClock,
    db_url: str,
    imap_server: ImapServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    box = imap_server.mailbox()
    controller, smtp = start_smtp()
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("SMTP_URL", f"smtp://127.0.0.1:{controller.port}")
    monkeypatch.setenv("MAIL_FROM", BOT)
    monkeypatch.setenv("IMAP_URL", imap_server.url(*box))
    try:
        # The secretary calls the meeting; the invitation reaches Henrik by e-mail.
        assert main(["--now", "2026-06-01T10:00", "invitations", "send"]) == 0
        [invitation] = smtp.to(HENRIK)
        ics, method = calendar_part(invitation.message)
        assert method == "REQUEST"
        assert b"ORGANIZER" in ics and BOT.encode() in ics.lower()
        assert "application/pdf" in _parts(invitation.message)  # the dagsorden goes with it
        # Two weeks before: the agenda, by e-mail.
        assert main(["clock", "--once", "--now", "2026-06-04T09:00"]) == 0
        agenda = [m for m in smtp.to(HENRIK) if "Dagsorden" in str(m.message["Subject"])]
        assert len(agenda) == 1
        # Henrik replies to the agenda from Gmail; Line declines the invitation in Outlook;
        # an out-of-office and a bounce arrive too.
        [line_invitation] = [m for m in smtp.to(LINE) if "text/calendar" in _parts(m.message)]
        uid = _uid(calendar_part(line_invitation.message)[0])
        _append(
            imap_server,
            box,
            gmail_reply(str(agenda[0].message["Message-ID"]), HENRIK, "Afbud – jeg er på kursus"),
            calendar_mail(
                outlook_reply(uid, LINE, "DECLINED", "Vagt i klinikken"),
                "Afvist: Møde i Kommunalt Lægeligt Udvalg",
                LINE,
            ),
            out_of_office(str(invitation.message["Message-ID"]), "sofie.brandt@plo-fjordby.dk"),
            bounce(str(invitation.message["Message-ID"]), "mads.kjaer@plo-fjordby.dk"),
        )
        # Two clock processes read the mailbox at the same moment.
        clocks = [
            subprocess.Popen([sys.executable, "-c", CLOCK, "2026-06-05T09:00"], cwd=ROOT)
            for _ in range(2)
        ]
        assert [p.wait(timeout=120) for p in clocks] == [0, 0]
        assert main(["clock", "--once", "--now", "2026-06-05T09:01"]) == 0  # a restart
        assert _status(sample, HENRIK) == (AttendanceStatus.REGRETS, "jeg er på kursus")
        assert _status(sample, LINE) == (AttendanceStatus.REGRETS, "Vagt i klinikken")
        assert _status(sample, "sofie.brandt@plo-fjordby.dk") is None
        assert _status(sample, "mads.kjaer@plo-fjordby.dk") is None
        confirmations = [
            m for m in smtp.to(HENRIK) if m.message["Auto-Submitted"] == "auto-replied"
        ]
        assert len(confirmations) == 1  # once, with two clocks and a restart
        assert not smtp.to("sofie.brandt@plo-fjordby.dk") or all(
            m.message["In-Reply-To"] is None for m in smtp.to("sofie.brandt@plo-fjordby.dk")
        )
        # The day before: a reminder for those coming, none for Henrik or Line.
        before = len(smtp.to(HENRIK)), len(smtp.to(LINE))
        assert main(["clock", "--once", "--now", "2026-06-17T09:00"]) == 0
        assert (len(smtp.to(HENRIK)), len(smtp.to(LINE))) == before
        # After the meeting: the minutes list them under Afbud; approval sends the summary
        # with the PDF to Henrik.
        out = tmp_path / "referat.md"
        assert main(["--now", "2026-06-19T09:00", "minutes", "export", "1", "--format", "md",
                     "-o", str(out)]) == 0  # fmt: skip
        afbud = out.read_text(encoding="utf-8").split("Afbud", 1)[1].split("Ej mødt", 1)[0]
        assert "Henrik Lund" in afbud and "Line Dahl" in afbud
        assert main(["--now", "2026-06-19T10:00", "minutes", "approve", "1"]) == 0
        assert main(["clock", "--once", "--now", "2026-06-19T10:01"]) == 0
    finally:
        controller.stop()
    [summary] = [m for m in smtp.to(HENRIK) if "Beslutningsreferat" in str(m.message["Subject"])]
    pdfs = [p for p in summary.message.walk() if p.get_content_type() == "application/pdf"]
    assert [p.get_filename() for p in pdfs] == ["referat-2026-06-18.pdf"]
    assert pdfs[0].get_payload(decode=True).startswith(b"%PDF")


def _uid(ics: bytes) -> str:
    for line in ics.decode().splitlines():
        if line.startswith("UID:"):
            return line[4:].strip()
    raise AssertionError("no UID")
