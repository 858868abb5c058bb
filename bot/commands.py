"""The one text grammar for `/klu <verb> <rest>`, shared by Slack, the CLI and later Teams.

A command is a verb and the rest of the line. Verbs are matched without case and with the
Danish letters folded (æ->ae, ø->oe, å->aa), so `næste`, `naeste` and `NÆSTE` are one verb;
English aliases map onto the Danish verb (`help` -> `hjælp`). Nothing here knows which verbs
exist: each adapter keeps its own dispatch table keyed by `verb_key()`.
"""

from __future__ import annotations

from dataclasses import dataclass

HELP = "hjælp"
ALIASES = {"help": HELP, "?": HELP, "next": "næste", "topic": "emne", "topics": "bruttoliste"}
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


@dataclass(frozen=True)
class Command:
    """A parsed command line: the folded verb key and the untouched rest of the line."""

    verb: str
    rest: str


def verb_key(verb: str) -> str:
    """The form a verb is matched by: lower case, Danish letters folded, aliases resolved."""
    word = verb.strip().lower()
    word = ALIASES.get(word, word)
    return word.translate(_FOLD)


def parse_command(text: str | None) -> Command:
    """Split '<verb> <rest>'; an empty line is a request for help."""
    line = (text or "").strip()
    if not line:
        return Command(verb_key(HELP), "")
    parts = line.split(maxsplit=1)
    return Command(verb_key(parts[0]), parts[1].strip() if len(parts) > 1 else "")
