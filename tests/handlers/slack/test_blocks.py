"""Block Kit limits and escaping, the command grammar, and a long agenda in one message."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from bot.commands import parse_command, verb_key
from bot.domain import AgendaItem, Committee, Meeting
from handlers.slack import blocks as b
from handlers.slack.listeners.topics.views import meeting_blocks


@given(st.text(alphabet="<>&a!@ ", max_size=400), st.integers(min_value=5, max_value=300))
def test_clipped_escaped_text_fits_and_never_leaves_a_raw_bracket(text: str, limit: int) -> None:
    out = b.clip(b.escape(text), limit)
    assert len(out) <= limit
    assert "<" not in out and ">" not in out
    body = out.removesuffix("…")
    assert body.count("&") == body.count(";")  # no escape cut in half


def test_escape_neutralises_mentions() -> None:
    assert b.escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"


def test_sections_pack_lines_under_the_section_limit() -> None:
    lines = ["x" * 1000] * 10 + ["y" * 5000]
    packed = b.sections(lines)
    assert all(len(s["text"]["text"]) <= b.SECTION_TEXT for s in packed)
    assert len(packed) == 6


def test_fit_cuts_and_says_so() -> None:
    many = [b.divider()] * 120
    fitted = b.fit(many, b.MESSAGE_BLOCKS)
    assert len(fitted) == b.MESSAGE_BLOCKS
    assert fitted[-1]["type"] == "context"
    message = b.message("t" * 5000, many)
    assert len(message["blocks"]) == 50 and len(message["text"]) <= 3000


def test_long_agenda_stays_within_limits() -> None:
    start = datetime(2026, 6, 18, 13, 0, tzinfo=UTC)
    meeting = Meeting(1, "M" * 300, start, start.replace(hour=15), place="<b>" * 500)
    meeting.items = [
        AgendaItem(section=2, position=n, title=f"{n} " + "punkt " * 400, planned_minutes=5)
        for n in range(1, 80)
    ]
    out = b.message("x", meeting_blocks(meeting, Committee("KLU", "KLU"), {}))
    assert len(out["blocks"]) <= b.MESSAGE_BLOCKS
    for block in out["blocks"]:
        text = block.get("text", {}).get("text", "")
        limit = b.HEADER_TEXT if block["type"] == "header" else b.SECTION_TEXT
        assert len(text) <= limit
    assert "<b>" not in str(out)


def test_one_grammar_for_verbs() -> None:
    assert parse_command("  NÆSTE ") == parse_command("naeste")
    assert parse_command("").verb == verb_key("hjælp") == verb_key("help")
    command = parse_command("emne  Første linje\nanden linje ")
    assert command.verb == "emne"
    assert command.rest == "Første linje\nanden linje"
    assert verb_key("møde") == verb_key("moede")
