"""The demo's mailbox: a real SMTP server on loopback that keeps what KLU-bot sends, and the
e-mails shown as the recipient would read them (headers, text, attachments)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from bot import texts

CALENDAR_LINES = ("METHOD", "SUMMARY", "DTSTART", "DTEND", "LOCATION", "ORGANIZER")


class MailCatcher:
    """aiosmtpd handler: every message received, parsed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._lock:
            self._messages.append(parsed)
        return "250 OK"

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._messages)


@contextmanager
def smtp_server() -> Iterator[tuple[str, MailCatcher]]:
    """A local SMTP server; yields its URL and the catcher."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    catcher = MailCatcher()
    controller = Controller(catcher, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", catcher
    finally:
        controller.stop()


def mail_to_text(message: EmailMessage) -> str:
    """Subject, sender, the text part and the attachments (a calendar file's key lines)."""
    lines = [
        texts.DEMO_MAIL_FROM.format(sender=message["From"]),
        texts.DEMO_MAIL_SUBJECT.format(subject=message["Subject"]),
        "",
    ]
    body = message.get_body(preferencelist=("plain",))
    if body is not None:
        lines += str(body.get_content()).rstrip().split("\n")
    for part in message.walk():
        if part.get_content_maintype() == "multipart" or part is body:
            continue
        name = part.get_filename()
        kind = part.get_content_type()
        if kind == "text/calendar":
            content = part.get_payload(decode=True) or b""
            assert isinstance(content, bytes)
            keys = _event_lines(content.decode("utf-8", "replace"))
            lines += ["", texts.DEMO_MAIL_CALENDAR.format(name=name or kind)]
            lines += ["    " + line for line in dict.fromkeys(keys)]
        elif name:
            lines += ["", texts.DEMO_MAIL_ATTACHMENT.format(name=name, kind=kind)]
    return "\n".join(lines)


def _event_lines(calendar: str) -> list[str]:
    """The calendar's METHOD and the key lines of its events (not of its VTIMEZONE)."""
    found, depth = [], []
    for line in calendar.splitlines():
        name = line.split(";")[0].split(":")[0]
        if name == "BEGIN":
            depth.append(line.partition(":")[2])
        elif name == "END" and depth:
            depth.pop()
        elif name in CALENDAR_LINES and (name == "METHOD" or depth[-1:] == ["VEVENT"]):
            found.append(line)
    return found
