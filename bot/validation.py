"""Shared input rules: text fields are trimmed, non-empty and bounded."""

from __future__ import annotations

import re
from datetime import time

from bot import texts
from bot.errors import InputError

MAX_TEXT = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_control(value: str) -> str:
    """The text without NUL and other control characters (tab and line breaks kept): what every
    way in does to what it is given, so no database ever sees one."""
    return _CONTROL.sub("", value)


_ID = re.compile(r"[0-9]{1,9}")


def is_id(value: object) -> bool:
    """Whether the text is a row number as people type it and buttons carry it: ASCII digits
    only, at most nine (str.isdigit also takes '²' and '٣', which int() refuses, and any
    length, which the database refuses)."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def clean_text(value: str | None, field: str, *, limit: int = MAX_TEXT) -> str:
    """Trim the text and refuse it when empty or longer than `limit` characters."""
    text = without_control(value or "").strip()
    if not text:
        raise InputError(texts.TEXT_EMPTY.format(field=field))
    if len(text) > limit:
        raise InputError(texts.TEXT_TOO_LONG.format(field=field, length=len(text), limit=limit))
    return text


def optional_text(value: str | None, field: str, *, limit: int = MAX_TEXT) -> str:
    """Like clean_text, but an empty value is allowed and becomes ''."""
    if value is None or not value.strip():
        return ""
    return clean_text(value, field, limit=limit)


def parse_clock(value: str) -> time:
    """Parse 'HH:MM' (or 'HH.MM', 'HH') into a time."""
    match = re.fullmatch(r"\s*(\d{1,2})(?:[:.](\d{2}))?\s*", value or "")
    if match is None:
        raise InputError(texts.BAD_CLOCK_TIME.format(value=value))
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if hour > 23 or minute > 59:
        raise InputError(texts.BAD_CLOCK_TIME.format(value=value))
    return time(hour, minute)


def parse_minutes(value: str | int) -> int:
    """A planned duration in whole minutes, 0-600."""
    try:
        minutes = int(str(value).strip().removesuffix("min").strip())
    except ValueError:
        raise InputError(texts.BAD_MINUTES.format(value=value)) from None
    if not 0 <= minutes <= 600:
        raise InputError(texts.BAD_MINUTES.format(value=value))
    return minutes


_LINE_BREAKS = re.compile(r"\s+")


def one_line(value: str | None, field: str, *, limit: int = MAX_TEXT) -> str:
    """Like clean_text, for values that are one line wherever they go (names, titles, places,
    organisations, short names: e-mail headers, calendar lines, list rows): line breaks,
    tabs and runs of white space become one space."""
    return clean_text(_LINE_BREAKS.sub(" ", value or ""), field, limit=limit)


def optional_line(value: str | None, field: str, *, limit: int = MAX_TEXT) -> str:
    """Like one_line, but an empty value is allowed and becomes ''."""
    if value is None or not value.strip():
        return ""
    return one_line(value, field, limit=limit)
