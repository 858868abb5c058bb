"""The mailbox the bot reads (IMAP_URL): connection, login and the polling round.

Each round searches the folder for messages without the $KluDone keyword (servers that keep
no custom keywords: unseen ones), and for each one, alone, so one bad message never holds up
the others: fetch it without setting \\Seen, store it in the inbox under its Message-ID
(bot.messaging.inbox; a hash of the raw bytes when it has none), and only then flag it \\Seen
and $KluDone (and move it to the done folder, `?done=Folder`, when that exists and the server
can MOVE). Nothing is ever deleted. A reader that dies between storing and flagging finds the
message again next round; storing it again adds nothing, so it is flagged and handled once.
Two readers at once store it once (the inbox key is unique); what it means is worked out by
the inbox worker (handlers.mail.replies), exactly once per key.
"""

from __future__ import annotations

import base64
import hashlib
import imaplib
import ipaddress
import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from urllib.parse import parse_qs, unquote, urlparse

from imapclient import IMAPClient

from bot.messaging import inbox
from bot.ports import Clock, UnitOfWork
from handlers.mail.oauth import TokenSource, imap_xoauth2_login

log = logging.getLogger(__name__)

MAIL_KIND = "email.message"
DONE = b"$KluDone"
SEEN = b"\\Seen"
MAX_STORED = 2_000_000  # bytes of one message kept in the inbox; the rest is cut (see slim)
_KEY_LIMIT = 80  # processed_events ids are at most 100 characters, derived ids add a suffix


@dataclass(frozen=True)
class ImapSettings:
    """Parsed from imaps://user:pass@host:993/INBOX or imap://…:143/INBOX (STARTTLS)."""

    host: str
    port: int
    username: str
    password: str
    folder: str = "INBOX"
    implicit_tls: bool = True
    done_folder: str | None = None
    tokens: TokenSource | None = None  # MAIL_AUTH=oauth2: XOAUTH2 instead of the password

    @classmethod
    def from_url(cls, url: str) -> ImapSettings:
        """Parse IMAP_URL (ValueError when it cannot be one)."""
        parsed = urlparse(url)
        if parsed.scheme not in ("imap", "imaps") or not parsed.hostname:
            raise ValueError(
                f"IMAP_URL must look like imaps://user:pass@host:993/INBOX, got {url!r}"
            )
        implicit = parsed.scheme == "imaps"
        query = parse_qs(parsed.query)
        done = (query.get("done") or [""])[0].strip()
        return cls(
            host=parsed.hostname,
            port=parsed.port or (993 if implicit else 143),
            username=unquote(parsed.username or ""),
            password=unquote(parsed.password or ""),
            folder=unquote(parsed.path.lstrip("/")) or "INBOX",
            implicit_tls=implicit,
            done_folder=done or None,
        )

    @property
    def loopback(self) -> bool:
        """A server on this machine (tests, a local relay): plain text is allowed there."""
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def connect(settings: ImapSettings, timeout: float = 30.0) -> IMAPClient:
    """A connected client: TLS from the start (imaps), else STARTTLS, which is required
    unless the server is on the loopback interface (no password goes out in clear text)."""
    context = ssl.create_default_context()
    client = IMAPClient(
        settings.host,
        port=settings.port,
        ssl=settings.implicit_tls,
        ssl_context=context if settings.implicit_tls else None,
        timeout=timeout,
    )
    if not settings.implicit_tls:
        if b"STARTTLS" in client.capabilities():
            client.starttls(context)
        elif not settings.loopback:
            client.shutdown()
            raise ConnectionError(f"{settings.host} offers no STARTTLS; use imaps://")
    return client


def login(client: IMAPClient, settings: ImapSettings) -> None:
    """Authenticate: XOAUTH2 with a token when MAIL_AUTH=oauth2 (Microsoft 365), else the
    user name and password from IMAP_URL."""
    if settings.tokens is not None:
        imap_xoauth2_login(client, settings.username, settings.tokens)
    else:
        client.login(settings.username, settings.password)


def message_key(raw: bytes) -> str:
    """The inbox key: mail:<Message-ID>, or mail:h:<sha256> when there is no usable
    Message-ID (missing, or too long for an event id). The hash is of what the sender wrote,
    the addresses, date, subject and body, not of the trace headers (Received, Delivered-To
    and the like) that each delivery of the same mail adds anew."""
    headers = BytesHeaderParser(policy=compat32).parsebytes(raw, headersonly=True)
    value = " ".join(str(headers.get("Message-ID") or "").split())
    if value and len(value) <= _KEY_LIMIT - 5 and value.isprintable():
        return f"mail:{value}"
    basis = value.encode("utf-8", "replace") if value else _written(raw, headers)
    return f"mail:h:{hashlib.sha256(basis).hexdigest()[:40]}"


