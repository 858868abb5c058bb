"""Tests for bot.invitations.calendar.imip: iMIP messages (RFC 6047) and their Danish texts."""

from __future__ import annotations

import dataclasses
import re
import smtplib
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from bot import texts
from bot.invitations.calendar import build_ics, build_imip_message, invitation_text
from bot.invitations.calendar.ics import CalendarEvent
from tests.bot.invitations.test_calendar_ics import cancel, guest_request, member_request

SENDER = "sekretariat@klu.example"
SENDER_NAME = "KLU Sekretariatet, Århus Kommune"
RECIPIENT = "jeh@klu.example"
RECIPIENT_NAME = "Jens Ærøe Hansen"
DATE = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def make_message(event: CalendarEvent) -> tuple[EmailMessage, bytes, str, str]:
    ics = build_ics(event)
    subject, text = invitation_text(event, RECIPIENT_NAME)
    message = build_imip_message(
        sender=SENDER,
        sender_name=SENDER_NAME,
        recipient=RECIPIENT,
        recipient_name=RECIPIENT_NAME,
        subject=subject,
        text=text,
        ics=ics,
        method=event.method,
        date=DATE,
    )
    return message, ics, subject, text


def parse(raw: bytes) -> EmailMessage:
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(parsed, EmailMessage)
    return parsed


def method_inside(ics: bytes) -> str:
    """METHOD read from the raw calendar text, without bot.invitations.calendar or icalendar."""
    unfolded = re.sub(rb"\r\n[ \t]", b"", ics)
    (method,) = re.findall(rb"^METHOD:(.*)\r$", unfolded, re.MULTILINE)
    return str(method.decode("ascii"))


def parts_of(parsed: EmailMessage) -> tuple[EmailMessage, EmailMessage, EmailMessage, EmailMessage]:
    """(alternative, text/plain, text/calendar, attachment), asserting the tree shape."""
    assert parsed.get_content_type() == "multipart/mixed"
    top = list(parsed.iter_parts())
    assert [part.get_content_type() for part in top] == ["multipart/alternative", "application/ics"]
    alternative, attachment = top
    inner = list(alternative.iter_parts())
    assert [part.get_content_type() for part in inner] == ["text/plain", "text/calendar"]
    plain, calendar = inner
    for part in (alternative, plain, calendar, attachment):
        assert isinstance(part, EmailMessage)
    return alternative, plain, calendar, attachment  # type: ignore[return-value]


@pytest.mark.parametrize("scenario", [member_request, guest_request, cancel])
def test_structure_and_round_trip(scenario: Any) -> None:
    event: CalendarEvent = scenario()
    message, ics, subject, text = make_message(event)
    raw = message.as_bytes()

    assert raw.isascii()  # headers RFC 2047-encoded, bodies transfer-encoded
    assert b"\n" not in raw.replace(b"\r\n", b"")  # email.policy.SMTP: CRLF only
    parsed = parse(raw)
    _, plain, calendar, attachment = parts_of(parsed)

    assert plain.get_content_charset() == "utf-8"
    assert plain.get_content().replace("\r\n", "\n") == text  # canonical CRLF on the wire
    assert "æ" in text or "ø" in text or "å" in text

    assert calendar.get_param("method") == event.method == method_inside(ics)
    assert calendar.get_content_charset() == "utf-8"
    assert calendar.get_content_disposition() is None
    assert calendar.get_payload(decode=True) == ics  # byte for byte: CRLF and folding kept

    assert attachment.get_content_disposition() == "attachment"
    assert attachment.get_filename() == "invitation.ics"
    assert attachment.get_param("name") == "invitation.ics"
    assert attachment.get_payload(decode=True) == ics

    assert parsed["Subject"] == subject
    assert parsed["From"].addresses[0].display_name == SENDER_NAME
    assert parsed["From"].addresses[0].addr_spec == SENDER
    assert parsed["To"].addresses[0].display_name == RECIPIENT_NAME
    assert parsed["To"].addresses[0].addr_spec == RECIPIENT
    assert parsed["Date"].datetime == DATE
    assert re.fullmatch(r"<[^@<>]+@klu-bot\.local>", parsed["Message-ID"])
    assert parsed["MIME-Version"] == "1.0"
    assert all("MIME-Version" not in part for part in parsed.walk() if part is not parsed)
    for header in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version"):
        assert len(parsed.get_all(header) or []) == 1, header


def test_non_ascii_headers_are_rfc2047_encoded() -> None:
    message, _, _, _ = make_message(member_request())
    raw = message.as_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    assert "=?utf-8?" in head.lower()
    assert re.search(r"^From: .*=\?utf-8\?", head, re.MULTILINE | re.IGNORECASE)
    assert re.search(r"^Subject: .*=\?utf-8\?", head, re.MULTILINE | re.IGNORECASE)


