"""Reading a received e-mail into bot.attendance.mail_replies.IncomingMail.

What is read, and from where:

- the sender: From, lower case;
- which of our e-mails it answers: In-Reply-To and References name our Message-IDs
  (<klu.TOKEN@domain>, handlers/mail/smtp.py); a tokened Reply-To (MAIL_FROM's local
  part +TOKEN) comes back in To/Cc/Delivered-To/X-Original-To;
- the reply's own words: the text/plain part (else the HTML as text, quoted blocks left out),
  with the quoted history ("Den ons. 2. dec. 2026 kl. 10.00 skrev …:", "Fra: … Sendt: …",
  "> …") and the signature cut off by mail-parser-reply in Danish and English;
- automatic mail (never regrets, never answered): the bot's own address as sender,
  Auto-Submitted other than "no" (RFC 3834), X-Autoreply/X-Autorespond, Precedence
  bulk/list/junk/auto_reply, List-Id, and the subjects Outlook, Gmail and Apple give
  out-of-office replies;
- X-Auto-Response-Suppress (Exchange): "send no automatic answer to this". Exchange puts it
  on its out-of-office replies, but together with Auto-Submitted and the »Automatisk svar«
  subject; alone it also comes on people's own mail (sent through a distribution list, by
  some clients), which osTicket, GLPI and Sisimai learnt to read as a person's. So alone it
  makes the mail `quiet`: read and registered, but not answered;
- bounces: a multipart/report with a delivery-status part (RFC 3464; the recipients whose
  Action is "failed" and their Diagnostic-Code), or mail from MAILER-DAEMON/postmaster, or
  with an empty Return-Path that names one of our Message-IDs; a read receipt (disposition
  notification) or a "delayed" notice is automatic, not a bounce;
- calendar answers: every iTIP answer (REPLY; COUNTER and others for the secretary) in
  text/calendar parts and .ics attachments
  (bot.invitations.calendar.itip_reply).
"""

from __future__ import annotations

import email
import email.parser
import email.policy
import re
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from mailparser_reply import EmailReplyParser

from bot.attendance.mail_replies import Bounce, IncomingMail
from bot.attendance.replies import is_auto_reply_subject, without_disclaimer
from bot.invitations.calendar.itip_reply import CalendarAnswer, calendar_parts, parse_answers

_REPLY_PARSER = EmailReplyParser(languages=["da", "en"])
_TOKEN = r"([0-9a-f]{32})"
_REPLY_PREFIX = re.compile(r"^\s*(?:re|sv|aw|vs|antw)\s*:", re.IGNORECASE)
_DAEMON = re.compile(r"^(?:mailer-daemon|postmaster|mail-daemon)@", re.IGNORECASE)
_QUOTED_LINE = re.compile(r"^\s*>")


def read_mail(raw: bytes, own_address: str) -> IncomingMail:
    """Read one received message (never raises on odd input: what cannot be read is empty)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    local, _, domain = own_address.strip().lower().rpartition("@")
    # Any domain: the token alone names the row (random, looked up in the outbox), and a
    # changed MAIL_FROM must not orphan the replies to mail sent before.
    own_id = re.compile(r"<klu\." + _TOKEN + r"@[^<>\s]+>", re.IGNORECASE)
    sender_name, sender = parseaddr(_header(message, "From"))
    references = _header(message, "References").split() + _header(message, "In-Reply-To").split()
    tokens = [m.group(1).lower() for ref in reversed(references) for m in own_id.finditer(ref)]
    tokens += _address_tokens(message, local, domain)
    bounce = _bounce(message, raw, own_id)
    if bounce is not None:
        tokens += [m.group(1).lower() for m in own_id.finditer(_text_of(raw))]
    subject = " ".join(_header(message, "Subject").split())
    return IncomingMail(
        message_id=" ".join(_header(message, "Message-ID").split()),
        subject=subject,
        sender=sender.strip().lower() if "@" in sender else "",
        sender_name=" ".join(sender_name.split()),
        text=reply_text(message),
        tokens=tuple(dict.fromkeys(tokens)),
        is_reply=bool(references) or bool(_REPLY_PREFIX.match(subject)),
        automatic=bounce is None and (is_automatic(message) or _own(sender, local, domain)),
        quiet=bool(_header(message, "X-Auto-Response-Suppress").strip()),
        bounce=bounce,
        calendar=tuple(_answers(message)),
    )


def _own(sender: str, local: str, domain: str) -> bool:
    """Mail from the bot's own address (a copy of what it sent): never read as an answer."""
    found_local, _, found_domain = sender.strip().lower().rpartition("@")
    return bool(local) and found_domain == domain and found_local.split("+")[0] == local


