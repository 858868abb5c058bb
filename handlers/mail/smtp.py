"""Sends e-mail outbox rows over SMTP (SMTP_URL, STARTTLS when offered): iMIP invitations
(RFC 6047) and plain Danish texts.

SMTP has no idempotency: a clock killed after the server took the message but before the
outcome was recorded sends it again after the lease (at least once). The Message-ID is
therefore made from the row's own random nonce (bot.messaging.outbox.message_token), stored when the
row was queued: a retry or such a duplicate carries the same Message-ID, so mail clients and
servers that dedupe on it can recognise it, while another installation or a rebuilt database
never reuses an id. Calendar updates name the earlier e-mails about the same copy in
In-Reply-To/References (RFC 5322 §3.6.4), so mail clients thread them.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import Any
from urllib.parse import unquote, urlparse

from bot.domain import Delivery
from bot.invitations.calendar.imip import build_imip_message
from bot.messaging.outbox import PermanentFailure, TemporaryFailure, message_token, payload_of

_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f\u2028\u2029]+")


def header_text(value: object) -> str:
    """A header value on one line: line breaks, control characters and runs of white space
    become one space (the last line of defence; the ways in already keep such values
    single-line), so nothing can end the header or add one."""
    return _UNSAFE.sub(" ", str(value or "")).strip()


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to connect; parsed from smtp://user:pass@host:587 or smtps://…"""

    host: str
    port: int
    username: str | None
    password: str | None
    implicit_tls: bool

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        """Parse SMTP_URL."""
        parsed = urlparse(url)
        if parsed.scheme not in ("smtp", "smtps") or not parsed.hostname:
            raise ValueError(f"SMTP_URL must look like smtp://user:pass@host:587, got {url!r}")
        implicit = parsed.scheme == "smtps"
        return cls(
            host=parsed.hostname,
            port=parsed.port or (465 if implicit else 587),
            username=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            implicit_tls=implicit,
        )


class SmtpSender:
    """bot.messaging.outbox.Sender for the 'email' channel: one message per recipient."""

    def __init__(
        self,
        settings: SmtpSettings,
        mail_from: str,
        from_name: str = "KLU-bot",
        documents: Callable[[Mapping[str, Any]], bytes] | None = None,
    ) -> None:
        self.settings = settings
        self.mail_from = mail_from
        self.from_name = from_name
        self.documents = documents  # renders a named document (handlers.documents.source)

    def build(self, delivery: Delivery) -> EmailMessage:
        """The MIME message for a row (iMIP when the payload carries a calendar)."""
        p = payload_of(delivery)
        sender_name = header_text(p.get("from_name") or self.from_name)
        to_name, subject = header_text(p.get("to_name", "")), header_text(p["subject"])
        if p.get("ics"):
            imip = build_imip_message(
                sender=self.mail_from,
                sender_name=sender_name,
                recipient=delivery.recipient,
                recipient_name=to_name,
                subject=subject,
                text=p["text"],
                ics=p["ics"].encode("utf-8"),
                method=p["method"],
                filename=p.get("filename", "invitation.ics"),
            )
            del imip["Message-ID"]
            imip["Message-ID"] = self.message_id(delivery)
            self._thread(imip, p.get("references"))
            return imip
        msg = EmailMessage()
        msg["From"] = formataddr((sender_name, self.mail_from))
        msg["To"] = formataddr((to_name, delivery.recipient))
        msg["Subject"] = subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = self.message_id(delivery)
        self._thread(msg, p.get("references"))
        msg.set_content(p["text"])
        self._attach(msg, p)
        return msg

    def _attach(self, message: EmailMessage, p: Mapping[str, Any]) -> None:
        """The PDF a row names ({"document": {...}, "filename": ...}), rendered now; a process
        that cannot render refuses the row (PermanentFailure, the secretary is told) rather
        than send the summary without the minutes it promises."""
        if not isinstance(p.get("document"), Mapping):
            return
        if self.documents is None:
            raise PermanentFailure("this process cannot render documents")
        data = self.documents(p["document"])
        filename = header_text(p.get("filename") or "dokument.pdf")
        message.add_attachment(data, maintype="application", subtype="pdf", filename=filename)

    def _id(self, token: str) -> str:
        domain = self.mail_from.partition("@")[2] or "klu-bot.local"
        return f"<klu.{token}@{domain}>"

    def message_id(self, delivery: Delivery) -> str:
        """<klu.nonce@sender domain>: the same row always gets the same id, no other row (in
        any database) does."""
        return self._id(message_token(delivery))

    def _thread(self, message: EmailMessage, tokens: object) -> None:
        """In-Reply-To (the latest earlier e-mail) and References (oldest first)."""
        if not isinstance(tokens, list) or not tokens:
            return
        ids = [self._id(str(t)) for t in tokens if str(t).isalnum()]
        if ids:
            message["In-Reply-To"] = ids[-1]
            message["References"] = " ".join(ids)

    def send(self, delivery: Delivery) -> str:
        message = self.build(delivery)
        s = self.settings
        try:
            if s.implicit_tls:
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=20, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=20)
            with smtp:
                smtp.ehlo()
                if not s.implicit_tls and smtp.has_extn("starttls"):
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                if s.username:
                    smtp.login(s.username, s.password or "")
                smtp.send_message(message, from_addr=self.mail_from, to_addrs=[delivery.recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"smtp: {exc}") from exc
        return str(message["Message-ID"])
