"""Restore a committee export (storage/export.py), all or nothing.

The file is checked completely (format, schema revision, every field's type) before the
first row is written, and everything is written in one transaction: a bad file, or a
committee that already exists, changes nothing. Several committees can be restored into one
database one after the other: a person already there (same e-mail, or same Slack id) is the
same person, so the file's rows point at the existing row and it gets the memberships of
both; a delivery whose key is already there is the same message and is skipped. Ids are kept
where they are free (a round trip into an empty database gives the same bytes); a table whose
ids are taken gets fresh ones and every reference to them follows. On PostgreSQL the id
sequences are moved past the imported ids afterwards.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Connection, Engine, Table, func, or_, select, text
from sqlalchemy.exc import SQLAlchemyError

from bot import texts
from bot.errors import ConflictError, InputError
from storage.backup.export import (
    ANCHOR,
    DELIVERIES,
    EXPORT_KIND,
    FORMAT_VERSION,
    Document,
    Row,
    alembic_revision,
    column_kind,
    exported_tables,
)
from storage.revisions import CONTENT, ROSTER, raise_revisions
from storage.tables import metadata
from storage.types import StrEnumType


@dataclass(frozen=True)
class RestoreReport:
    """What was restored: the committee, the rows written per table, people merged."""

    committee: str
    counts: dict[str, int]
    merged: int = 0


def parse(raw: bytes) -> Document:
    """The export document, or a Danish error when the file is not one."""
    try:
        document = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(texts.IMPORT_NOT_JSON) from None
    if not isinstance(document, dict) or document.get("kind") != EXPORT_KIND:
        raise InputError(texts.IMPORT_NOT_EXPORT)
    if document.get("format_version") != FORMAT_VERSION:
        raise InputError(
            texts.IMPORT_BAD_VERSION.format(
                found=document.get("format_version"), expected=FORMAT_VERSION
            )
        )
    return document


def import_committee(engine: Engine, raw: bytes) -> RestoreReport:
    """Restore the file in one transaction; people already here are merged by e-mail."""
    document = parse(raw)
    with engine.begin() as conn:
        revision = alembic_revision(conn)
        if document.get("alembic_revision") != revision:
            raise InputError(
                texts.IMPORT_BAD_REVISION.format(
                    found=document.get("alembic_revision"), expected=revision
                )
            )
        rows = _converted(document)
        _check_new_committee(conn, rows)
        _check_unique_people(rows)
        people_in_file = len(rows.get("people", []))
        rows = _placed(conn, rows)
        for table in exported_tables():
            _insert(conn, table, rows[table.name])
        if conn.dialect.name == "postgresql":
            _reset_sequences(conn)
        raise_revisions(conn, [ROSTER, CONTENT])  # cached answers of this process are old now
    return RestoreReport(
        committee=str(rows[ANCHOR][0]["short_name"]),
        counts={name: len(found) for name, found in rows.items()},
        merged=people_in_file - len(rows.get("people", [])),
    )


def _converted(document: Document) -> dict[str, list[Row]]:
    """Every row of the file, checked against the schema and turned into column values."""
    found = document.get("tables")
    expected = [t.name for t in exported_tables()]
    if not isinstance(found, dict) or sorted(found) != sorted(expected):
        raise InputError(texts.IMPORT_BAD_TABLES)
    result: dict[str, list[Row]] = {}
    for table in exported_tables():
        rows = found[table.name]
        if not isinstance(rows, list):
            raise InputError(texts.IMPORT_BAD_TABLES)
        result[table.name] = [_row(table, row, n) for n, row in enumerate(rows, start=1)]
    if len(result[ANCHOR]) != 1:
        raise InputError(texts.IMPORT_ONE_COMMITTEE)
    return result


def _row(table: Table, row: Any, number: int) -> Row:
    names = {c.name for c in table.columns}
    if not isinstance(row, dict) or set(row) != names:
        keys = set(row) if isinstance(row, dict) else set()
        raise InputError(
            texts.IMPORT_BAD_FIELDS.format(
                table=table.name,
                row=number,
                missing=", ".join(sorted(names - keys)) or "-",
                extra=", ".join(sorted(keys - names)) or "-",
            )
        )
    return {c.name: _value(table, c, row[c.name], number) for c in table.columns}


def _value(table: Table, column: Column[Any], value: Any, number: int) -> Any:
    try:
        return _convert(column, value)
    except (TypeError, ValueError):
        raise InputError(
            texts.IMPORT_BAD_VALUE.format(
                table=table.name, row=number, column=column.name, value=repr(value)[:60]
            )
        ) from None


def _convert(column: Column[Any], value: Any) -> Any:
    """The column value for a JSON value; TypeError/ValueError when it does not fit."""
    if value is None:
        if not column.nullable:
            raise ValueError("required")
        return None
    kind = column_kind(column)
    if kind == "datetime":
        parsed = datetime.fromisoformat(_str(value))
        if parsed.tzinfo is None:
            raise ValueError("naive datetime")
        return parsed
    if kind == "date":
        return date.fromisoformat(_str(value)) if len(_str(value)) == 10 else _fail()
    if kind == "bool":
        return value if isinstance(value, bool) else _fail()
    if kind == "int":
        return value if isinstance(value, int) and not isinstance(value, bool) else _fail()
    if kind == "str":
        length = getattr(column.type, "length", None)
        if length is not None and len(_str(value)) > length:
            raise ValueError("too long")
        if isinstance(column.type, StrEnumType):
            return column.type.enum_cls(_str(value))
        return _str(value)
    return value


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("not a string")
    return value


def _fail() -> Any:
    raise ValueError("wrong type")


def _check_new_committee(conn: Connection, rows: dict[str, list[Row]]) -> None:
    """Refuse a committee that already exists (the same export twice, say)."""
    committees = metadata.tables[ANCHOR]
    short = rows[ANCHOR][0]["short_name"]
    if conn.execute(
        select(committees.c.id).where(func.lower(committees.c.short_name) == short.lower())
    ).first():
        raise ConflictError(texts.IMPORT_COMMITTEE_EXISTS.format(short=short))


def _check_unique_people(rows: dict[str, list[Row]]) -> None:
    """Within the file each e-mail names one person (a merge needs one row to merge)."""
    emails = [p["email"].strip().lower() for p in rows.get("people", []) if p["email"]]
    twice = sorted({e for e in emails if emails.count(e) > 1})
    if twice:
        raise InputError(texts.IMPORT_DB_REJECTED.format(table="people"))


def _placed(conn: Connection, rows: dict[str, list[Row]]) -> dict[str, list[Row]]:
    """The file's rows as they go into this database: people already here merged, deliveries
    already here dropped, ids that are taken replaced, and every reference following."""
    moved: dict[str, dict[Any, Any]] = {}
    placed: dict[str, list[Row]] = {}
    for table in exported_tables():  # parents before children (metadata.sorted_tables)
        found = [dict(row) for row in rows[table.name]]
        if table.name == "people":
            found = _merge_people(conn, found, moved.setdefault("people", {}))
        _fresh_ids(conn, table, found, moved.setdefault(table.name, {}))
        placed[table.name] = found
    for table in exported_tables():  # references, self references included, once all moved
        for fk in table.foreign_keys:
            target = moved.get(fk.column.table.name, {})
            for row in placed[table.name]:
                value = row[fk.parent.name]
                if value in target:
                    row[fk.parent.name] = target[value]
    for delivery in placed[DELIVERIES]:
        delivery["key"] = _moved_key(delivery["key"], moved)
        delivery["payload"] = _moved_payload(delivery["payload"], moved)
    placed[DELIVERIES] = _new_deliveries(conn, placed[DELIVERIES])
    return placed


# Outbox keys that name ids (bot/usecases/reminders.py, invitation_delivery.py, approve.py,
# corrections.py, attendance_notice.py, action_reminders.py, handlers/slack/topics.py): the
# position of each id after the prefix, and its table. A key must follow its rows, or the
# planner would not find it and send a reminder again.
KEY_IDS: dict[str, dict[int, str]] = {
    "reminder": {2: "meetings", 3: "people"},
    "cal": {1: "meetings", 2: "people"},
    "minutes-summary": {1: "meetings"},
    "minutes-document": {1: "meetings"},
    "minutes-summary-dm": {1: "meetings", 2: "people"},
    "minutes-summary-update": {1: "meetings"},
    "regrets-notice": {1: "meetings"},
    "action-reminder": {1: "action_items"},
    "topic-added": {1: "topics"},
}


def _moved_key(key: str, moved: dict[str, dict[Any, Any]]) -> str:
    """The key with the ids it names replaced as their rows were (failure:<key> too)."""
    if key.startswith("failure:"):
        return "failure:" + _moved_key(key.removeprefix("failure:"), moved)
    parts = key.split(":")
    for position, table in KEY_IDS.get(parts[0], {}).items():
        if position < len(parts) and parts[position].isdigit():
            parts[position] = str(moved.get(table, {}).get(int(parts[position]), parts[position]))
    return ":".join(parts)


def _moved_payload(payload: str, moved: dict[str, dict[Any, Any]]) -> str:
    """A payload naming its committee (to tell the secretary of a failure) follows it."""
    if '"committee_id"' not in payload:
        return payload
    value = json.loads(payload)
    old = value.get("committee_id") if isinstance(value, dict) else None
    new = moved.get(ANCHOR, {}).get(old, old)
    if new == old:
        return payload
    value["committee_id"] = new
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _merge_people(conn: Connection, found: list[Row], moved: dict[Any, Any]) -> list[Row]:
    """People already here (same e-mail, else same Slack id) are not inserted again."""
    people = metadata.tables["people"]
    emails = sorted({p["email"].strip().lower() for p in found if p["email"]})
    slack_ids = sorted({p["slack_user_id"] for p in found if p["slack_user_id"]})
    here = conn.execute(
        select(people.c.id, people.c.email, people.c.slack_user_id).where(
            or_(func.lower(people.c.email).in_(emails), people.c.slack_user_id.in_(slack_ids))
        )
    ).all()
    by_email = {r.email.strip().lower(): r.id for r in here if r.email}
    by_slack = {r.slack_user_id: r.id for r in here if r.slack_user_id}
    kept = []
    for person in found:
        same = by_email.get((person["email"] or "").strip().lower())
        if same is None and person["slack_user_id"]:
            same = by_slack.get(person["slack_user_id"])
        if same is None:
            kept.append(person)
        else:
            moved[person["id"]] = same
    return kept


def _new_deliveries(conn: Connection, found: list[Row]) -> list[Row]:
    """A delivery key already here is the same message (sent once stays sent once)."""
    deliveries = metadata.tables[DELIVERIES]
    keys = [d["key"] for d in found]
    here = set(conn.execute(select(deliveries.c.key).where(deliveries.c.key.in_(keys))).scalars())
    return [d for d in found if d["key"] not in here]


def _fresh_ids(conn: Connection, table: Table, found: list[Row], moved: dict[Any, Any]) -> None:
    """Keep each row's id when it is free here; else give it one past every id in use."""
    pk = list(table.primary_key.columns)
    if len(pk) != 1 or column_kind(pk[0]) != "int" or pk[0].foreign_keys or not found:
        return
    column = pk[0]
    ids = [row[column.name] for row in found]
    taken = set(conn.execute(select(column).where(column.in_(ids))).scalars())
    if not taken:
        return
    highest = conn.execute(select(func.max(column))).scalar() or 0
    next_id = max(highest, *ids) + 1
    for row in found:
        if row[column.name] in taken:
            moved[row[column.name]] = next_id
            row[column.name] = next_id
            next_id += 1