def _header(message: Message, name: str) -> str:
    """A header as text; '' when missing or too broken to decode."""
    try:
        value = message.get(name)
    except (ValueError, IndexError, TypeError):
        return ""
    return str(value or "")


def _address_tokens(message: Message, local: str, domain: str) -> list[str]:
    """Tokens of a tokened Reply-To: local+TOKEN@domain among the recipients."""
    if not local:
        return []
    pattern = re.compile(
        "^" + re.escape(local) + r"\+" + _TOKEN + "@" + re.escape(domain) + "$", re.IGNORECASE
    )
    values = [_header(message, n) for n in ("To", "Cc", "Delivered-To", "X-Original-To")]
    found = []
    for _, address in getaddresses(values):
        match = pattern.match(address.strip())
        if match:
            found.append(match.group(1).lower())
    return found


def is_automatic(message: Message) -> bool:
    """An auto-reply, a list or bulk mail: nothing a person wrote to the bot."""
    auto = _header(message, "Auto-Submitted").strip().lower()
    if auto and not auto.startswith("no"):
        return True
    if any(_header(message, n).strip() for n in ("X-Autoreply", "X-Autorespond", "List-Id")):
        return True
    precedence = _header(message, "Precedence").strip().lower()
    if precedence in ("bulk", "list", "junk", "auto_reply"):
        return True
    null_sender = _header(message, "Return-Path").strip() in ("<>", "")
    if null_sender and message.get("Return-Path") is not None:
        return True  # a null sender: something generated it
    return is_auto_reply_subject(_header(message, "Subject"))


def _bounce(message: Message, raw: bytes, own_id: re.Pattern[str]) -> Bounce | None:
    """The failed recipients of a bounce; None when the message is no bounce."""
    report = message.get_content_type() == "multipart/report"
    kind = str(message.get_param("report-type", "") or "").lower() if report else ""
    if report and kind == "disposition-notification":
        return None  # a read receipt
    status = next(
        (p for p in message.walk() if p.get_content_type() == "message/delivery-status"), None
    )
    if status is not None:
        failed, reasons = _failed_recipients(status)
        if failed or not _delayed_only(status):
            return Bounce(tuple(failed), "; ".join(dict.fromkeys(reasons))[:500])
        return None
    _, sender = parseaddr(_header(message, "From"))
    null_sender = _header(message, "Return-Path").strip() == "<>"
    if _DAEMON.match(sender.strip()) or (null_sender and own_id.search(_text_of(raw))):
        return Bounce((), "")
    return None


