"""Reading a member's reply: regrets ("afbud, er på kursus"), changing their mind, or neither.

Pure: no I/O. The same grammar serves Slack thread replies, DMs, `/klu afbud` and the CLI.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    """What a reply means for the member's attendance."""

    REGRETS = "regrets"
    ATTEND = "attend"
    UNDO = "undo"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Reply:
    """The parsed reply; reason only for regrets (may be empty)."""

    intent: Intent
    reason: str = ""


REASON_LIMIT = 500

# Characters that separate the keyword from the reason: "afbud – ferie", "afbud, syg", "afbud: x".
_SEP = r"[\s,.:;!?\-–—(/]*"
_LEAD = r"^(?:(?:hej|hejsa|hi)\b[\s,.!]*)?"

# "afbud", "melder afbud", "jeg må desværre melde afbud", "kan ikke komme", "jeg kommer ikke".
_REGRETS = re.compile(
    _LEAD
    + r"(?:"
    + r"(?:jeg\s+)?(?:må\s+|skal\s+)?(?:desværre\s+)?(?:melde[rs]?\s+|sende[rs]?\s+)?"
    + r"(?:desværre\s+)?afbud"
    + r"|(?:jeg\s+)?kan\s+(?:desværre\s+)?ikke\s+(?:komme|deltage|møde(?:\s+op)?)"
    + r"|(?:jeg\s+)?(?:kommer|deltager)\s+(?:(?:desværre|alligevel|så)\s+)*ikke"
    + r")(?![\wæøå])",
    re.IGNORECASE,
)
_UNDO = re.compile(
    _LEAD + r"(?:fortryd(?:er)?|annuller(?:er)?|tilbagekald(?:er)?)(?:\s+(?:mit\s+)?afbud(?:det)?)?"
    r"(?![\wæøå])",
    re.IGNORECASE,
)
_ATTEND = re.compile(
    _LEAD
    + r"(?:jeg\s+)?(?:kommer|deltager)(?:\s+(?:gerne|alligevel|godt|også))*"
    + r"(?:\s+(?:til|i)\s+mødet)?(?![\wæøå])",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")
_SLACK_MARKUP = re.compile(r"[*_~`]|<@[A-Z0-9]+(?:\|[^>]*)?>")


def normalise(text: str) -> str:
    """One line, single spaces, Slack emphasis markers removed, trimmed."""
    return _SPACES.sub(" ", _SLACK_MARKUP.sub("", text or "")).strip()


def clean_reason(text: str) -> str:
    """The reason as the member wrote it, without leading separators or a final full stop."""
    reason = re.sub(r"^" + _SEP, "", text).strip()
    reason = reason.rstrip(" .!")
    if reason.endswith(")") and "(" not in reason:
        reason = reason[:-1].rstrip()
    return reason[:REASON_LIMIT]


def parse_reply(text: str) -> Reply:
    """Classify a reply; never raises."""
    line = normalise(text)
    regrets = _REGRETS.match(line)
    if regrets:
        return Reply(Intent.REGRETS, clean_reason(line[regrets.end() :]))
    if _UNDO.match(line):
        return Reply(Intent.UNDO)
    attend = _ATTEND.match(line)
    if attend and _ends_clause(line[attend.end() :]):
        return Reply(Intent.ATTEND)
    return Reply(Intent.UNKNOWN)


def _ends_clause(rest: str) -> bool:
    """'jeg kommer!' or 'jeg kommer, ferien blev aflyst', but not 'kommer du?'."""
    rest = rest.strip()
    return not rest or (rest[0] in ",.!:;–—-)" and "?" not in rest)


def parse_command_reason(text: str) -> str:
    """The reason given after `/klu afbud`: everything, cleaned like a reply's reason."""
    return clean_reason(normalise(text))
