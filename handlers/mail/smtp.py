"""Sends e-mail outbox rows over SMTP (SMTP_URL, STARTTLS when offered): iMIP invitations
(RFC 6047) and plain Danish texts (neutral Messages rendered by handlers/mail/render.py).

SMTP has no idempotency: a clock killed after the server took the message but before the
outcome was recorded sends it again after the lease (at least once). The Message-ID is
therefore made from the row's own random nonce (bot.messaging.outbox.message_token), stored when the
row was queued: a retry or such a duplicate carries the same Message-ID, so mail clients and
servers that dedupe on it can recognise it, while another installation or a rebuilt database
never reuses an id. Calendar updates name the earlier e-mails about the same copy in
In-Reply-To/References (RFC 5322 §3.6.4), so mail clients thread them.

Logging in: user:password from the URL (AUTH PLAIN/LOGIN), or with MAIL_AUTH=oauth2 SASL
XOAUTH2 as the URL's user (else MAIL_FROM) with a token from Microsoft Entra ID
(handlers/mail/oauth.py), as Exchange Online wants it.

A file that names a document (a message File with {"kind": "dagsorden", "meeting_id": N},
or the same beside an iMIP calendar) is attached as application/pdf, rendered now by the
`documents` source (handlers.documents.source), as the Slack sender does for its uploads.
"""

from __future__ import annotations

import ipaddress
import re
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate
from typing import Any
from urllib.parse import unquote, urlparse

from bot import texts
from bot.domain import Delivery
from bot.invitations.calendar.imip import build_imip_message
from bot.messaging.outbox import PermanentFailure, TemporaryFailure, message_token, payload_of
from handlers.mail.oauth import TokenError, TokenSource, first_line, xoauth2_string
from handlers.mail.render import mail_fields

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
    auth: str = "password"  # or "oauth2": SASL XOAUTH2 (MAIL_AUTH)

    @classmethod
    def from_url(cls, url: str, auth: str = "password") -> SmtpSettings:
        """Parse SMTP_URL; `auth` is MAIL_AUTH."""
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
            auth=auth,
        )


def _loopback(host: str) -> bool:
    """This machine: a test server may go without TLS, no other server gets a token in clear."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


class SmtpSender:
    """bot.messaging.outbox.Sender for the 'email' channel: one message per recipient."""

    def __init__(
        self,
        settings: SmtpSettings,
        mail_from: str,
        from_name: str = "KLU-bot",
        tokens: TokenSource | None = None,
        *,
        reply_tokens: bool = False,
        documents: Callable[[Mapping[str, Any]], bytes] | None = None,
    ) -> None:
        if settings.auth == "oauth2" and tokens is None:
            raise ValueError("SMTP with oauth2 needs a token source")
        self.settings = settings
        self.mail_from = mail_from
        self.from_name = from_name
        self.tokens = tokens
        self.reply_tokens = reply_tokens  # MAIL_REPLY_TOKENS: Reply-To local+token@domain
        self.documents = documents  # renders the PDFs that files name (documents.source)

    def build(self, delivery: Delivery) -> EmailMessage:
        """The MIME message for a row (iMIP when the payload carries a calendar)."""
        p = mail_fields(payload_of(delivery))
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
            self._reply_headers(imip, delivery, p)
            self._attach(imip, p.get("files") or [])
            return imip
        msg = EmailMessage()
        msg["From"] = formataddr((sender_name, self.mail_from))
        msg["To"] = formataddr((to_name, delivery.recipient))
        msg["Subject"] = subject
        msg["Date"] = formatdate(localtime=False)
        msg["Message-ID"] = self.message_id(delivery)
        self._thread(msg, p.get("references"))
        self._reply_headers(msg, delivery, p)
        msg.set_content(p["text"])
        self._attach(msg, p.get("files") or [])
        return msg

    def _attach(self, message: EmailMessage, files: list[Mapping[str, Any]]) -> None:
        """The files the row carries (text) or names (a document, rendered now as a PDF)."""
        for f in files:
            filename = header_text(f.get("filename")) or "dokument.pdf"
            if f.get("document") is not None:
                if self.documents is None:
                    raise PermanentFailure("this process cannot render documents")
                pdf = self.documents(f["document"])
                message.add_attachment(
                    pdf, maintype="application", subtype="pdf", filename=filename
                )
            else:
                subtype = "calendar" if filename.endswith(".ics") else "plain"
                message.add_attachment(str(f["content"]), subtype=subtype, filename=filename)
        if files:
            for part in message.iter_parts():  # as in iMIP: only the top level says MIME-Version
                del part["MIME-Version"]

    def reply_address(self, delivery: Delivery) -> str:
        """MAIL_FROM with the row's token after a +: a reply to it names the row even when
        the mail client drops In-Reply-To (handlers/mail/incoming.py reads it back)."""
        local, _, domain = self.mail_from.rpartition("@")
        return f"{local}+{message_token(delivery)}@{domain}"

    def _reply_headers(self, message: EmailMessage, delivery: Delivery, p: dict[str, Any]) -> None:
        """An answer to someone's e-mail threads under it (In-Reply-To, RFC 5322 §3.6.4) and
        says it is automatic (Auto-Submitted, RFC 3834), so their own auto-reply keeps quiet;
        with MAIL_REPLY_TOKENS, Reply-To carries the row's token."""
        answered = header_text(p.get("in_reply_to"))
        if answered.startswith("<") and answered.endswith(">") and "In-Reply-To" not in message:
            message["In-Reply-To"] = answered
            message["References"] = answered
        if p.get("auto_submitted") in ("auto-replied", "auto-generated"):
            message["Auto-Submitted"] = str(p["auto_submitted"])
        if self.reply_tokens and "@" in self.mail_from:
            message["Reply-To"] = formataddr(
                (header_text(self.from_name), self.reply_address(delivery))
            )

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

    def _login(self, smtp: smtplib.SMTP, token: str | None) -> None:
        s = self.settings
        if token is not None:
            user = s.username or self.mail_from

            def xoauth2(challenge: bytes | None = None) -> str:
                # A 334 challenge after the token is the server's error (JSON); the client
                # answers with an empty line and the server then says 535.
                return xoauth2_string(user, token) if challenge is None else ""

            try:
                smtp.auth("XOAUTH2", xoauth2, initial_response_ok=True)
            except smtplib.SMTPAuthenticationError as exc:
                said = exc.smtp_error
                said = said.decode(errors="replace") if isinstance(said, bytes) else said
                reason = f"{exc.smtp_code} {first_line(said)}"
                raise TemporaryFailure(
                    texts.MAIL_OAUTH_REFUSED.format(
                        server="SMTP", user=user, reason=reason, permission="SMTP.SendAsApp"
                    )
                ) from exc
        elif s.username:
            smtp.login(s.username, s.password or "")

    def send(self, delivery: Delivery) -> str:
        message = self.build(delivery)
        s = self.settings
        token = None
        if s.auth == "oauth2":
            assert self.tokens is not None
            try:
                token = self.tokens.token()  # before connecting: no token, no connection
            except TokenError as exc:
                raise TemporaryFailure(str(exc)) from exc
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
                elif token is not None and not s.implicit_tls and not _loopback(s.host):
                    raise TemporaryFailure(texts.MAIL_OAUTH_NEEDS_TLS.format(host=s.host))
                self._login(smtp, token)
                smtp.send_message(message, from_addr=self.mail_from, to_addrs=[delivery.recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentFailure(f"recipient refused: {exc.recipients}") from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"smtp: {exc}") from exc
        return str(message["Message-ID"])
