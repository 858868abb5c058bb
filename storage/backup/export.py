"""A committee's data as one JSON document, generic over the schema (backup and move).

Tables are walked in dependency order (metadata.sorted_tables). A table is *scoped* when it
links by foreign key to the committee, directly or through other scoped tables (meetings,
agenda items, topics, ...): its rows are exported when one of those links points at an
exported row. People are exported when an exported row refers to them, and tables that hang
only off people come along with them. So a new table is included without code changes as
soon as it carries such a link. The outbox (deliveries) is exported by recipient, because its
unique keys keep "send once" true after a restore; processed_events (Slack retry ids, minutes
old) is left out. Ids are kept as they are, so references need no rewriting.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Connection, Engine, Table, or_, select
from sqlalchemy.types import Boolean, Date, DateTime, Integer, String, TypeDecorator

from bot import texts
from bot.errors import InputError, NotFoundError
from storage.tables import metadata

FORMAT_VERSION = 1
EXPORT_KIND = "klu-bot committee export"
ANCHOR = "committees"
DELIVERIES = "deliveries"
# Tables with no link to a committee or a person, and why they are not exported.
SKIPPED = {
    "processed_events": "Slack event ids, only needed for minutes after receipt",
    "inbox": "Slack events as received, worked on within seconds of arriving",
    "revisions": "counters for remembered answers; an import raises its own",
    "health": "the row /healthz rewrites to prove the database takes writes",
    "mail_failures": "addresses whose mail bounced; the next bounce records it again",
}

Row = dict[str, Any]
Document = dict[str, Any]


def column_kind(column: Column[Any]) -> str:
    """'datetime', 'date', 'bool', 'int', 'str' or 'raw': how the value is written in JSON."""
    kind = column.type
    base = kind.impl_instance if isinstance(kind, TypeDecorator) else kind
    for cls, name in ((DateTime, "datetime"), (Date, "date"), (Boolean, "bool")):
        if isinstance(base, cls):
            return name
    if isinstance(base, Integer):
        return "int"
    return "str" if isinstance(base, String) else "raw"


def to_json(value: Any) -> Any:
    """A column value as JSON: ISO 8601 UTC datetimes, ISO dates, enums as their values."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def scoped_tables() -> set[str]:
    """Tables that belong to a committee through a chain of foreign keys."""
    scoped = {ANCHOR}
    for table in metadata.sorted_tables:
        if any(fk.column.table.name in scoped for fk in _outer_fks(table)):
            scoped.add(table.name)
    return scoped


def skipped_tables() -> list[str]:
    """Tables not exported: SKIPPED, and any table with no link to a committee or a person."""
    referenced = {fk.column.table.name for t in metadata.sorted_tables for fk in _outer_fks(t)}
    linked = scoped_tables() | referenced | {DELIVERIES}
    return sorted(
        t.name
        for t in metadata.sorted_tables
        if t.name in SKIPPED or (t.name not in linked and not _outer_fks(t))
    )


def _outer_fks(table: Table) -> list[Any]:
    """Foreign keys to other tables (self references are followed by the rows they sit in)."""
    return sorted(
        (fk for fk in table.foreign_keys if fk.column.table is not table),
        key=lambda fk: fk.parent.name,
    )


def alembic_revision(conn: Connection) -> str | None:
    """The schema revision the data conforms to."""
    return MigrationContext.configure(conn).get_current_revision()


