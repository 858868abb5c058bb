"""One place that wires sending: the senders from the settings, the calendar sync, the
dispatch round, and the secretary's notice when a delivery fails for good.

Used by the CLI, the web worker and the clock alike: call run_dispatch(container).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from bot.config import Settings
from bot.domain import Delivery, Role
from bot.invitations.sync import sync_due
from bot.messaging import inbox, outbox
from bot.messaging.message import Address, Message, to_payload
from bot.messaging.message import text as paragraphs
from bot.messaging.outbox import DispatchReport, Sender, dispatch_due, failure_notice, payload_of
from bot.ports import UnitOfWork
from handlers.bootstrap import Container
from handlers.documents.source import document_source
from handlers.mail.oauth import token_source
from handlers.mail.smtp import SmtpSender, SmtpSettings

log = logging.getLogger(__name__)
KIND_FAILURE = "delivery_failed"


def email_enabled(settings: Settings) -> bool:
    """True when SMTP_URL and MAIL_FROM are both set."""
    return bool(settings.smtp_url and settings.mail_from)


def calendar_mailbox(settings: Settings) -> str:
    """The address invitations name as ORGANIZER: the mailbox the bot sends from and reads
    answers in (MAIL_FROM); "" without e-mail, so the secretariat's address stands."""
    return settings.mail_from if email_enabled(settings) else ""


def make_senders(
    settings: Settings, documents: Callable[[Mapping[str, Any]], bytes] | None = None
) -> dict[str, Sender]:
    """The senders this process can use: Slack with a bot token, e-mail with SMTP settings;
    `documents` renders the PDFs that deliveries name (handlers.documents.source)."""
    senders: dict[str, Sender] = {}
    if settings.slack_bot_token:
        from handlers.slack.sender import SlackSender, make_client

        client = make_client(settings.slack_bot_token, settings.slack_api_url)
        senders[outbox.SLACK] = SlackSender(client, documents)
    if email_enabled(settings):
        smtp = SmtpSettings.from_url(settings.smtp_url, auth=settings.mail_auth)
        tokens = token_source(settings)
        senders[outbox.EMAIL] = SmtpSender(
            smtp,
            settings.mail_from,
            tokens=tokens,
            reply_tokens=settings.mail_reply_tokens,
            documents=documents,
        )
    return senders


def notify_secretary(uow: UnitOfWork, delivery: Delivery, now: datetime) -> None:
    """on_failure hook: tell the committee's secretary (Slack DM, else e-mail), once."""
    if delivery.kind == KIND_FAILURE:
        return  # never report a failed report: that could loop
    try:
        committee_id = payload_of(delivery).get("committee_id")
    except ValueError:
        committee_id = None
    committees = [c for c in uow.committees.list() if committee_id in (None, c.id)]
    if not committees:
        return
    committee = committees[0]
    secretaries = [
        uow.people.get(m.person_id)
        for m in uow.memberships.for_committee(committee.id or 0)
        if m.role == Role.SECRETARY and m.is_active(now.date())
    ]
    text = failure_notice(delivery)
    key = f"failure:{delivery.key}"
    for person in secretaries:
        if person is not None and person.slack_user_id:
            to = Address.person(person.slack_user_id)
            payload = to_payload(Message(address=to, paragraphs=paragraphs(text)))
            outbox.enqueue(
                uow, key=key, channel=outbox.SLACK, kind=KIND_FAILURE,
                recipient=person.slack_user_id, payload=payload, now=now,
            )  # fmt: skip
            return
    if committee.secretariat_email:
        mail = Message(
            subject=text[:120], paragraphs=paragraphs(text), to_name=committee.secretariat_name
        )
        payload = to_payload(mail)
        outbox.enqueue(
            uow, key=key, channel=outbox.EMAIL, kind=KIND_FAILURE,
            recipient=committee.secretariat_email, payload=payload, now=now,
        )  # fmt: skip


def inbox_handlers(container: Container) -> dict[str, inbox.InboxHandler]:
    """What this process does with stored events: e-mails always (they need only the
    database), Slack events with a Slack token."""
    from handlers.mail.replies import mail_inbox_handlers

    handlers = mail_inbox_handlers(container)
    if not container.settings.slack_bot_token:
        return handlers
    from handlers.slack.deps import NoBackground
    from handlers.slack.listeners.attendance import slack_event_handlers as slack_handlers

    return {**slack_handlers(container, NoBackground()), **handlers}


def run_dispatch(
    container: Container,
    senders: dict[str, Sender] | None = None,
    should_stop: Callable[[], bool] | None = None,
    handlers: Mapping[str, inbox.InboxHandler] | None = None,
    pause: Callable[[], None] | None = None,
) -> DispatchReport:
    """One round: work on stored Slack events, send due calendar updates into the outbox,
    then deliver what is due (stopping early, claims released, once `should_stop()` is true;
    `pause()` before each event and each send)."""
    now = container.clock()
    settings = container.settings
    handlers = inbox_handlers(container) if handlers is None else handlers
    if handlers:
        inbox.process_due(container.uow, handlers, now=now, should_stop=should_stop, pause=pause)
    sync_due(
        container.uow,
        now=now,
        email_enabled=email_enabled(settings),
        mailbox=calendar_mailbox(settings),
    )
    chosen = make_senders(settings, document_source(container)) if senders is None else senders
    return dispatch_due(
        container.uow,
        chosen,
        now=now,
        on_failure=notify_secretary,
        should_stop=should_stop,
        pause=pause,
    )
