"""Reading minutes written elsewhere (text extracted from the PDF minutes) into item sections.

The layout is the municipality's: headings "2. a. Title" (the title may wrap), then labelled
parts "Sagsbeskrivelse:", "Referat:", "Beslutning:" … Text extracted from PDF breaks words
with a hyphen at line ends, scatters blank and space-only lines, and leaves page numbers
("6/7"); all of that is undone here. Pure: no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot import texts
from bot.errors import InputError

HEADING = re.compile(r"^\s*([1-4])\s*\.\s*(?:([a-z]{1,2})\s*[.)]\s*)?(\S.*)$")
LABEL = re.compile(
    r"^\s*(Sagsbeskrivelse|Indstilling|Referat|Beslutning|Bilag)\s*:\s*(.*)$", re.IGNORECASE
)
PAGE_NUMBER = re.compile(r"^\s*(?:\d+\s*/\s*\d+|Side \d+( af \d+)?)\s*$", re.IGNORECASE)
FIELDS = {
    "sagsbeskrivelse": "sagsbeskrivelse",
    "indstilling": "indstilling",
    "referat": "referat",
    "beslutning": "beslutning",
    "bilag": "bilag",
}


@dataclass
class ImportedItem:
    """One item's parts as found in the file."""

    number: str
    title: str
    parts: dict[str, str] = field(default_factory=dict)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) text, or a Danish InputError."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(texts.MINUTES_IMPORT_NOT_UTF8) from None


def join_lines(lines: list[str]) -> str:
    """Lines into paragraphs: blank lines split, hyphenated line ends are mended."""
    paras: list[str] = []
    current = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            if current:
                paras.append(current)
                current = ""
            continue
        if not current:
            current = line
        elif current.endswith("-") and line[:1].islower() and not current.endswith(" -"):
            current = current[:-1] + line
        else:
            current = f"{current} {line}"
    if current:
        paras.append(current)
    return "\n\n".join(paras)


def _is_heading(match: re.Match[str], last: tuple[int, str]) -> bool:
    """A heading must move forward through the agenda and start with a capital letter."""
    section, letter, title = int(match.group(1)), match.group(2) or "", match.group(3)
    if not title[:1].isupper():
        return False
    return (section, letter) > last


def parse_minutes_text(text: str) -> list[ImportedItem]:
    """Split the text into items by their numbered headings."""
    items: list[ImportedItem] = []
    last = (0, "")
    title_lines: list[str] = []
    body: dict[str, list[str]] = {}
    key: str | None = None

    def finish() -> None:
        if not items:
            return
        item = items[-1]
        heading_lines = title_lines
        if not body:  # no labels (Eventuelt): the title wraps in lower case, the rest is referat
            heading_lines, rest = _split_title(title_lines)
            body["referat"] = rest
        item.title = join_lines([x for x in heading_lines if x.strip()])
        for name, lines in body.items():
            value = join_lines(lines)
            if value:
                item.parts[name] = value

    for raw in text.replace("\r\n", "\n").replace("\f", "\n").split("\n"):
        if PAGE_NUMBER.match(raw):
            continue
        heading = HEADING.match(raw)
        if heading and _is_heading(heading, last):
            finish()
            section, letter = int(heading.group(1)), heading.group(2) or ""
            last = (section, letter)
            number = f"{section}.{letter}" if letter else f"{section}."
            items.append(ImportedItem(number=number, title=""))
            title_lines, body, key = [heading.group(3)], {}, None
            continue
        if not items:
            continue
        label = LABEL.match(raw)
        if label:
            key = FIELDS[label.group(1).lower()]
            body.setdefault(key, []).append(label.group(2))
            continue
        if key is None:
            title_lines.append(raw)
        else:
            body[key].append(raw)
    finish()
    if not items:
        raise InputError(texts.MINUTES_IMPORT_NOTHING)
    return items


def _split_title(lines: list[str]) -> tuple[list[str], list[str]]:
    title, rest = lines[:1], list[str]()
    for line in lines[1:]:
        if not rest and (not line.strip() or line.strip()[:1].islower()):
            title.append(line)
        else:
            rest.append(line)
    return title, rest


def infer_outcome(beslutning: str) -> str | None:
    """The outcome the decision text states, if it says one plainly."""
    text = beslutning.casefold()
    if "udskyde" in text or "udsættes" in text or "udskudt" in text:
        return "udskudt"
    if text.startswith("godkendt") or "blev godkendt" in text:
        return "godkendt"
    if "til efterretning" in text:
        return "taget_til_efterretning"
    if "drøftet" in text or "drøftedes" in text:
        return "droeftet"
    return None
