"""Every Danish text, read with sample values: the known bad patterns never appear.

Each template in bot/texts.py is rendered with realistic values (counts of 1 and of 5, every
field name as subject, the default meeting title mid-sentence) and checked against the faults
a Danish reader notices: number and gender agreement, a capitalised title inside a sentence,
two spellings of one word, "holdt" where the official register says "afholdt", repeated
words, and a sentence that contradicts itself.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Any

import pytest

from bot import texts
from bot.minutes.approve import approved_text
from bot.people.identity import contact_of

TITLE = "Møde i Kommunalt Lægeligt Udvalg"
CONTACT = "Camilla Juul, camilla.juul@fjordby.dk"
SAMPLES: dict[str, Any] = {
    "title": TITLE,
    "summary": TITLE,
    "committee": "Kommunalt Lægeligt Udvalg",
    "name": "Sofie Brandt",
    "contact": "Camilla Juul, camilla.juul@fjordby.dk",  # CONTACT
    "when": "torsdag 17. september 2026 kl. 15:00–17:00",
    "date": "17. september 2026",
    "place": "Rådhusgade 4",
    "location": "Rådhusgade 4",
    "reason": "er på kursus",
    "email": "sofie@example.dk",
    "org": "Lægehuset Havnegade",
    "short": "KLU",
    "start": "15:00",
    "end": "17:00",
}
COUNTS = frozenset(
    {
        "count",
        "created",
        "updated",
        "unchanged",
        "added",
        "skipped",
        "sent",
        "retried",
        "pending",
        "enqueued",
        "requests",
        "updates",
        "cancels",
        "slack",
        "mail",
        "failed",
        "length",
        "limit",
    }
)
FIELDS = [v for k, v in vars(texts).items() if k.startswith("FIELD_") and isinstance(v, str)]

PLURAL_AFTER_ONE = re.compile(
    r"\b1 (nye|emner|linjer|personer|punkter|flere|invitationer|opdateringer|aflysninger|"
    r"dage|opdaterede|uændrede|påmindelser|beskeder|medlemmer|gæster|møder)\b"
)
PLURAL_HACK = re.compile(r"\w\((er|r|e|ne)\)")
TITLE_MID_SENTENCE = re.compile(
    r"\b(til|i|for|om|af|på|fra|under|med|efter|inden|før|ved) Møde i Kommunalt", re.I
)
REPEATED_WORD = re.compile(r"\b(\w{4,})\b[\s(),.:–-]+\1\b", re.I)
NOT_OFFICIAL = re.compile(r"(?<!af)\b(holdt|holdes)\b")


def templates() -> Iterator[tuple[str, str]]:
    """(name, template) for every text in the catalogue, nested ones included."""
    for name, value in vars(texts).items():
        if name.startswith("_") or not name.isupper():
            continue
        yield from _walk(name, value)


def _walk(name: str, value: Any) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield name, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _walk(f"{name}[{key!r}]", inner)
    elif isinstance(value, tuple | list):
        for index, inner in enumerate(value):
            yield from _walk(f"{name}[{index}]", inner)


def placeholders(template: str) -> list[str]:
    try:
        return [f for _, f, _, _ in string.Formatter().parse(template) if f]
    except ValueError:
        return []


def render(template: str, count: int, field: str = "Noten") -> str:
    values: dict[str, Any] = {}
    for name in placeholders(template):
        key = name.split(".")[0].split("[")[0]
        if key in COUNTS or key.endswith("_count"):
            values[key] = count
        elif key == "field" or key == "column":
            values[key] = field
        else:
            values[key] = SAMPLES.get(key, f"«{key}»")
    try:
        return texts.Agree(template).format(**values)
    except (KeyError, IndexError, ValueError):
        return template


def renderings() -> Iterator[tuple[str, str]]:
    for name, template in templates():
        for count in (1, 5):
            for field in FIELDS if "{field" in template else ["Noten"]:
                yield name, render(template, count, field)
        if "{contact" in template:  # the secretariat's contact when none is on file
            SAMPLES["contact"] = contact_of(None)
            yield name, render(template, 1)
            SAMPLES["contact"] = CONTACT


RENDERED = list(renderings())


def _hits(pattern: re.Pattern[str]) -> list[str]:
    return sorted({f"{name}: {text!r}" for name, text in RENDERED if pattern.search(text)})


def test_catalogue_is_read() -> None:
    assert len(RENDERED) > 500


def test_agreement_formatter() -> None:
    assert texts.Agree("{n:nyt emne|nye emner}").format(n=1) == "1 nyt emne"
    assert texts.Agree("{n:nyt emne|nye emner}").format(n=3) == "3 nye emner"
    assert texts.Agree("{n:emne|emner}").format(n="1.000") == "1.000 emner"
    too_long = texts.Agree("{f} er for {f:~lang|langt}. {f:~Den|Det} må højst ...")
    assert too_long.format(f="Mødestedet") == "Mødestedet er for langt. Det må højst ..."
    assert too_long.format(f="Noten") == "Noten er for lang. Den må højst ..."
    assert too_long.format(f="Udvalgets navn").startswith("Udvalgets navn er for langt")
    assert too_long.format(f="Emnets tekst").startswith("Emnets tekst er for lang.")
    assert texts.meeting_in_sentence(TITLE) == "mødet i Kommunalt Lægeligt Udvalg"
    assert texts.meeting_in_sentence("Møde Kommunal Lægelig Udvalg") == (
        "mødet i Kommunal Lægelig Udvalg"
    )
    assert texts.meeting_in_sentence("Temadag om demens") == "mødet »Temadag om demens«"


def test_number_agrees_with_one() -> None:
    assert _hits(PLURAL_AFTER_ONE) == []
    assert _hits(PLURAL_HACK) == []


def test_gender_agrees_with_the_field() -> None:
    wrong = []
    for name, text in RENDERED:
        for field in FIELDS:
            if not text.startswith(field + " "):
                continue
            neuter = texts.is_neuter(field)
            bad = ("for lang ", "for lang.", "Den må") if neuter else ("for langt", "Det må")
            if any(b in text for b in bad):
                wrong.append(f"{name}: {text}")
    assert wrong == []


@pytest.mark.parametrize(
    ("field", "neuter"),
    [
        ("Mødestedet", True),
        ("Telefonnummeret", True),
        ("Navnet", True),
        ("Sagsnummeret", True),
        ("Udvalgets kortnavn", True),
        ("Noten", False),
        ("Beskrivelsen", False),
        ("Begrundelsen", False),
        ("Punktets titel", False),
        ("Gæstens oplysning", False),
    ],
)
def test_field_genders(field: str, neuter: bool) -> None:
    assert texts.is_neuter(field) is neuter


def test_the_title_reads_as_part_of_the_sentence() -> None:
    assert _hits(TITLE_MID_SENTENCE) == []


def test_one_spelling_of_cancel() -> None:
    spellings = {t for _, t in templates() if t.strip().casefold().startswith("annull")}
    assert spellings == {"Annuller"}


def test_official_register_and_no_repeated_words() -> None:
    assert _hits(NOT_OFFICIAL) == []
    assert _hits(REPEATED_WORD) == []


def test_no_line_contradicts_itself() -> None:
    """The approval answer says where the summary went, and only that."""
    posted = approved_text("18. juni 2026", 2, posted=True)
    assert "sendes til kanalen og til 2 med afbud" in posted and "ingen" not in posted
    unposted = approved_text("18. juni 2026", 1, posted=False)
    assert "ingen Slack-kanal" in unposted and "sendes til kanalen" not in unposted
    assert "Det sendes til 1 med afbud." in unposted
    assert "med afbud" not in approved_text("18. juni 2026", 0, posted=False)


def test_one_clock_style() -> None:
    """15:00 everywhere (Slack, e-mail, calendar text, CLI): never 15.00 beside it."""
    assert texts.TIME_FORMAT_CLOCK.format(hour=15, minute=0) == "15:00"
    dotted = re.compile(r"\bkl\. \d{1,2}\.\d{2}\b")
    assert [t for _, t in templates() if dotted.search(t) and "»" not in t] == []


def test_the_command_line_help_is_in_the_catalogue_too() -> None:
    """No argparse help, description or epilog is a literal outside bot/texts.py."""
    import ast
    from pathlib import Path

    found = []
    for path in sorted((Path(__file__).resolve().parents[2] / "handlers").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            literal = [
                kw.arg
                for kw in node.keywords
                if kw.arg in ("help", "description", "epilog")
                and isinstance(kw.value, ast.Constant)
                and isinstance(kw.value.value, str)
            ]
            func = node.func
            is_leaf = isinstance(func, ast.Name) and func.id == "leaf" and len(node.args) == 4
            if is_leaf and isinstance(node.args[3], ast.Constant):
                literal.append("leaf help")
            found += [f"{path.name}:{node.lineno} {what}" for what in literal]
    assert found == []