def _insert(conn: Connection, table: Table, rows: list[Row]) -> None:
    """Insert the rows; self references (e.g. postponed_from_id) are set once all exist."""
    if not rows:
        return
    own = [fk.parent.name for fk in table.foreign_keys if fk.column.table is table]
    first = [{k: (None if k in own else v) for k, v in row.items()} for row in rows]
    try:
        conn.execute(table.insert(), first)
        pk = list(table.primary_key.columns)
        for row in rows:
            later = {k: row[k] for k in own if row[k] is not None}
            if later:
                where = [c == row[c.name] for c in pk]
                conn.execute(table.update().where(*where).values(later))
    except SQLAlchemyError as exc:
        raise InputError(texts.IMPORT_DB_REJECTED.format(table=table.name)) from exc


def _reset_sequences(conn: Connection) -> None:
    """Move each id sequence past the imported ids, so new rows get fresh ids."""
    quote = conn.dialect.identifier_preparer.quote
    for table in exported_tables():
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or column_kind(pk[0]) != "int":
            continue
        sequence = conn.execute(
            text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": pk[0].name}
        ).scalar()
        if sequence:
            conn.execute(
                text(
                    f"SELECT setval(:s, COALESCE((SELECT MAX({quote(pk[0].name)}) "
                    f"FROM {quote(table.name)}), 0) + 1, false)"
                ),
                {"s": sequence},
            )
