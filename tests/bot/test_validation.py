"""Shared input rules: trimmed, non-empty, bounded text; clock times; minutes. Only KluError."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import InputError
from bot.validation import MAX_TEXT, clean_text, optional_text, parse_clock, parse_minutes


def test_clean_text_trims_and_drops_control_characters() -> None:
    assert (
        clean_text("  Samarbejde\x00 om\x07 hjemmebesøg \n", "Emnet") == "Samarbejde om hjemmebesøg"
    )
    assert clean_text("linje 1\nlinje 2", "Emnet") == "linje 1\nlinje 2"


@pytest.mark.parametrize("value", ["", "   ", "\n\t", None, "\x00\x01"])
def test_empty_text_is_refused_in_danish(value: str | None) -> None:
    with pytest.raises(InputError, match=r"^Emnet mangler"):
        clean_text(value, "Emnet")


def test_the_limit_is_inclusive() -> None:
    assert len(clean_text("x" * MAX_TEXT, "Emnet")) == 2000
    with pytest.raises(
        InputError, match=r"^Emnet er for langt \(2001 tegn\)\. Det må højst være 2000"
    ):
        clean_text("x" * 2001, "Emnet")
    assert clean_text("  " + "x" * 2000 + "  ", "Emnet") == "x" * 2000


def test_optional_text() -> None:
    assert optional_text(None, "Noten") == ""
    assert optional_text("   ", "Noten") == ""
    assert optional_text(" a ", "Noten") == "a"
    with pytest.raises(InputError):
        optional_text("x" * 11, "Noten", limit=10)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("15:00", time(15)), ("9.30", time(9, 30)), ("15", time(15)), (" 07:05 ", time(7, 5))],
)
def test_parse_clock(value: str, expected: time) -> None:
    assert parse_clock(value) == expected


@pytest.mark.parametrize("value", ["", "24:00", "15:60", "kl. 15", "15:5", "-1", "1500"])
def test_bad_clock_is_refused(value: str) -> None:
    with pytest.raises(InputError, match="er ikke et klokkeslæt"):
        parse_clock(value)


@pytest.mark.parametrize(("value", "expected"), [(0, 0), ("15", 15), ("20 min", 20), (600, 600)])
def test_parse_minutes(value: str | int, expected: int) -> None:
    assert parse_minutes(value) == expected


@pytest.mark.parametrize("value", [-1, 601, "", "kvarter", "1.5", "1e3", "9" * 5000])
def test_bad_minutes_are_refused(value: str | int) -> None:
    with pytest.raises(InputError, match="ikke et antal minutter"):
        parse_minutes(value)


# --- properties: arbitrary input gives a value or an InputError, never anything else ----------


def _attempt(func: Callable[..., object], *args: object, **kwargs: object) -> object:
    """The result, or the InputError raised; any other exception fails the test."""
    try:
        return func(*args, **kwargs)
    except InputError as error:
        return error


@given(st.one_of(st.none(), st.text(max_size=2100)), st.integers(min_value=1, max_value=2100))
def test_clean_text_never_fails_otherwise(value: str | None, limit: int) -> None:
    result = _attempt(clean_text, value, "Feltet", limit=limit)
    if isinstance(result, InputError):
        assert result.message.startswith("Feltet ")
    else:
        assert isinstance(result, str) and result == result.strip() and 0 < len(result) <= limit


@given(st.text(max_size=40))
def test_parse_clock_never_fails_otherwise(value: str) -> None:
    result = _attempt(parse_clock, value)
    assert isinstance(result, time) or (isinstance(result, InputError) and result.message)


@given(st.one_of(st.text(max_size=40), st.integers()))
def test_parse_minutes_never_fails_otherwise(value: str | int) -> None:
    result = _attempt(parse_minutes, value)
    if isinstance(result, InputError):
        assert result.message
    else:
        assert isinstance(result, int) and 0 <= result <= 600
