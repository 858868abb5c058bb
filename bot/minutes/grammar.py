"""The grammar of minutes typed by hand: outcomes and actions ('tovholder|opgave|frist')."""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts
from bot.domain import ActionItem, Outcome
from bot.errors import InputError

OUTCOME_WORDS = {
    "godkendt": Outcome.APPROVED,
    "droeftet": Outcome.DISCUSSED,
    "drøftet": Outcome.DISCUSSED,
    "taget_til_efterretning": Outcome.NOTED,
    "efterretning": Outcome.NOTED,
    "taget til efterretning": Outcome.NOTED,
    "udskudt": Outcome.POSTPONED,
    "udsat": Outcome.POSTPONED,
}


@dataclass(frozen=True)
class NewAction:
    """An agreed action as typed: owner (name or e-mail), task, due date (Danish or ISO)."""

    owner: str
    task: str
    due: str = ""


def parse_outcome(value: str | None) -> Outcome | None:
    """'udskudt', 'drøftet', 'Godkendt' … -> Outcome; '' -> None."""
    text = (value or "").strip().lower()
    if not text:
        return None
    if text in OUTCOME_WORDS:
        return OUTCOME_WORDS[text]
    raise InputError(texts.MINUTES_UNKNOWN_OUTCOME.format(value=value))


def parse_action(text: str) -> NewAction:
    """'Owner|task|due' (due optional) -> NewAction."""
    parts = [p.strip() for p in text.split("|")]
    if len(parts) not in (2, 3) or not parts[0]:
        raise InputError(texts.MINUTES_BAD_ACTION.format(value=text))
    if not parts[1]:
        raise InputError(texts.MINUTES_ACTION_TASK_EMPTY.format(value=text))
    return NewAction(owner=parts[0], task=parts[1], due=parts[2] if len(parts) == 3 else "")


def action_line(action: ActionItem) -> str:
    """'Owner|task|2026-09-01' — the same grammar the CLI and the modal accept."""
    due = action.due.isoformat() if action.due else ""
    return f"{action.owner_name}|{action.text}|{due}".rstrip("|")
