"""Parse a roster CSV (one person per line) as a secretary exports it from Excel.

Pure: bytes in, validated rows out. Either every row is valid and all are returned, or a
`RosterError` lists every bad row; a partial roster is never returned.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from bot import texts
from bot.errors import InputError

ROLES: tuple[str, ...] = (
    "formand",
    "naestformand",
    "sekretaer",
    "medlem",
    "praksiskonsulent",
    "gaest",
)
"""The role codes a `RosterRow.role` can take."""

DEFAULT_ROLE = "medlem"

_ROLE_ALIASES: dict[str, str] = {
    "formand": "formand",
    "chair": "formand",
    "næstformand": "naestformand",
    "naestformand": "naestformand",
    "vice-chair": "naestformand",
    "vicechair": "naestformand",
    "vice chair": "naestformand",
    "sekretær": "sekretaer",
    "sekretaer": "sekretaer",
    "secretary": "sekretaer",
    "medlem": "medlem",
    "member": "medlem",
    "": "medlem",
    "praksiskonsulent": "praksiskonsulent",
    "gp consultant": "praksiskonsulent",
    "consultant": "praksiskonsulent",
    "gæst": "gaest",
    "gaest": "gaest",
    "guest": "gaest",
}

_COLUMN_ALIASES: dict[str, str] = {
    "navn": "name",
    "name": "name",
    "email": "email",
    "e-mail": "email",
    "mail": "email",
    "slack_id": "slack_id",
    "slack id": "slack_id",
    "slack-id": "slack_id",
    "slack": "slack_id",
    "organisation": "organisation",
    "organization": "organisation",
    "org": "organisation",
    "titel": "title",
    "title": "title",
    "side": "side",
    "rolle": "role",
    "role": "role",
    "telefon": "phone",
    "phone": "phone",
    "tlf": "phone",
    "tlf.": "phone",
}

_DELIMITERS = (";", ",")  # first wins a tie: Danish Excel writes ';'
_SLACK_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_WHITESPACE = re.compile(r"\s+")
_MAX_ERRORS_IN_MESSAGE = 25


@dataclass(frozen=True)
class RosterRow:
    """One valid person from the roster file."""

    line: int
    name: str
    email: str
    slack_id: str | None
    organisation: str | None
    title: str | None
    side: str | None
    role: str
    phone: str | None


class RosterError(InputError):
    """The roster file was rejected; `errors` has one Danish line per problem (usually per row)."""

    def __init__(self, errors: list[str], message: str | None = None) -> None:
        super().__init__(message if message is not None else "\n".join(errors))
        self.errors = errors


_SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # .xlsx (a ZIP) and old .xls
_BOM = b"\xef\xbb\xbf"


def decode_roster(data: bytes) -> str:
    """UTF-8 with or without BOM, else Windows-1252, line by line: Excel on Windows writes a
    BOM and then, after an edit in another program, cp1252, and the names must come out
    right either way. An Excel workbook is refused with how to save it as CSV."""
    if data.startswith(_SPREADSHEET_MAGIC):
        raise RosterError([texts.ROSTER_SPREADSHEET])
    data = data.removeprefix(_BOM)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return "".join(_decode_line(line) for line in data.splitlines(keepends=True))
    except UnicodeDecodeError:
        raise RosterError([texts.ROSTER_NOT_TEXT]) from None


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252")


def parse_roster_csv(data: bytes) -> list[RosterRow]:
    """Parse all rows or raise RosterError listing every bad row; never returns a partial list."""
    text = decode_roster(data)
    try:
        return _parse_text(text)
    except csv.Error:
        raise RosterError([texts.ROSTER_NOT_CSV]) from None


def _parse_text(text: str) -> list[RosterRow]:
    delimiter, skip_lines = _explicit_separator(text)
    if delimiter is None:
        delimiter = _sniff_delimiter(text)
    records = _records(text, delimiter, skip_lines)
    header = next(records, None)
    if header is None:
        raise RosterError([texts.ROSTER_NO_PEOPLE])
    header_line, header_cells = header
    if header_cells is None:
        raise RosterError(
            [texts.ROSTER_ROW_ERROR.format(line=header_line, problems=texts.ROSTER_UNCLOSED_QUOTE)]
        )
    columns = _map_columns(header_cells, header_line)

    rows: list[RosterRow] = []
    errors: list[str] = []
    seen_emails: dict[str, int] = {}
    seen_slack_ids: dict[str, int] = {}
    for line, cells in records:
        if cells is None:
            errors.append(
                texts.ROSTER_ROW_ERROR.format(line=line, problems=texts.ROSTER_UNCLOSED_QUOTE)
            )
            continue
        row, problems = _parse_row(line, cells, columns, seen_emails, seen_slack_ids)
        if problems:
            errors.append(texts.ROSTER_ROW_ERROR.format(line=line, problems="; ".join(problems)))
        elif row is not None:
            rows.append(row)

    if errors:
        raise RosterError(errors, roster_summary(errors))
    if not rows:
        raise RosterError([texts.ROSTER_NO_PEOPLE])
    return rows


def _explicit_separator(text: str) -> tuple[str | None, int]:
    """Honour Excel's optional first line `sep=;` (returns delimiter and lines to skip)."""
    first_line = io.StringIO(text, newline="").readline().strip()
    if first_line.lower() in ("sep=;", "sep=,"):
        return first_line[-1], 1
    return None, 0


