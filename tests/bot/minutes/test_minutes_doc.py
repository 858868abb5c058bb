"""The minutes document (Markdown, HTML, PDF), the text import, the CLI and action reminders."""

from __future__ import annotations

import html.parser
import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.errors import InputError
from bot.messaging import outbox
from bot.minutes.approve import approve_minutes
from bot.minutes.document import to_html, to_markdown
from bot.minutes.minutes_file import import_minutes, load_doc
from bot.minutes.text_import import join_lines, parse_minutes_text
from bot.reminders.actions import plan_action_reminders
from handlers.bootstrap import Container
from handlers.cli.main import main
from handlers.documents.pdf import render_pdf
from tests.bot.minutes.test_minutes import MEETING, _committee, held_fixture, record_sample  # noqa: F401
from tests.conftest import FakeClock
from tests.shown import shown

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "klu-minutes-excerpt.txt"
SECTIONS = (
    "Referat",
    "Deltagere",
    "Gæster",
    "Afbud",
    "Ej mødt",
    "Sagsnr./Dok.nr.",
    "2026-004280 / 2026-004280-5",
    "Indholdsfortegnelse",
    "Indstilling",
    "Sagsbeskrivelse",
    "Beslutning",
    "Bilag",
    "Aftalte handlinger",
    "Næste møde",
)
DECISIONS = (
    "Der var opbakning til kommissoriet.",
    "Vejledningen blev godkendt.",
    "PPR afsøger en digital løsning.",
    "Punktet udskydes til kommende møde",
    "Orienteringen blev taget til efterretning.",
)