def export_committee(engine: Engine, committee_id: int) -> Document:
    """Everything of one committee, read from one consistent snapshot."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":  # SQLite's read transaction is a snapshot already
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            return _document(conn, committee_id)


def _document(conn: Connection, committee_id: int) -> Document:
    committee = conn.execute(
        select(metadata.tables[ANCHOR]).where(metadata.tables[ANCHOR].c.id == committee_id)
    ).first()
    if committee is None:
        raise NotFoundError(texts.EXPORT_UNKNOWN_COMMITTEE.format(ref=committee_id))
    rows = _select_rows(conn, committee_id)
    _check_closed(rows)
    return {
        "format_version": FORMAT_VERSION,
        "kind": EXPORT_KIND,
        "alembic_revision": alembic_revision(conn),
        "committee": committee.short_name,
        "skipped_tables": skipped_tables(),
        "tables": {
            name: [{k: to_json(v) for k, v in row.items()} for row in found]
            for name, found in rows.items()
        },
    }


def exported_tables() -> list[Table]:
    """The tables a document holds, in dependency order."""
    skipped = skipped_tables()
    return [t for t in metadata.sorted_tables if t.name not in skipped]


def _select_rows(conn: Connection, committee_id: int) -> dict[str, list[Row]]:
    scoped = scoped_tables()
    rows: dict[str, list[Row]] = {}
    for table in exported_tables():  # committee-scoped rows first: they decide the people
        if table.name == ANCHOR:
            rows[ANCHOR] = _fetch(conn, table, table.c.id == committee_id)
        elif table.name in scoped:
            links = [fk for fk in _outer_fks(table) if fk.column.table.name in scoped]
            rows[table.name] = _fetch(conn, table, _any_link(links, rows))
    for table in exported_tables():  # then what those rows refer to (people) ...
        if table.name not in scoped and table.name != DELIVERIES and not _outer_fks(table):
            wanted = _referenced(table, rows)
            rows[table.name] = _fetch(conn, table, _pk_in(table, wanted))
    for table in exported_tables():  # ... and tables that hang off people only
        if table.name not in rows and _outer_fks(table):
            rows[table.name] = _fetch(conn, table, _any_link(_outer_fks(table), rows))
    deliveries = metadata.tables[DELIVERIES]
    recipients = _recipients(rows)
    rows[DELIVERIES] = _fetch(conn, deliveries, deliveries.c.recipient.in_(recipients))
    return {t.name: rows[t.name] for t in exported_tables()}


def _fetch(conn: Connection, table: Table, where: Any) -> list[Row]:
    stmt = select(table).where(where).order_by(*table.primary_key.columns)
    return [dict(row._mapping) for row in conn.execute(stmt)]


def _values(rows: Mapping[str, list[Row]], table: str, column: str) -> set[Any]:
    return {row[column] for row in rows.get(table, []) if row[column] is not None}


def _any_link(links: Iterable[Any], rows: Mapping[str, list[Row]]) -> Any:
    conds = [
        fk.parent.in_(sorted(_values(rows, fk.column.table.name, fk.column.name))) for fk in links
    ]
    return or_(*conds) if conds else False


def _referenced(table: Table, rows: Mapping[str, list[Row]]) -> dict[str, set[Any]]:
    """Values of this table's columns that exported rows point at, per column."""
    wanted: dict[str, set[Any]] = {}
    for other in metadata.sorted_tables:
        for fk in other.foreign_keys:
            if fk.column.table is table:
                wanted.setdefault(fk.column.name, set()).update(
                    _values(rows, other.name, fk.parent.name)
                )
    return wanted


def _pk_in(table: Table, wanted: Mapping[str, set[Any]]) -> Any:
    conds = [table.c[name].in_(sorted(values)) for name, values in wanted.items()]
    return or_(*conds) if conds else False


def _recipients(rows: Mapping[str, list[Row]]) -> list[str]:
    """Addresses of the committee (channel, secretariat) and of its people."""
    found = set()
    for committee in rows[ANCHOR]:
        found.update({committee["slack_channel_id"], committee["secretariat_email"]})
    for person in rows.get("people", []):
        found.update({person["email"], person["slack_user_id"]})
    return sorted(v for v in found if v)


def _check_closed(rows: Mapping[str, list[Row]]) -> None:
    """Every reference in the export points inside it, or an import would fail."""
    for table in exported_tables():
        for fk in table.foreign_keys:
            inside = _values(rows, fk.column.table.name, fk.column.name)
            for row in rows[table.name]:
                value = row[fk.parent.name]
                if value is not None and value not in inside:
                    raise InputError(
                        texts.EXPORT_OUTSIDE_REFERENCE.format(
                            table=table.name, column=fk.parent.name, value=value
                        )
                    )


def dumps(document: Document) -> str:
    """The document as stable, readable JSON: same data, same bytes."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
