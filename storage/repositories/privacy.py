"""Scrubbing personal data out of every text column, and pruning what is kept too long.

Erasure (bot/people/privacy.py) and retention (bot/people/retention.py) say *what* must
go; this module finds it wherever it was copied to: message payloads in the outbox (a notice
to the secretary quotes a regret and its reason, the minutes summary lists names), Slack
events and received mail in the inbox, free text in agendas and minutes. Payloads are JSON,
and a received mail is base64 of the whole message, so both are decoded before they are
searched: an escaped character, an encoded word or a quoted-printable body cannot hide a name.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.policy
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from email.message import EmailMessage
from typing import Any

from sqlalchemy import Column, CursorResult, Table, delete, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.types import String, Text

from bot.domain import MeetingStatus
from storage import tables

# Tables whose own columns erasure sets itself (the person row) or that hold no free text.
NOT_SCRUBBED = {"people", "committees", "processed_events", "revisions"}
PAYLOADS = {"deliveries", "inbox"}
FINISHED = ("sent", "cancelled", "failed")


def _replace(value: str, replacements: Mapping[str, str]) -> str:
    for needle, substitute in replacements.items():
        value = value.replace(needle, substitute)
    return value


def _replace_json(value: Any, replacements: Mapping[str, str]) -> Any:
    if isinstance(value, str):
        return _replace(value, replacements)
    if isinstance(value, list):
        return [_replace_json(v, replacements) for v in value]
    if isinstance(value, dict):
        return {_replace(k, replacements): _replace_json(v, replacements) for k, v in value.items()}
    return value


def _mentions(text: str, needles: Sequence[str]) -> bool:
    """True when the text, or the JSON it holds once decoded, contains one of the needles."""
    if any(n in text for n in needles):
        return True
    try:
        decoded = json.dumps(json.loads(text), ensure_ascii=False)
    except ValueError:
        return False
    return any(n in decoded or json.dumps(n, ensure_ascii=False)[1:-1] in decoded for n in needles)


def _mail_in(payload: str) -> EmailMessage | None:
    """The e-mail an inbox row holds (a JSON object whose "raw" is the base64 of the message,
    as the mailbox reader stores it); None for any other row."""
    try:
        decoded = json.loads(payload)
        raw = base64.b64decode(decoded["raw"], validate=True)
    except (ValueError, TypeError, KeyError, binascii.Error):
        return None
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return message if isinstance(message, EmailMessage) else None


def _mail_text(message: EmailMessage) -> str:
    """Every header and every text part of a mail, decoded (an encoded word or a quoted-
    printable body cannot hide a name)."""
    found = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            try:
                found.append(str(part.get_content()))
            except (LookupError, ValueError):  # an unknown charset: the raw bytes still count
                body = part.get_payload(decode=True)
                found.append(body.decode("utf-8", "replace") if isinstance(body, bytes) else "")
    found.append(message.as_bytes().decode("utf-8", "replace"))
    return "\n".join(found)


def _mentions_any_case(text: str, needles: Sequence[str]) -> bool:
    lowered = text.lower()
    return any(n.lower() in lowered for n in needles)


def _rewrite_mail(message: EmailMessage, wanted: Mapping[str, str]) -> bytes:
    """The mail with each needle replaced in its subject and its text parts (the addresses
    are left alone: the sender is not the person erased, or the row would be deleted)."""
    subject = str(message.get("Subject", ""))
    if subject and _replace(subject, wanted) != subject:
        message.replace_header("Subject", _replace(subject, wanted))
    for part in message.walk():
        if part.get_content_maintype() != "text" or part.is_multipart():
            continue
        content = str(part.get_content())
        if _replace(content, wanted) != content:
            part.set_content(_replace(content, wanted), subtype=part.get_content_subtype())
    return message.as_bytes()


def _text_columns(table: Table) -> list[Column[Any]]:
    return [
        c
        for c in table.columns
        if isinstance(c.type, String | Text) and not c.primary_key and c.name != "key"
    ]


class PrivacyRepo:
    """Scrub and prune in the unit of work's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def scrub(
        self,
        replacements: Mapping[str, str],
        *,
        in_messages: Mapping[str, str] | None = None,
        own: Sequence[str] = (),
    ) -> int:
        """Replace each needle by its substitute in every stored text; return rows changed.

        Finished deliveries that mention a needle lose their payload (they are never read
        again, only their key is); a file attached to one (the minutes PDF) is not searchable
        and goes too. Inbox rows from or about the person (`own`: their Slack id, e-mail) are
        deleted once done. `in_messages` (regret reasons) are replaced only in messages
        (outbox and inbox), where they were quoted: elsewhere a word like "ferie" is just a
        word in a topic or an agenda."""
        longest_first = sorted(replacements.items(), key=lambda kv: -len(kv[0]))
        wanted = {k: v for k, v in longest_first if k.strip()}
        quoted = {k: v for k, v in (in_messages or {}).items() if k.strip()}
        both = dict(sorted({**quoted, **wanted}.items(), key=lambda kv: -len(kv[0])))
        if not both:
            return 0
        self.session.flush()
        changed = self._scrub_deliveries(both)
        changed += self._scrub_inbox(both, [o for o in own if o])
        if not wanted:
            return changed
        for table in tables.metadata.sorted_tables:
            if table.name in NOT_SCRUBBED | PAYLOADS:
                continue
            changed += self._scrub_table(table, wanted)
        return changed

    def _scrub_table(self, table: Table, wanted: Mapping[str, str]) -> int:
        columns = _text_columns(table)
        if not columns:
            return 0
        pk = list(table.primary_key.columns)
        hits = or_(*(c.contains(n, autoescape=True) for c in columns for n in wanted))
        rows = self.session.execute(select(*pk, *columns).where(hits)).all()
        for row in rows:
            values = {c.name: _replace(row._mapping[c.name] or "", wanted) for c in columns}
            values = {k: v for k, v in values.items() if v != (row._mapping[k] or "")}
            if values:
                where = [c == row._mapping[c.name] for c in pk]
                self.session.execute(update(table).where(*where).values(values))
        return len(rows)

    def _scrub_deliveries(self, wanted: Mapping[str, str]) -> int:
        t = tables.deliveries
        needles = list(wanted)
        changed = 0
        rows = self.session.execute(
            select(
                t.c.id, t.c.key, t.c.status, t.c.recipient, t.c.payload, t.c.result, t.c.last_error
            )
        ).all()
        for row in rows:
            finished = row.status in FINISHED
            upload = finished and '"content_b64"' in row.payload
            texts_hit = [v for v in (row.key, row.recipient, row.result, row.last_error) if v]
            if not upload and not any(_mentions(v, needles) for v in [row.payload, *texts_hit]):
                continue
            if finished:
                payload = "{}"
            else:
                decoded = _replace_json(json.loads(row.payload), wanted)
                payload = json.dumps(decoded, ensure_ascii=False, sort_keys=True)
            self.session.execute(
                update(t)
                .where(t.c.id == row.id)
                .values(
                    key=_replace(row.key, wanted),  # e.g. home:<Slack id>:<event>; stays unique
                    payload=payload,
                    recipient=_replace(row.recipient, wanted),
                    result=_replace(row.result, wanted),
                    last_error=_replace(row.last_error, wanted),
                )
            )
            changed += 1
        return changed

    def _scrub_inbox(self, wanted: Mapping[str, str], own: Sequence[str]) -> int:
        """Inbox rows that mention a needle: deleted when done, or from or about the person
        (`own`, case-insensitive in a mail's headers); else rewritten. A stored mail is read
        as a mail (headers and text parts decoded), and one that cannot be rewritten goes."""
        t = tables.inbox
        needles = list(wanted)
        changed = 0
        for row in self.session.execute(select(t.c.id, t.c.payload, t.c.done_at)).all():
            mail = _mail_in(row.payload)
            seen = row.payload if mail is None else f"{row.payload}\n{_mail_text(mail)}"
            theirs = _mentions(seen, own) or (mail is not None and _mentions_any_case(seen, own))
            if not theirs and not _mentions(seen, needles):
                continue
            changed += 1
            payload = None
            if row.done_at is None and not theirs:
                payload = self._rewritten(row.payload, mail, wanted)
            if payload is None:
                self.session.execute(delete(t).where(t.c.id == row.id))
            else:
                self.session.execute(update(t).where(t.c.id == row.id).values(payload=payload))
        return changed

    @staticmethod
    def _rewritten(
        payload: str, mail: EmailMessage | None, wanted: Mapping[str, str]
    ) -> str | None:
        decoded = _replace_json(json.loads(payload), wanted)
        if mail is not None:
            try:
                raw = _rewrite_mail(mail, wanted)
            except Exception:  # an odd mail that will not re-serialise: keep nothing of it
                return None
            decoded["raw"] = base64.b64encode(raw).decode("ascii")
        return json.dumps(decoded, ensure_ascii=False)

    def clear_reasons(self, approved_before: datetime) -> list[str]:
        """Empty the regret reasons of meetings whose minutes were approved before the time
        (or, approved before that was recorded, that ended before it); the reasons cleared."""
        a, m = tables.attendance, tables.meetings
        approved = func.coalesce(m.c.minutes_approved_at, m.c.ends_at)
        old = (
            select(m.c.id)
            .where(m.c.status == MeetingStatus.MINUTES_APPROVED)
            .where(approved < approved_before)
            .scalar_subquery()
        )
        stmt = select(a.c.id, a.c.reason).where(a.c.reason != "", a.c.meeting_id.in_(old))
        rows = self.session.execute(stmt).all()
        if rows:
            ids = [r.id for r in rows]
            self.session.execute(update(a).where(a.c.id.in_(ids)).values(reason=""))
        return sorted({r.reason for r in rows})

    def prune(
        self, *, done_before: datetime, redact_before: datetime, delete_before: datetime
    ) -> dict[str, int]:
        """Delete done inbox rows and processed event ids older than `done_before`; finished
        deliveries lose their payload after `redact_before` and their row (the key that keeps
        a reminder from going twice) after `delete_before`."""
        i, e, d = tables.inbox, tables.processed_events, tables.deliveries
        finished = d.c.status.in_(FINISHED)
        at = func.coalesce(d.c.sent_at, d.c.created_at)
        counts = {
            "inbox": self._count(delete(i).where(i.c.done_at < done_before)),
            "events": self._count(delete(e).where(e.c.received_at < done_before)),
            "deliveries_deleted": self._count(delete(d).where(finished, at < delete_before)),
            "deliveries_redacted": self._count(
                update(d)
                .where(finished, at < redact_before, d.c.payload != "{}")
                .values(payload="{}")
            ),
        }
        return counts

    def _count(self, stmt: Any) -> int:
        result = self.session.execute(stmt)
        assert isinstance(result, CursorResult)
        return int(result.rowcount or 0)