class _Text(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(page: str) -> str:
    parser = _Text()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_document_in_every_format_carries_every_section_and_decision(held: Container) -> None:
    record_sample(held)
    doc = load_doc(held.uow(), _committee(held), MEETING)
    md, page, pdf = to_markdown(doc), to_html(doc), render_pdf(doc)
    assert pdf.startswith(b"%PDF")
    for text in (md.replace("\\", ""), html_text(page), pdf_text(pdf)):
        for expected in (*SECTIONS, *DECISIONS, "Sofie Brandt", "Lars Mikkelsen", "2.d"):
            assert expected in text, expected
        assert "Kommissorium (udkast)" in text
        assert "Næste møde afholdes 17. september kl. 15-17" in text
        assert "Ida Nørgaard, Leder af PPR, PPR Fjordby, deltog under punkt 2.c" in text
    assert '<a href="https://fjordby.dk/klu/kommissorium.pdf">' in page
    assert "\n- 2.a Drøftelse af kommissorium" not in md  # nested under its section
    assert "    - 2.a Drøftelse af kommissorium" in md


def test_user_text_cannot_break_the_html_or_markdown(held: Container) -> None:
    from bot.minutes.recording import ItemMinutes, record_item

    record_item(held.uow(), _committee(held), MEETING, "2.b",
                ItemMinutes(beslutning="<script>alert(1)</script> *fed* [link](x)"),
                actor=None, now=held.clock())  # fmt: skip
    doc = load_doc(held.uow(), _committee(held), MEETING)
    assert "<script>" not in to_html(doc) and "&lt;script&gt;" in to_html(doc)
    assert r"\*fed\* \[link\](x)" in to_markdown(doc)


def test_follow_up_of_open_actions_is_on_the_next_agenda_document(held: Container) -> None:
    from bot.meetings.create import create_meeting
    from bot.meetings.planning import NewMeeting

    record_sample(held)
    committee = _committee(held)
    approve_minutes(held.uow(), committee, MEETING, actor=None, now=held.clock())
    nxt = create_meeting(held.uow(), committee, NewMeeting(when="17. september 2026 kl. 15-17"),
                         now=held.clock())  # fmt: skip
    md = to_markdown(load_doc(held.uow(), committee, nxt.id or 0))
    assert "## Opfølgning på aftalte handlinger" in md
    assert "Thomas Bach: Sende kommissoriet til høring (frist 1. september 2026)" in md
    assert "aftalt 18. juni 2026, punkt 2.a" in md
    assert "Udskudt fra mødet 18. juni 2026 (punkt 2.d)" in md


def test_example_minutes_text_is_split_into_items() -> None:
    items = {i.number: i for i in parse_minutes_text(EXAMPLE.read_text(encoding="utf-8"))}
    assert list(items) == ["1.", "2.a", "2.b", "2.c", "2.d", "2.e", "3.a", "3.b", "4."]
    assert items["1."].parts == {"beslutning": "Godkendt."}
    assert items["2.a"].title.endswith("mellem børne-ungeområdet og almen praksis")
    assert items["3.b"].title.endswith("medicindispensering og -administration")
    assert "psykiske vanskeligheder” er i afsluttende fase" in items["2.a"].parts["sagsbeskrivelse"]
    assert items["2.d"].parts["beslutning"].startswith("Sagen drøftedes.")
    assert "aldersmarkering" in items["2.d"].parts["beslutning"]
    assert "6/7" not in items["3.a"].parts["sagsbeskrivelse"]
    assert items["4."].title == "Eventuelt"
    assert items["4."].parts["referat"].startswith("Lisbet Trap-Jensen Torp fortalte")
    assert "Læ-" not in items["2.a"].parts["beslutning"]


def test_hyphenation_and_blank_lines_are_mended() -> None:
    assert join_lines(["vanskelighe-", "der er", "  ", "", "ny linje"]) == (
        "vanskeligheder er\n\nny linje"
    )
    assert join_lines(["PLO-K og", "Rusmiddelafsnit-", "tet"]) == "PLO-K og Rusmiddelafsnittet"
    with pytest.raises(InputError, match="ikke fundet nogen punkter"):
        parse_minutes_text("Bare noget tekst\nuden punkter")


def test_import_fills_the_sample_meeting(held: Container) -> None:
    report = import_minutes(held.uow(), _committee(held), MEETING, EXAMPLE.read_bytes(),
                            actor=None, now=held.clock())  # fmt: skip
    assert report.matched == ["1.", "2.a", "2.b", "2.c", "2.d", "2.e", "3.a", "3.b", "4."]
    assert report.unmatched == []
    doc = load_doc(held.uow(), _committee(held), MEETING)
    items = {i.number: i for i in doc.items}
    assert items["1."].outcome == "Godkendt"
    assert items["2.c"].outcome == "Punktet blev drøftet"
    assert items["2.b"].outcome == ""  # the text states no plain outcome
    assert items["2.b"].sagsbeskrivelse.startswith("På møde i Kommunalt Lægeligt Udvalg")
    assert items["2.a"].sagsbeskrivelse.startswith("Projektet om bedre koordinering")  # kept


def test_action_owner_gets_one_reminder_before_the_deadline(
    held: Container, clock: FakeClock
) -> None:
    record_sample(held)
    assert plan_action_reminders(held.uow(), clock()) == 0
    clock.set_local("2026-08-29T09:05")  # three days before 1 September
    assert plan_action_reminders(held.uow(), clock()) == 1
    assert plan_action_reminders(held.uow(), clock()) == 0
    with held.uow() as uow:
        row = uow.outbox.get("action-reminder:1:2026-09-01")
        assert row is not None and row.channel == outbox.EMAIL
        assert row.recipient == "thomas.bach@fjordby.dk"
        assert "Sende kommissoriet til høring" in shown(row)["text"]
    clock.set_local("2026-09-02T09:00")
    assert plan_action_reminders(held.uow(), clock()) == 0


def test_cli_records_imports_approves_and_exports(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    root = Path(__file__).resolve().parents[3] / "examples"
    early, late = ["--now", "2026-05-01T10:00"], ["--now", "2026-06-18T17:30"]
    assert main([*early, "committee", "setup", "--name", "KLU", "--short-name", "KLU"]) == 0
    assert main([*early, "members", "import", str(root / "roster.csv")]) == 0
    assert main([*early, "meeting", "load", str(root / "meeting.yaml")]) == 0
    assert main([*late, "minutes", "import", "1", str(EXAMPLE)]) == 0
    assert main([*late, "minutes", "record", "1", "2.d", "--outcome", "udskudt",
                 "--action", "Ole Thomsen|Sende materiale|2026-09-01"]) == 0  # fmt: skip
    assert main([*late, "minutes", "record", "1", "2.d", "--outcome", "vedtaget"]) == 1
    assert "ikke et udfald" in capsys.readouterr().err
    assert main([*late, "minutes", "attendance", "1", "--regrets", "sofie.brandt@plo-fjordby.dk",
                 "--no-show", "lars.mikkelsen@plo-fjordby.dk"]) == 0  # fmt: skip
    assert main([*late, "minutes", "approve", "1"]) == 0
    out = capsys.readouterr().out
    assert "godkendt" in out
    for fmt in ("md", "html", "pdf"):
        target = tmp_path / f"referat.{fmt}"
        assert main([*late, "minutes", "export", "1", "--format", fmt, "-o", str(target)]) == 0
    assert "Sende materiale" in (tmp_path / "referat.md").read_text(encoding="utf-8")
    assert "Sagen drøftedes." in pdf_text((tmp_path / "referat.pdf").read_bytes())
    assert main([*late, "search", "lægeerklæring"]) == 0
    assert "punkt 2.c" in capsys.readouterr().out
    assert main([*late, "meeting", "create", "17. september 2026 kl. 15-17"]) == 0
    agenda = capsys.readouterr().out
    assert "Opfølgning på aftalte handlinger" in agenda
    assert "Ole Thomsen: Sende materiale (frist 1. september 2026)" in agenda
    assert agenda.count("Henvisninger fra almen praksis til nye tilbud") == 2  # contents + plan
    assert main([*late, "minutes", "actions"]) == 0
    assert capsys.readouterr().out.startswith("#1 Ole Thomsen: Sende materiale")
    assert main([*late, "minutes", "done", "1"]) == 0
    assert main([*late, "minutes", "done", "1"]) == 1
    assert "ingen åben handling" in capsys.readouterr().err
    assert main([*late, "meeting", "show", "2"]) == 0
    assert "Opfølgning" not in capsys.readouterr().out


MUNICIPAL = [
    "    - Karen Munk Østergaard, Direktør, Sundhed og Omsorg, Fjordby Kommune",
    "    - Anne Vestergaard, Praksiskonsulent, Fjordby Kommune",
    "    - Birgitte Krogh, Chef for Ældre og Handicap, Fjordby Kommune",
    "    - Jonas Friis, Chef for Sundhedsfremme, Fjordby Kommune",
    "    - Maria Skov, Chef for Beskæftigelse, Fjordby Kommune",
    "    - Rasmus Winther, Sygeplejefaglig leder, Fjordby Kommune",
    "    - Thomas Bach, Chef for Børn og Familie, Fjordby Kommune",
]
CAMILLA = "    - Camilla Juul, Konsulent, Sundhed og Omsorg, Fjordby Kommune"
PEOPLE_AFTER_SIDES = """- *PLO-K*
    - Henrik Lund, Praktiserende læge, formand PLO-K, Lægerne i Nørreby
    - Line Dahl, Praktiserende læge, Lægeklinikken Søndergade
    - Mads Kjær, Praktiserende læge, Lægerne i Vestby
    - Peter Holm, Praktiserende læge, Lægerne i Østerå
- *Gæster*
    - Ida Nørgaard, Leder af PPR, PPR Fjordby, deltog under punkt 2.c
    - Ole Thomsen, Centerchef, Center for Mental Sundhed, deltog under punkt 2.d

**Afbud:** Sofie Brandt, Praktiserende læge, næstformand PLO-K, Lægehuset Havnegade
**Ej mødt:** Lars Mikkelsen, Praktiserende læge, Lægerne i Midtby"""


def test_cli_minutes_list_every_member_who_came_and_the_secretariat_apart(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    root = Path(__file__).resolve().parents[3] / "examples"
    early, late = ["--now", "2026-05-01T10:00"], ["--now", "2026-06-18T17:30"]
    setup = ["committee", "setup", "--name", "KLU", "--short-name", "KLU",
             "--secretariat-name", "Camilla Juul", "--secretariat-email",
             "camilla.juul@fjordby.dk", "--secretariat-phone", "+45 99 31 00 42"]  # fmt: skip
    assert main([*early, *setup]) == 0
    assert main([*early, "members", "import", str(root / "roster.csv")]) == 0
    assert main([*early, "meeting", "load", str(root / "meeting.yaml")]) == 0
    assert main([*early, "attendance", "attend", "Henrik Lund"]) == 0  # as »Jeg kommer« does
    assert main([*early, "attendance", "regrets", "Sofie Brandt"]) == 0
    assert main([*late, "minutes", "attendance", "1", "--no-show", "Lars Mikkelsen"]) == 0
    target = tmp_path / "referat.md"

    def people() -> str:
        assert main([*late, "minutes", "export", "1", "--format", "md", "-o", str(target)]) == 0
        md = "\n".join(line.rstrip() for line in target.read_text(encoding="utf-8").splitlines())
        return md[md.index("**Deltagere:**") : md.index("**Sagsnr./Dok.nr.:**")].strip()

    assert people() == "\n".join(
        [
            "**Deltagere:**\n",
            "- *Fjordby Kommune*",
            *MUNICIPAL,
            PEOPLE_AFTER_SIDES,
            "**Sekretariat:** Camilla Juul, Konsulent, Sundhed og Omsorg, Fjordby Kommune "
            "(+45 99 31 00 42, camilla.juul@fjordby.dk)",
        ]
    )

    # the committee may count its secretariat among the participants
    assert main([*early, *setup, "--secretariat-participates", "ja"]) == 0
    with_secretariat = [*MUNICIPAL[:3], CAMILLA, *MUNICIPAL[3:]]
    assert people() == "\n".join(
        [
            "**Deltagere:**\n",
            "- *Fjordby Kommune*",
            *with_secretariat,
            PEOPLE_AFTER_SIDES,
            "**Sekretariat:** Camilla Juul (+45 99 31 00 42, camilla.juul@fjordby.dk)",
        ]
    )
    assert main([*early, *setup]) == 0  # not given: the setting stays
    assert CAMILLA in people()
    assert main([*early, *setup, "--secretariat-participates", "nej"]) == 0
    assert CAMILLA not in people()
