"""The reply grammar: regrets with or without a reason, changing one's mind, or a hint."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.regrets import Intent, Reply, parse_command_reason, parse_reply

CASES = [
    ("afbud", Reply(Intent.REGRETS)),
    ("Afbud", Reply(Intent.REGRETS)),
    ("AFBUD!", Reply(Intent.REGRETS)),
    ("Afbud.", Reply(Intent.REGRETS)),
    ("melder afbud", Reply(Intent.REGRETS)),
    ("Jeg melder afbud", Reply(Intent.REGRETS)),
    ("jeg må desværre melde afbud", Reply(Intent.REGRETS)),
    ("kan ikke komme", Reply(Intent.REGRETS)),
    ("Kan ikke komme.", Reply(Intent.REGRETS)),
    ("Jeg kan desværre ikke komme, syg", Reply(Intent.REGRETS, "syg")),
    ("jeg kommer ikke", Reply(Intent.REGRETS)),
    ("jeg kommer alligevel ikke", Reply(Intent.REGRETS)),
    ("afbud – ferie", Reply(Intent.REGRETS, "ferie")),
    ("afbud - ferie", Reply(Intent.REGRETS, "ferie")),
    ("afbud, er på kursus", Reply(Intent.REGRETS, "er på kursus")),
    ("Afbud, er på kursus.", Reply(Intent.REGRETS, "er på kursus")),
    ("afbud: tandlæge kl. 15", Reply(Intent.REGRETS, "tandlæge kl. 15")),
    ("hej, afbud (ferie)", Reply(Intent.REGRETS, "ferie")),
    ("<@U0BOT> afbud", Reply(Intent.REGRETS)),
    ("*afbud* - tandlæge", Reply(Intent.REGRETS, "tandlæge")),
    ("  afbud\n\ner på   kursus ", Reply(Intent.REGRETS, "er på kursus")),
    ("Jeg kommer alligevel", Reply(Intent.ATTEND)),
    ("jeg kommer alligevel!", Reply(Intent.ATTEND)),
    ("jeg kommer", Reply(Intent.ATTEND)),
    ("Jeg kommer, ferien blev aflyst", Reply(Intent.ATTEND)),
    ("fortryd afbud", Reply(Intent.UNDO)),
    ("Fortryd mit afbud", Reply(Intent.UNDO)),
    ("fortryd", Reply(Intent.UNDO)),
    ("kommer du?", Reply(Intent.UNKNOWN)),
    ("hvad er klokken", Reply(Intent.UNKNOWN)),
    ("afbudt", Reply(Intent.UNKNOWN)),
    ("", Reply(Intent.UNKNOWN)),
    ("tak for sidst", Reply(Intent.UNKNOWN)),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_reply(text: str, expected: Reply) -> None:
    assert parse_reply(text) == expected


def test_command_reason() -> None:
    assert parse_command_reason("  er på kursus. ") == "er på kursus"
    assert parse_command_reason("") == ""


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøåABCÆØÅ0123456789", min_size=1, max_size=12)
REASON = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
KEYWORD = st.sampled_from(["afbud", "melder afbud", "jeg melder afbud", "kan ikke komme"])
SEPARATOR = st.sampled_from([", ", " – ", " - ", ": ", "; ", ". ", " "])


def _any_case(text: str, flips: list[bool]) -> str:
    return "".join(
        c.upper() if f else c for c, f in zip(text, flips + [False] * len(text), strict=False)
    )


@given(KEYWORD, SEPARATOR, REASON, st.lists(st.booleans(), max_size=20))
def test_reason_is_kept_whatever_the_case_and_separator(
    keyword: str, sep: str, reason: str, flips: list[bool]
) -> None:
    reply = parse_reply(_any_case(keyword, flips) + sep + reason)
    assert reply == Reply(Intent.REGRETS, reason)


@given(KEYWORD, st.sampled_from(["", ".", "!", " .", "!!"]), st.lists(st.booleans(), max_size=20))
def test_keyword_alone_with_punctuation(keyword: str, tail: str, flips: list[bool]) -> None:
    assert parse_reply(_any_case(keyword, flips) + tail) == Reply(Intent.REGRETS)


@given(st.text(max_size=300))
def test_never_raises_and_reason_is_bounded(text: str) -> None:
    reply = parse_reply(text)
    assert reply.intent in Intent
    assert len(reply.reason) <= 500
    if reply.intent != Intent.REGRETS:
        assert reply.reason == ""