def _status_blocks(part: Message) -> list[Message]:
    """The field groups of a delivery-status part (per message, then per recipient)."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    text = payload if isinstance(payload, str) else ""
    parser = email.parser.HeaderParser()
    return [parser.parsestr(block + "\n") for block in re.split(r"\r?\n\s*\r?\n", text)]


def _failed_recipients(part: Message) -> tuple[list[str], list[str]]:
    failed, reasons = [], []
    for block in _status_blocks(part):
        action = str(block.get("Action") or "").strip().lower()
        recipient = str(block.get("Final-Recipient") or block.get("Original-Recipient") or "")
        address = recipient.partition(";")[2].strip().strip("<>").lower() or recipient.lower()
        if action == "failed" and "@" in address:
            failed.append(address)
            diagnostic = " ".join(str(block.get("Diagnostic-Code") or "").split())
            reasons.append(diagnostic.partition(";")[2].strip() or diagnostic)
    return failed, [r for r in reasons if r]


def _delayed_only(part: Message) -> bool:
    actions = {str(b.get("Action") or "").strip().lower() for b in _status_blocks(part)}
    actions.discard("")
    return bool(actions) and actions <= {"delayed", "relayed", "delivered", "expanded"}


def _text_of(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _answers(message: Message) -> list[CalendarAnswer]:
    """The iTIP answers in the message (REPLY, and COUNTER etc. for the secretary), once each:
    Outlook sends the same one as a text/calendar part and as an .ics attachment."""
    found: list[CalendarAnswer] = []
    for part in calendar_parts(message):
        found += parse_answers(part)
    return list(dict.fromkeys(found))


def reply_text(message: Message) -> str:
    """What the sender wrote themselves, without the quoted history and the signature."""
    text = _body_text(message)
    if not text.strip():
        return ""
    text = unwrap_attribution(text)
    try:
        parsed = _REPLY_PARSER.read(text)
        first = parsed.replies[0].body if parsed.replies else text
    except (IndexError, re.error):  # the parser gave up: fall back on the raw text
        first = text
    first = without_disclaimer(first)
    lines = [line for line in first.splitlines() if not _QUOTED_LINE.match(line)]
    return "\n".join(lines).strip()


_ATTRIBUTION_START = re.compile(r"^\s*(?:den|on|am|le|el|op)\s", re.IGNORECASE)
_ATTRIBUTION_VERB = re.compile(r"\b(?:skrev|wrote|schrieb|a écrit|escribió|schreef)\b", re.I)


def unwrap_attribution(text: str) -> str:
    """The quote's header line on one line again. Gmail wraps a long 'Den ons. 2. dec. 2026
    kl. 10.00 skrev Camilla Juul <' / 'klu@fjordby.dk>:' over two or three lines, and the
    reply parser knows the Danish one only whole; left wrapped, its tail was read as the
    member's own words."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        joined = None
        if _ATTRIBUTION_START.match(line) and not line.rstrip().endswith(":"):
            for span in (1, 2):
                if i + span >= len(lines):
                    break
                candidate = line.strip()
                for part in lines[i + 1 : i + span + 1]:
                    glue = "" if candidate.endswith("<") else " "
                    candidate += glue + part.strip()
                if candidate.endswith(":") and _ATTRIBUTION_VERB.search(candidate):
                    joined, i = candidate, i + span + 1
                    break
        if joined is None:
            out.append(line)
            i += 1
        else:
            out.append(joined)
    return "\n".join(out)


def _body_text(message: Message) -> str:
    """The text/plain body, else the HTML body as text (not attachments, not calendars)."""
    if isinstance(message, EmailMessage):
        try:
            plain = message.get_body(preferencelist=("plain",))
            if plain is not None:
                return _content(plain)
            html = message.get_body(preferencelist=("html",))
            if html is not None:
                return html_text(_content(html))
        except (KeyError, LookupError, ValueError):
            pass
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.get_filename():
            return _content(part)
    return ""


def _content(part: Message) -> str:
    try:
        value = part.get_content()  # type: ignore[attr-defined]
    except (LookupError, ValueError, AttributeError):
        payload = part.get_payload(decode=True)
        value = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    return value if isinstance(value, str) else ""


class _HtmlText(HTMLParser):
    """HTML to lines of text; quoted history (blockquote, Gmail's and Outlook's reply
    blocks) and everything after the start of it are left out."""

    _BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "table"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stopped = False
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        quote = "gmail_quote" in values.get("class", "") or values.get("id", "").startswith(
            ("divRplyFwdMsg", "appendonsend", "mail-editor-reference-message")
        )
        if tag == "blockquote" or quote:
            self.stopped = True
        if tag in ("style", "script", "head", "title"):
            self.skip += 1
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script", "head", "title") and self.skip:
            self.skip -= 1
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.stopped and not self.skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The visible text of an HTML body, up to its quoted history."""
    parser = _HtmlText()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return "\n".join(lines).strip()
