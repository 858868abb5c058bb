"""Field-by-field checks of a topic proposal, so a form can show each error at its field."""

from __future__ import annotations

from bot import texts
from bot.errors import InputError
from bot.topics.proposals import NewTopic
from bot.validation import MAX_TEXT, clean_text, optional_text

DESCRIPTION_LIMIT = 10000


def check_topic_form(spec: NewTopic) -> dict[str, str]:
    """Problems keyed by field ('text', 'description', 'note'); empty when it may be proposed."""
    problems: dict[str, str] = {}
    fields = (
        ("text", spec.text, True, MAX_TEXT, texts.FIELD_TOPIC),
        ("description", spec.description, False, DESCRIPTION_LIMIT, texts.FIELD_DESCRIPTION),
        ("note", spec.note, False, MAX_TEXT, texts.FIELD_NOTE),
    )
    for key, value, required, limit, label in fields:
        try:
            if required:
                clean_text(value, label, limit=limit)
            else:
                optional_text(value, label, limit=limit)
        except InputError as exc:
            problems[key] = exc.message
    return problems
