"""The clock's look at the mailbox (IMAP_URL), once per tick and whenever IDLE announces new
mail (handlers.mail.watcher): new mail into the inbox.

A mailbox that cannot be reached (down, a wrong password) is logged and tried again next
tick; it never stops the clock's other work.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from handlers.bootstrap import Container
from handlers.mail.imap import ImapSettings, PollReport, poll
from handlers.mail.oauth import token_source

log = logging.getLogger(__name__)


def mailbox_settings(container: Container) -> ImapSettings | None:
    """IMAP_URL parsed, with the OAuth token source when MAIL_AUTH=oauth2; None when unset
    (ValueError when it cannot be parsed)."""
    url = container.settings.imap_url
    if not url:
        return None
    return replace(ImapSettings.from_url(url), tokens=token_source(container.settings))


def read_mailbox(container: Container) -> PollReport | None:
    """Store the mailbox's new messages in the inbox; None when IMAP_URL is not set or the
    mailbox could not be read this time."""
    try:
        settings = mailbox_settings(container)
        if settings is None:
            return None
        report = poll(container.uow, settings, now=container.clock)
    except Exception as exc:
        log.warning("mailbox: not read this time: %s: %s", type(exc).__name__, exc)
        return None
    if report.seen:
        log.info(
            "mailbox: %d new, %d stored, %d flagged, %d failed",
            report.seen,
            report.stored,
            report.flagged,
            report.failed,
        )
    return report
