"""The reply grammar: regrets with or without a reason, changing one's mind, or a hint."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.attendance.replies import Intent, Reply, parse_command_reason, parse_reply

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

# The ways Danes decline (issue 12.9): the phrase alone, with a reason, and with the filler
# that is never a reason (desværre, beklager, tak, greetings and sign-offs).
DECLINES = [
    ("Jeg kan ikke komme, desværre", ""),
    ("Jeg kan ikke komme, desværre.", ""),
    ("kan ikke deltage", ""),
    ("Jeg kan desværre ikke deltage", ""),
    ("Kan ikke deltage – vagt", "vagt"),
    ("Jeg kan ikke deltage i mødet den 18. juni, da jeg har vagt", "jeg har vagt"),
    ("må melde afbud", ""),
    ("Må melde afbud – er på kursus", "er på kursus"),
    ("Jeg må desværre melde afbud til mødet", ""),
    ("Jeg bliver nødt til at melde afbud, syg barn", "syg barn"),
    ("er forhindret", ""),
    ("Jeg er forhindret pga. vagt", "vagt"),
    ("Jeg er forhindret på grund af sygdom", "sygdom"),
    ("desværre forhindret", ""),
    ("Desværre forhindret, ferie", "ferie"),
    ("Jeg er desværre forhindret i at deltage – kursus i Aarhus", "kursus i Aarhus"),
    ("kommer ikke", ""),
    ("Jeg kommer desværre ikke, beklager", ""),
    ("Jeg deltager ikke – ferie", "ferie"),
    ("jeg når det ikke", ""),
    ("Jeg når det desværre ikke, sidder fast i trafikken", "sidder fast i trafikken"),
    ("Jeg kan ikke nå det", ""),
    ("kan ikke komme", ""),
    ("Kan ikke komme. Tak", ""),
    ("Jeg har ikke mulighed for at deltage, vagt", "vagt"),
    ("Hej Camilla, jeg kan ikke komme, da jeg er syg", "jeg er syg"),
    ("Hej Camilla Juul. Jeg kan desværre ikke komme.", ""),
    ("Hej alle, afbud", ""),
    ("Desværre, jeg kan ikke komme", ""),
    ("Beklager, men jeg kan ikke komme – tandlæge", "tandlæge"),
    ("Tak for indkaldelsen. Jeg må desværre melde afbud.", ""),
    ("Tak for invitationen, men jeg er forhindret", ""),
    ("Kan ikke komme. Mvh Peter", ""),
    ("afbud, er på kursus. Mvh Sofie", "er på kursus"),
    ("Jeg kan ikke komme\n\nMed venlig hilsen\nPeter Holm\nLægerne i Gug", ""),
    ("Afbud – ferie\n\nVenlig hilsen\nAnne", "ferie"),
    ("Jeg er forhindret. Hilsen Ole", ""),
    ("Afbud, vagt /Anne", "vagt"),
    ("Jeg kan ikke komme, har vagt. Beklager! Vh Peter", "har vagt"),
    ("Jeg kan ikke komme :slightly_frowning_face:", ""),
    ("kommer ikke, tak for info", ""),
    ("afbud, tandlæge kl. 15:30", "tandlæge kl. 15:30"),
]


@pytest.mark.parametrize(("text", "reason"), DECLINES)
def test_danish_declines(text: str, reason: str) -> None:
    assert parse_reply(text) == Reply(Intent.REGRETS, reason)


@pytest.mark.parametrize(
    "text",
    [
        "Kommer du ikke?",
        "Hvem kan ikke komme?",
        "Anne sagde hun kommer",
        "tak",
        "Hej Camilla",
        "Mvh Peter",
    ],
)
def test_not_a_decline(text: str) -> None:
    assert parse_reply(text).intent != Intent.REGRETS


@pytest.mark.parametrize(
    "text",
    [
        "Jeg kommer ikke til tiden, men 15 min senere",
        "Jeg kan desværre ikke komme til tiden - kommer ca. 15.20",
        "Jeg kan ikke deltage i hele mødet, men kommer kl. 16",
        "Jeg kan ikke deltage hele mødet",
        "Jeg kommer ikke før kl. 16",
        "Kan ikke komme før 15.30",
        "Jeg er forhindret i at komme til tiden",
        "Jeg kan ikke komme fra start, men kommer 15.30",
        "Kan ikke nå det til start",
        "Jeg kan ikke komme til mødet til tiden",
    ],
)
def test_coming_late_or_leaving_early_is_no_regret(text: str) -> None:
    assert parse_reply(text) == Reply(Intent.UNKNOWN)  # the secretary reads it


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Jeg kan desværre ikke komme den 18. juni pga. ferie", "ferie"),
        ("Jeg kommer ikke d. 3. december, vagt", "vagt"),
        ("Jeg er forhindret i at komme", ""),
        ("Jeg kommer ikke, har travlt hele tiden", "har travlt hele tiden"),
    ],
)
def test_a_date_after_the_phrase_is_not_the_reason(text: str, reason: str) -> None:
    assert parse_reply(text) == Reply(Intent.REGRETS, reason)


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_reply(text: str, expected: Reply) -> None:
    assert parse_reply(text) == expected


def test_command_reason() -> None:
    assert parse_command_reason("  er på kursus. ") == "er på kursus"
    assert parse_command_reason("") == ""
    assert parse_command_reason("desværre") == ""
    assert parse_command_reason("pga. vagt. Mvh Peter") == "vagt"


# Words the grammar gives a meaning of its own (filler, connectors, sign-offs, "til mødet").
GRAMMAR_WORDS = {
    "desværre",
    "beklager",
    "undskyld",
    "sorry",
    "øv",
    "ærgerligt",
    "men",
    "altså",
    "tak",
    "hej",
    "hejsa",
    "ok",
    "okay",
    "pga",
    "da",
    "idet",
    "fordi",
    "eftersom",
    "grundet",
    "mvh",
    "vh",
    "kh",
    "hilsen",
    "hilsener",
    "hilsner",
    "god",
    "til",
    "i",
    "på",
    "ved",
    "mødet",
    "møde",
    "det",
}
WORD = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzæøåABCÆØÅ0123456789", min_size=1, max_size=12
).filter(lambda w: w.lower() not in GRAMMAR_WORDS)
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