def _sniff_delimiter(text: str) -> str:
    best, best_count = _DELIMITERS[0], -1
    for delimiter in _DELIMITERS:
        header = next(_records(text, delimiter, 0), None)
        cells = header[1] if header is not None else None
        count = 0 if cells is None else sum(_column_key(c) in _COLUMN_ALIASES for c in cells)
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _records(text: str, delimiter: str, skip_lines: int) -> Iterator[tuple[int, list[str] | None]]:
    """Yield (first physical line number, cells) for every non-blank record; cells is None
    for a line whose opening quote is never closed, and reading starts again on the next
    line, so the rows after it are read (and checked) as rows, not swallowed into one field."""
    lines = io.StringIO(text, newline="").readlines()
    start = 0  # index of the physical line the reader starts at
    while start < len(lines):
        reader = csv.reader(lines[start:], delimiter=delimiter)
        line = start + 1
        for cells in reader:
            end = start + reader.line_num  # index just past the record
            if _unclosed_quote(lines[line - 1 : end], cells, delimiter, end == len(lines)):
                yield line, None
                start = line  # the next physical line
                break
            if line > skip_lines and any(cell.strip() for cell in cells):
                yield line, cells
            line = end + 1
        else:
            return


def _unclosed_quote(raw: list[str], cells: list[str], delimiter: str, at_end: bool) -> bool:
    """True when a field opened a quote that was still open at the end of the file: the
    reader then made one field of everything after it. (A quoted field that holds line
    breaks and is closed again is fine: Excel writes those.)"""
    if not at_end or sum(part.count('"') for part in raw) % 2 == 0:
        return False
    return any(delimiter in cell or "\n" in cell or "\r" in cell for cell in cells)


def _column_key(header: str) -> str:
    cleaned = unicodedata.normalize("NFC", header).replace("\ufeff", "")
    return _WHITESPACE.sub(" ", cleaned.strip().lower())


