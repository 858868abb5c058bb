"""The inbox handler for stored e-mails (handlers/mail/imap.py stores them): read the MIME
message, then let bot.attendance.mail_replies act on it, keyed by the inbox key."""

from __future__ import annotations

import base64
import logging
from collections.abc import Mapping
from functools import partial
from typing import Any

from bot.attendance.mail_replies import MailOutcome, take_mail
from bot.messaging import inbox
from handlers.bootstrap import Container
from handlers.mail.imap import MAIL_KIND
from handlers.mail.incoming import read_mail

log = logging.getLogger(__name__)


def handle_mail(container: Container, payload: Mapping[str, Any]) -> MailOutcome:
    """Work on one stored e-mail (the payload holds its raw bytes and its inbox key)."""
    raw = base64.b64decode(str(payload["raw"]))
    mail = read_mail(raw, container.settings.mail_from)
    outcome = take_mail(container.uow, mail, request_id=str(payload["key"]), now=container.clock())
    log.info("mail %s from %s: %s", payload["key"], mail.sender or "?", outcome.value)
    return outcome


def process_mail(container: Container, payload: Mapping[str, Any]) -> None:
    """The inbox handler (bot.messaging.inbox.InboxHandler)."""
    handle_mail(container, payload)


def mail_inbox_handlers(container: Container) -> dict[str, inbox.InboxHandler]:
    """What any process does with stored e-mails (no IMAP needed: the mail is in the inbox)."""
    return {MAIL_KIND: partial(process_mail, container)}
