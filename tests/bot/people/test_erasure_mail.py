"""Erasure reaches mail still waiting in the inbox: a received mail is kept as base64 of the
whole message, so it is read as a mail (headers and text parts decoded) before it is
searched. The person's own mail goes; another's mail that names them keeps its place in the
queue with the name replaced; a mail that names nobody is left exactly as it was."""

from __future__ import annotations

import base64
import email
import email.policy
import json
from datetime import UTC, datetime
from email.message import EmailMessage

from sqlalchemy import text

from bot.messaging import inbox
from bot.people.privacy import erase_person
from handlers.bootstrap import Container
from handlers.mail.imap import MAIL_KIND, mail_payload

SOFIE = "sofie.brandt@plo-fjordby.dk"
NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


def _mail(sender: str, subject: str, body: str, cte: str, message_id: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "klu@fjordby.dk"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(body, cte=cte)
    return message.as_bytes()


def _store(c: Container, key: str, raw: bytes) -> None:
    assert inbox.receive(c.uow(), key=key, kind=MAIL_KIND, payload=mail_payload(key, raw), now=NOW)


def _waiting(c: Container) -> dict[str, EmailMessage]:
    with c.uow() as uow:
        session = uow.session  # type: ignore[attr-defined]
        rows = session.execute(text("SELECT payload FROM inbox WHERE done_at IS NULL")).all()
    found = {}
    for (payload,) in rows:
        decoded = json.loads(payload)
        raw = base64.b64decode(decoded["raw"])
        message = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        found[decoded["key"]] = message
    return found


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return f"{message['Subject']}\n{body.get_content()}"


def test_waiting_mail_from_or_about_an_erased_person_keeps_nothing_of_them(
    sample: Container,
) -> None:
    c = sample
    # Outlook: mixed-case address, an encoded-word subject, a quoted-printable body.
    _store(
        c,
        "own",
        _mail(
            '"Sofie Brandt" <Sofie.Brandt@PLO-Fjordby.dk>',
            "Afbud – Sofie Brandt",
            "Jeg er syg med influenza og kan ikke komme.",
            "quoted-printable",
            "<a1@plo-fjordby.dk>",
        ),
    )
    # Another member names her in a base64 body: their own message must still be read.
    _store(
        c,
        "names-her",
        _mail(
            "Peter Holm <peter.holm@plo-fjordby.dk>",
            "Afbud for Sofie Brandt og mig",
            "Hverken jeg eller Sofie Brandt kan komme på torsdag.",
            "base64",
            "<b2@plo-fjordby.dk>",
        ),
    )
    unrelated = _mail(
        "Peter Holm <peter.holm@plo-fjordby.dk>",
        "Dagsorden",
        "Tak for dagsordenen.",
        "base64",
        "<c3@plo-fjordby.dk>",
    )
    _store(c, "unrelated", unrelated)
    before = _waiting(c)
    assert "influenza" in _text(before["own"]) and "Sofie Brandt" in _text(before["names-her"])

    erase_person(c.uow(), SOFIE, now=NOW, today=NOW.date())

    after = _waiting(c)
    assert set(after) == {"names-her", "unrelated"}
    rewritten = _text(after["names-her"])
    assert "Sofie Brandt" not in rewritten and "sofie" not in rewritten.lower()
    assert "Hverken jeg eller" in rewritten and "kan komme på torsdag" in rewritten
    assert after["names-her"]["From"].addresses[0].addr_spec == "peter.holm@plo-fjordby.dk"
    assert after["unrelated"].as_bytes() == before["unrelated"].as_bytes()


def test_a_waiting_mail_that_cannot_be_read_as_a_mail_is_searched_as_text(
    sample: Container,
) -> None:
    c = sample
    raw = b"From: Sofie Brandt <sofie.brandt@plo-fjordby.dk>\r\nSubject: x\r\n\r\n\xff\xfe afbud"
    _store(c, "odd", raw)
    erase_person(c.uow(), SOFIE, now=NOW, today=NOW.date())
    assert "odd" not in _waiting(c)
