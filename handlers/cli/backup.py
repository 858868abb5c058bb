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
from handlers.cli.files import CliCommand, read_file
from storage.backup.export import dumps


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


def cmd_export(args: argparse.Namespace, c: Container) -> str:
    """Write all of the committee's data to one JSON file."""
    with c.uow() as uow:
        committee = committees.find_committee(uow, args.committee)
    assert committee.id is not None
    document = c.export_committee(committee.id)
    _write(args.output, dumps(document))
    rows = sum(len(found) for found in document["tables"].values())
    return texts.EXPORT_WRITTEN.format(committee=committee.short_name, path=args.output, rows=rows)


def cmd_import(args: argparse.Namespace, c: Container) -> str:
    """Restore a committee's export, all or nothing; people already here are merged."""
    report = c.import_committee(read_file(args.file))
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
    c.compact()  # no old page, row version or WAL frame keeps the erased values
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
    c.compact()
    return texts.RETENTION_PRUNED.format(
        reasons=report.reasons,
        reason_days=c.settings.regret_reason_days,
        inbox=report.inbox,
        events=report.events,
        deliveries=report.deliveries_redacted + report.deliveries_deleted,
        days=c.settings.retention_days,
    )


COMMANDS: dict[str, CliCommand] = {
    "cmd_export": cmd_export,
    "cmd_import": cmd_import,
    "cmd_person_export": cmd_person_export,
    "cmd_person_erase": cmd_person_erase,
    "cmd_prune": cmd_prune,
}
