"""`klu-bot export|import` (a committee's data as JSON), `klu-bot person export|erase` and
`klu-bot prune` (the retention pass the clock also runs once a day)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.config import DEFAULT_TIMEZONE
from bot.errors import InputError
from bot.people import committees, privacy, retention
from handlers.bootstrap import Container
from handlers.cli.people import add_route_command
from storage.backup.export import dumps, export_committee
from storage.backup.restore import import_committee
from storage.db import compact


def _write(path: str, content: str) -> None:
    """Write the whole file or nothing: a temporary file next to it, then a rename."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise InputError(texts.CLI_CANNOT_WRITE.format(path=path)) from None


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError:
        raise InputError(texts.CLI_CANNOT_READ.format(path=path)) from None


def cmd_export(args: argparse.Namespace, c: Container) -> str:
    """Write all of the committee's data to one JSON file."""
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
    assert committee.id is not None
    document = export_committee(c.engine, committee.id)
    _write(args.output, dumps(document))
    rows = sum(len(found) for found in document["tables"].values())
    return texts.EXPORT_WRITTEN.format(committee=committee.short_name, path=args.output, rows=rows)


def cmd_import(args: argparse.Namespace, c: Container) -> str:
    """Restore a committee's export, all or nothing; people already here are merged."""
    report = import_committee(c.engine, _read(args.file))
    rows = sum(report.counts.values())
    done = texts.IMPORT_DONE.format(committee=report.committee, path=args.file, rows=rows)
    merged = texts.IMPORT_PEOPLE_MERGED.format(count=report.merged) if report.merged else ""
    return done + merged


def cmd_person_export(args: argparse.Namespace, c: Container) -> str:
    """Write everything stored about one person to a JSON file (GDPR access)."""
    document: dict[str, Any] = privacy.export_person(c.uow(), args.email, now=c.clock())
    _write(args.output, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return texts.PRIVACY_EXPORT_WRITTEN.format(email=args.email, path=args.output)


def cmd_person_erase(args: argparse.Namespace, c: Container) -> str:
    """Erase a person's personal data (GDPR erasure); asks for --yes first."""
    if not args.yes:
        preview = privacy.preview_erase(c.uow(), args.email)
        raise InputError(
            texts.PRIVACY_ERASE_CONFIRM.format(
                name=preview.name, email=preview.email, neutral=preview.neutral_name
            )
        )
    now = c.clock()
    today = now.astimezone(ZoneInfo(DEFAULT_TIMEZONE)).date()
    report = privacy.erase_person(c.uow(), args.email, now=now, today=today)
    compact(c.engine)  # SQLite: no old page or WAL frame keeps the erased values
    lines = [
        texts.PRIVACY_ERASED.format(
            email=report.email,
            neutral=report.neutral_name,
            memberships=report.memberships_ended,
            dropped=report.deliveries_cancelled,
        )
    ]
    if report.secretariat_of:
        lines.append(
            texts.PRIVACY_SECRETARIAT_WARNING.format(committees=", ".join(report.secretariat_of))
        )
    return "\n".join(lines)


def cmd_prune(args: argparse.Namespace, c: Container) -> str:
    """Erase expired regret reasons and prune old inbox, event and outbox rows now."""
    report = retention.prune(
        c.uow(),
        c.clock(),
        reason_days=c.settings.regret_reason_days,
        retention_days=c.settings.retention_days,
    )
    compact(c.engine)
    return texts.RETENTION_PRUNED.format(
        reasons=report.reasons,
        reason_days=c.settings.regret_reason_days,
        inbox=report.inbox,
        events=report.events,
        deliveries=report.deliveries_redacted + report.deliveries_deleted,
        days=c.settings.retention_days,
    )


def add_commands(top: Any, leaf: Any) -> None:
    """The parser entries for these commands (called from handlers/cli_parser.py)."""
    exp = leaf(top, "export", "cmd_export", texts.CLI_HELP["backup:top.export"])
    exp.add_argument("-o", "--output", required=True, help=texts.CLI_HELP["backup:exp.o"])
    imp = leaf(top, "import", "cmd_import", texts.CLI_HELP["backup:top.import"])
    imp.add_argument("file")
    person = top.add_parser("person", help=texts.CLI_HELP["backup:top.person"]).add_subparsers(
        metavar="HANDLING"
    )
    pexp = leaf(person, "export", "cmd_person_export", texts.CLI_HELP["backup:person.export"])
    pexp.add_argument("email")
    pexp.add_argument("-o", "--output", required=True)
    perase = leaf(person, "erase", "cmd_person_erase", texts.CLI_HELP["backup:person.erase"])
    perase.add_argument("email")
    perase.add_argument("--yes", action="store_true", help=texts.CLI_HELP["backup:perase.yes"])
    add_route_command(person, leaf)
    leaf(top, "prune", "cmd_prune", texts.CLI_HELP["backup:top.prune"])