def _map_columns(header: list[str], line: int) -> dict[str, int]:
    positions: dict[str, list[int]] = {}
    for index, cell in enumerate(header):
        field = _COLUMN_ALIASES.get(_column_key(cell))
        if field is not None:
            positions.setdefault(field, []).append(index)

    for field, indices in positions.items():
        if len(indices) > 1:
            shown = ", ".join(f"»{header[i].strip()}«" for i in indices)
            raise RosterError(
                [
                    texts.ROSTER_DUPLICATE_COLUMN.format(
                        line=line, column=texts.ROSTER_COLUMN_LABELS[field], headers=shown
                    )
                ]
            )

    missing = [texts.ROSTER_COLUMN_LABELS[f] for f in ("name", "email") if f not in positions]
    if missing:
        raise RosterError(
            [texts.ROSTER_MISSING_COLUMNS.format(columns=" og ".join(missing), line=line)]
        )
    return {field: indices[0] for field, indices in positions.items()}


def _parse_row(
    line: int,
    cells: list[str],
    columns: dict[str, int],
    seen_emails: dict[str, int],
    seen_slack_ids: dict[str, int],
) -> tuple[RosterRow | None, list[str]]:
    def cell(field: str) -> str:
        index = columns.get(field)
        if index is None or index >= len(cells):
            return ""
        return " ".join(cells[index].split())  # one line: a quoted cell may hold a break

    def optional(field: str) -> str | None:
        return cell(field) or None

    problems: list[str] = []

    name = cell("name")
    if not name:
        problems.append(texts.ROSTER_EMPTY_NAME)

    email = cell("email").lower()
    if not email:
        problems.append(texts.ROSTER_MISSING_EMAIL)
    elif not is_valid_email(email):
        problems.append(texts.ROSTER_INVALID_EMAIL.format(email=cell("email")))
    elif email in seen_emails:
        problems.append(
            texts.ROSTER_DUPLICATE_EMAIL.format(email=email, other_line=seen_emails[email])
        )
    else:
        seen_emails[email] = line

    slack_id = optional("slack_id")
    if slack_id is not None:
        if not _SLACK_ID.fullmatch(slack_id):
            problems.append(texts.ROSTER_INVALID_SLACK_ID.format(slack_id=slack_id))
        elif slack_id in seen_slack_ids:
            problems.append(
                texts.ROSTER_DUPLICATE_SLACK_ID.format(
                    slack_id=slack_id, other_line=seen_slack_ids[slack_id]
                )
            )
        else:
            seen_slack_ids[slack_id] = line

    raw_role = cell("role")
    role = parse_role(raw_role)
    if role is None:
        problems.append(texts.ROSTER_UNKNOWN_ROLE.format(role=raw_role))

    if problems or role is None:
        return None, problems
    return (
        RosterRow(
            line=line,
            name=name,
            email=email,
            slack_id=slack_id,
            organisation=optional("organisation"),
            title=optional("title"),
            side=optional("side"),
            role=role,
            phone=optional("phone"),
        ),
        [],
    )


def parse_role(value: str) -> str | None:
    """Map a Danish or English role name (any case, with or without æøå) to its code, or None."""
    key = _WHITESPACE.sub(" ", unicodedata.normalize("NFC", value).strip().lower())
    return _ROLE_ALIASES.get(key)


def is_valid_email(email: str) -> bool:
    """Simple sanity check: one @, non-empty local part, a dotted domain, no whitespace."""
    if email.count("@") != 1 or any(ch.isspace() for ch in email):
        return False
    local, domain = email.split("@")
    labels = domain.split(".")
    return bool(local) and len(labels) >= 2 and all(labels)


def roster_summary(errors: list[str]) -> str:
    """The Danish message for a refused file: a head line and the first errors."""
    count = len(errors)
    head = texts.ROSTER_ERRORS_ONE if count == 1 else texts.ROSTER_ERRORS_MANY.format(count=count)
    lines = [head, texts.ROSTER_ERRORS_FIX]
    lines += [f"• {error}" for error in errors[:_MAX_ERRORS_IN_MESSAGE]]
    if count > _MAX_ERRORS_IN_MESSAGE:
        lines.append(texts.ROSTER_ERRORS_MORE.format(count=count - _MAX_ERRORS_IN_MESSAGE))
    return "\n".join(lines)