def test_long_danish_subject_keeps_every_space() -> None:
    """CPython's own folder can drop the space between encoded-words; ours must not."""
    subject = (
        "Ændret: " + ", ".join(["Møde i Kommunalt Lægeligt Udvalg på Rådhuset"] * 5) + " æ ø å"
    )
    message = build_imip_message(
        sender=SENDER,
        sender_name="Æ" * 60 + " Ø",
        recipient=RECIPIENT,
        recipient_name=RECIPIENT_NAME,
        subject=subject,
        text="Hej",
        ics=build_ics(member_request()),
        method="REQUEST",
        date=DATE,
    )
    raw = message.as_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert all(len(line) <= 78 for line in head.split(b"\r\n")), head
    parsed = parse(raw)
    assert parsed["Subject"] == subject
    assert message["Subject"] == subject  # the in-memory value is readable text
    # A 123-octet name needs three encoded-words. CPython's address parser keeps the
    # white space between them, contrary to RFC 2047 §6.2; the legacy decoder is right.
    (from_line,) = re.findall(rb"^From:((?:[^\r\n]|\r\n )*)", head, re.MULTILINE)
    phrase = from_line.decode("ascii").replace("\r\n", "").rsplit("<", 1)[0].strip()
    assert str(make_header(decode_header(phrase))) == "Æ" * 60 + " Ø"


def test_ordinary_danish_names_use_one_encoded_word() -> None:
    message, _, _, _ = make_message(member_request())
    head = message.as_bytes().split(b"\r\n\r\n", 1)[0].decode("ascii")
    word = r"=\?utf-8\?b\?[A-Za-z0-9+/=]+\?="
    assert re.search(rf"^From: {word}(\r\n)? <sekretariat@klu\.example>\r$", head, re.M)
    assert re.search(rf"^To: {word} <jeh@klu\.example>\r$", head, re.M)


def test_cancel_message_carries_method_cancel() -> None:
    message, _, subject, _ = make_message(cancel())
    _, _, calendar, _ = parts_of(parse(message.as_bytes()))
    assert calendar.get_param("method") == "CANCEL"
    assert subject.startswith("Aflyst:")


def test_method_must_match_the_calendar() -> None:
    ics = build_ics(member_request())
    with pytest.raises(ValueError, match="does not match"):
        build_imip_message(
            sender=SENDER,
            sender_name=SENDER_NAME,
            recipient=RECIPIENT,
            recipient_name=RECIPIENT_NAME,
            subject="x",
            text="x",
            ics=ics,
            method="CANCEL",
        )


def test_default_date_and_custom_domain_and_filename() -> None:
    ics = build_ics(member_request())
    message = build_imip_message(
        sender=SENDER,
        sender_name="Plain Name",
        recipient=RECIPIENT,
        recipient_name=RECIPIENT_NAME,
        subject="Invitation",
        text="Hej",
        ics=ics,
        method="request",
        filename="klu-moede.ics",
        message_id_domain="klu.example",
    )
    parsed = parse(message.as_bytes())
    _, _, calendar, attachment = parts_of(parsed)
    assert calendar.get_param("method") == "REQUEST"
    assert attachment.get_filename() == "klu-moede.ics"
    assert str(parsed["Message-ID"]).endswith("@klu.example>")
    assert abs((parsed["Date"].datetime - datetime.now(UTC)).total_seconds()) < 60


# --- Danish texts -------------------------------------------------------------------------------


def test_invitation_text_request() -> None:
    subject, text = invitation_text(member_request(), "Jens")
    when = "søndag 29. marts 2026 kl. 15:00–17:00"
    assert subject == f"Invitation: Møde i Kommunalt Lægeligt Udvalg, {when}"
    assert text.startswith("Kære Jens\n")
    assert when in text
    assert "Rådhuset, mødelokale 2" in text
    assert text.rstrip().endswith("KLU Sekretariatet")


def test_invitation_text_update_and_cancel() -> None:
    updated = dataclasses.replace(member_request(), sequence=2)
    assert invitation_text(updated, "Jens")[0].startswith("Ændret:")
    subject, text = invitation_text(cancel(), "Jens")
    assert subject.startswith("Aflyst:")
    assert "er aflyst" in text
    assert texts.CALENDAR_WEEKDAYS[6] == "søndag"


# --- through a real SMTP server -----------------------------------------------------------------


class _Collector:
    """aiosmtpd handler keeping every envelope it receives."""

    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.received = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        self.received.set()
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Collector, int]]:
    handler = _Collector()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def test_sent_through_smtp_arrives_intact(smtp_server: tuple[_Collector, int]) -> None:
    handler, port = smtp_server
    message, ics, subject, text = make_message(member_request())
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        refused = client.send_message(message)
    assert refused == {}
    assert handler.received.wait(10)
    (envelope,) = handler.envelopes
    assert envelope.mail_from == SENDER
    assert envelope.rcpt_tos == [RECIPIENT]

    content: bytes = envelope.content
    parsed = parse(content)
    _, plain, calendar, attachment = parts_of(parsed)
    assert parsed["Subject"] == subject
    assert parsed["From"].addresses[0].display_name == SENDER_NAME
    assert plain.get_content().replace("\r\n", "\n") == text
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_payload(decode=True) == ics
    assert attachment.get_payload(decode=True) == ics