_WRITTEN = ("From", "Sender", "To", "Cc", "Date", "Subject", "In-Reply-To", "References")


def _written(raw: bytes, headers: Message) -> bytes:
    """The sender's own header fields and the body, as bytes to hash."""
    fields = [f"{name}: {' '.join(str(headers.get(name) or '').split())}" for name in _WRITTEN]
    ends = [i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0]
    body = raw[min(ends) :].lstrip(b"\r\n") if ends else b""
    return "\n".join(fields).encode("utf-8", "replace") + b"\n\n" + body


def slim(raw: bytes) -> bytes:
    """A message small enough to keep: the raw bytes when under MAX_STORED, else the first
    MAX_STORED bytes (header, the reply's text and a calendar part come before attachments;
    the parser reads a cut message as far as it goes)."""
    if len(raw) <= MAX_STORED:
        return raw
    return raw[:MAX_STORED]


@dataclass
class PollReport:
    """What one round did with the mailbox."""

    seen: int = 0
    stored: int = 0
    flagged: int = 0
    failed: int = 0
    keys: list[str] = field(default_factory=list)


def poll(
    uow_factory: Callable[[], UnitOfWork],
    settings: ImapSettings,
    *,
    now: Clock,
    limit: int = 200,
    after_store: Callable[[int, str], None] | None = None,
) -> PollReport:
    """One round over the folder (see the module text); `after_store(uid, key)` runs between
    storing and flagging (tests use it to stop a reader there, like a crash would)."""
    report = PollReport()
    client = connect(settings)
    try:
        login(client, settings)
        selected = client.select_folder(settings.folder)
        keywords = _keywords_allowed(selected)
        criteria: list[str | bytes] = ["NOT", "KEYWORD", DONE] if keywords else ["UNSEEN"]
        uids = sorted(client.search(criteria))[:limit]
        move_to = _done_folder(client, settings)
        for uid in uids:
            report.seen += 1
            try:
                _one(client, uow_factory, uid, now, report, keywords, move_to, after_store)
            except (imaplib.IMAP4.abort, OSError):
                raise  # the connection is gone: the round ends, the rest waits for the next
            except Exception:  # one bad message (even one the server cannot fetch) must
                # not hold up the others
                report.failed += 1
                log.exception("mailbox: message uid %s could not be stored", uid)
    finally:
        try:
            client.logout()
        except Exception:  # already closed by the server or a failure above
            log.debug("mailbox: logout failed", exc_info=True)
    return report


def mail_payload(key: str, raw: bytes) -> dict[str, object]:
    """How a received mail is kept in the inbox: its key, the message (slimmed, base64) and
    its size. Erasure reads it back as a mail (storage/repositories/privacy.py)."""
    return {"key": key, "raw": base64.b64encode(slim(raw)).decode("ascii"), "size": len(raw)}


def _one(
    client: IMAPClient,
    uow_factory: Callable[[], UnitOfWork],
    uid: int,
    now: Clock,
    report: PollReport,
    keywords: bool,
    move_to: str | None,
    after_store: Callable[[int, str], None] | None,
) -> None:
    fetched = client.fetch([uid], [b"BODY.PEEK[]"])
    data = fetched.get(uid) or {}
    raw = data.get(b"BODY[]")
    if not isinstance(raw, bytes):
        return  # expunged by someone else since the search
    key = message_key(raw)
    payload = mail_payload(key, raw)
    if inbox.receive(uow_factory(), key=key, kind=MAIL_KIND, payload=payload, now=now()):
        report.stored += 1
        report.keys.append(key)
    if after_store is not None:
        after_store(uid, key)
    client.add_flags([uid], [SEEN, DONE] if keywords else [SEEN], silent=True)
    report.flagged += 1
    if move_to is not None:
        client.move([uid], move_to)


def _keywords_allowed(selected: dict[bytes, object]) -> bool:
    """Whether the folder keeps keywords we invent (PERMANENTFLAGS has \\* or $KluDone)."""
    flags = selected.get(b"PERMANENTFLAGS") or ()
    names = {bytes(f) if isinstance(f, bytes) else str(f).encode() for f in flags}  # type: ignore[attr-defined]
    return b"\\*" in names or DONE in names


def _done_folder(client: IMAPClient, settings: ImapSettings) -> str | None:
    """The folder processed mail moves to, when it is set, exists and MOVE is supported."""
    if not settings.done_folder:
        return None
    if b"MOVE" not in client.capabilities() or not client.folder_exists(settings.done_folder):
        log.warning("mailbox: done folder %r missing or no MOVE; flags only", settings.done_folder)
        return None
    return settings.done_folder
