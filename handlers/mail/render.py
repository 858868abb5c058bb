"""A neutral Message (bot/messaging/message.py) as the fields of a plain-text e-mail.

Text stays as written (e-mail needs no escaping); facts become "label: value" lines and the
heading the first line. Files stay as stored: a text file is attached as it is, a document
(e.g. the dagsorden) is only named, and the sender renders it as a PDF. Actions have no
button in a text e-mail: the message's own words say what to do instead. Rows queued before
messages were neutral carry the fields themselves.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.messaging.message import Message, file_payload, from_payload, is_message


def mail_fields(payload: Mapping[str, Any]) -> dict[str, Any]:
    """subject, text, to_name (from_name, files) for an outbox payload."""
    if not is_message(payload):
        return dict(payload)
    message = from_payload(payload)
    fields: dict[str, Any] = {
        **message.extra,
        "subject": message.subject or message.heading,
        "text": body(message),
        "to_name": message.to_name,
    }
    if message.from_name:
        fields["from_name"] = message.from_name
    if message.files:
        fields["files"] = [  # text files as they are; a document is rendered by the sender
            file_payload(f) for f in message.files if f.content or f.document is not None
        ]
    return fields


def body(message: Message) -> str:
    """The e-mail text."""
    parts = [message.heading] if message.heading else []
    if message.facts:
        parts.append("\n".join(f"{label}: {value}" for label, value in message.facts))
    parts += [p.as_text() for p in message.paragraphs]
    if message.note:
        parts.append(message.note)
    return "\n\n".join(parts)
