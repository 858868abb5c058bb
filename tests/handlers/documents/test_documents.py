"""The published documents, read by independent readers: poppler's pdfinfo/pdftotext/pdffonts
for the PDF's tags, text and fonts, pikepdf for its catalogue, XMP and link targets, Python's
HTML parser for the page. Issue 16: the dagsorden and the referat, accessible, in the
municipality's layout.
"""

from __future__ import annotations

import html.parser
import io
import os
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
import yaml

from bot.domain import Section
from handlers.cli.main import main
from tests.pdf_struct import header_rows, headings, info, page_texts, structure

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
GOLDEN = Path(__file__).resolve().parents[2] / "golden"
EARLY, LATE = ["--now", "2026-05-01T10:00"], ["--now", "2026-06-18T17:30"]
SETUP = [
    "committee", "setup", "--name", "Kommunalt Lægeligt Udvalg", "--short-name", "KLU",
    "--unit", "Fjordby Kommune, Sundhed og Omsorg",
    "--place", "Rådhusgade 4, 2. sal, mødelokale 1",
    "--secretariat-name", "Camilla Juul", "--secretariat-email", "camilla.juul@fjordby.dk",
    "--secretariat-phone", "+45 99 31 00 42",
]  # fmt: skip


@pytest.fixture
def klu(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sample committee, roster and June meeting, through the real CLI."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    for name in list(os.environ):
        if name.startswith(("SLACK_", "SMTP_")):
            monkeypatch.delenv(name)
    for argv in (SETUP, ["members", "import", str(EXAMPLES / "roster.csv")],
                 ["meeting", "load", str(EXAMPLES / "meeting.yaml")]):  # fmt: skip
        assert main([*EARLY, *argv]) == 0


def export(tmp_path: Path, what: str, fmt: str, now: list[str] = EARLY) -> bytes:
    target = tmp_path / f"{what}.{fmt}"
    assert main([*now, what, "export", "1", "--format", fmt, "-o", str(target)]) == 0
    return target.read_bytes()


def hold_and_approve(capsys: pytest.CaptureFixture[str]) -> None:
    steps = [
        ["minutes", "record", "1", "2.a", "--outcome", "droeftet",
         "--beslutning", "Ændringen blev drøftet og tiltrådt."],
        ["minutes", "record", "1", "2.b", "--outcome", "godkendt",
         "--beslutning", "Sekretariatet sender vejledningen ud."],
        ["minutes", "attendance", "1", "--regrets", "sofie.brandt@plo-fjordby.dk",
         "--no-show", "lars.mikkelsen@plo-fjordby.dk"],
    ]  # fmt: skip
    for argv in steps:
        assert main([*LATE, *argv]) == 0, capsys.readouterr().err


def expected_headings() -> list[tuple[str, str]]:
    """H2/H3 of the sections and items, read from the meeting file itself."""
    meeting = yaml.safe_load((EXAMPLES / "meeting.yaml").read_text(encoding="utf-8"))
    names = {1: "Godkendelse af dagsorden", 2: "Punkter til behandling",
             3: "Orienteringspunkter", 4: "Eventuelt"}  # fmt: skip
    by_section: dict[int, list[str]] = {}
    for item in meeting["items"]:
        by_section.setdefault(int(item.get("section", 2)), []).append(item["title"])
    out: list[tuple[str, str]] = []
    for section in Section.ALL:
        titles = by_section.get(section, [])
        if not titles:
            continue
        if len(titles) == 1 and section in (1, 4):
            out.append(("H2", f"{section}. {titles[0]}"))
            continue
        out.append(("H2", f"{section}. {names[section]}"))
        out += [("H3", f"{section}.{chr(97 + i)} {t}") for i, t in enumerate(titles)]
    return out


def _levels_never_skip(found: list[tuple[str, str]]) -> None:
    level = 0
    for tag, text in found:
        new = int(tag[1])
        assert new <= level + 1, f"{tag} {text!r} comes after H{level}"
        level = new


@pytest.mark.parametrize("what", ["agenda", "minutes"])
def test_the_pdf_is_tagged_pdf_ua_in_danish_with_its_headings_in_order(
    klu: None, tmp_path: Path, what: str
) -> None:
    pdf = export(tmp_path, what, "pdf")
    meta = info(pdf)
    assert meta["Tagged"] == "yes"
    kind = "Dagsorden" if what == "agenda" else "Referat"
    assert meta["Title"] == f"{kind}: Møde i Kommunalt Lægeligt Udvalg 18. juni 2026"
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert str(doc.Root.Lang) == "da"
        assert doc.Root.MarkInfo.Marked is True
        assert doc.Root.ViewerPreferences.DisplayDocTitle is True
        xmp = doc.open_metadata()
        assert xmp["pdfuaid:part"] == "1"
        with doc.open_outline() as outline:
            bookmarks = [t.title for t in _flatten(outline.root)]
    tree = structure(pdf)
    found = headings(tree)
    assert [t for t in found if t[0] == "H1"] == [("H1", kind)]
    assert found[1] == ("H2", "Indholdsfortegnelse")
    numbered = re.compile(r"\d\.[a-z]? ")
    body = [h for h in found if h[0] in ("H2", "H3") and numbered.match(h[1])]
    assert body == expected_headings()
    _levels_never_skip(found)
    assert all(text in bookmarks for _, text in expected_headings())
    assert tree.find("L") and tree.find("LI") and tree.find("Table") and tree.find("TH")
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(r[-5] == "yes" for r in rows), fonts  # every font embedded
    assert "æ" in page_texts(pdf)[0] and "ø" in page_texts(pdf)[0]


def _flatten(items: list[pikepdf.OutlineItem]) -> list[pikepdf.OutlineItem]:
    out = []
    for item in items:
        out.append(item)
        out += _flatten(item.children)
    return out


def test_the_table_of_contents_gives_the_right_pages_as_links(klu: None, tmp_path: Path) -> None:
    pdf = export(tmp_path, "agenda", "pdf")
    pages = page_texts(pdf)
    assert len(pages) > 2  # the sample fills several pages, so page numbers mean something
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        index = {page.objgen: i for i, page in enumerate(doc.pages)}
        names = list(doc.Root.Names.Dests.Names)
        dests = {str(names[i]): index[names[i + 1][0].objgen] for i in range(0, len(names), 2)}
        links = [
            str(a.Dest)
            for page in doc.pages[:2]
            for a in page.get("/Annots", [])
            if a.Subtype == "/Link" and "/Dest" in a
        ]
    toc_page = next(i for i, text in enumerate(pages) if "Indholdsfortegnelse" in text)
    toc = " ".join(pages[toc_page : toc_page + 2])
    for number, title in [("2.c", "Procedure for lægeerklæringer"), ("3.b", "Orientering om")]:
        anchor = "punkt-" + number.replace(".", "-")
        assert anchor in links, f"no TOC link to {anchor}"
        page = dests[anchor]
        assert f"{number} {title}" in " ".join(pages[page].split()), (number, page)
        line = re.search(rf"{re.escape(number)} {re.escape(title)}[^\n]*?(\d+)\s*$", toc, re.M)
        if line is None:  # a long title wraps: the number ends the entry's last line
            after = toc[toc.index(f"{number} {title}") :]
            line = re.search(r"(\d+)\s*$", after.split("\n", 2)[0] + "\n" + after.split("\n")[1])
        assert line is not None and int(line.group(1)) == page + 1, (number, toc)
    for i, text in enumerate(pages):
        assert f"Side {i + 1} af {len(pages)}" in text


def test_a_draft_carries_the_udkast_mark_on_every_page_and_an_approved_one_does_not(
    klu: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agenda = page_texts(export(tmp_path, "agenda", "pdf"))
    assert all("UDKAST" in page for page in agenda)  # not called yet
    assert main([*EARLY, "invitations", "send"]) == 0
    called = page_texts(export(tmp_path, "agenda", "pdf"))
    assert not any("UDKAST" in page or "Udkast" in page for page in called)

    hold_and_approve(capsys)
    draft = page_texts(export(tmp_path, "minutes", "pdf", LATE))
    assert len(draft) > 1 and all("UDKAST" in page for page in draft)
    assert "Udkast: referatet er ikke godkendt endnu." in draft[0]
    assert main([*LATE, "minutes", "approve", "1"]) == 0
    approved = page_texts(export(tmp_path, "minutes", "pdf", LATE))
    assert not any("UDKAST" in page or "Udkast:" in page for page in approved)
    md = export(tmp_path, "minutes", "md", LATE).decode()
    assert "Udkast" not in md


def test_the_header_has_its_labels_in_a_column_and_people_one_per_line(
    klu: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hold_and_approve(capsys)
    rows = header_rows(structure(export(tmp_path, "minutes", "pdf", LATE)))
    assert list(rows) == [
        "Møde", "Tid", "Sted", "Deltagere", "Afbud", "Ej mødt", "Sekretariat", "Sagsnr./Dok.nr.",
    ]  # fmt: skip
    assert rows["Tid"] == ["torsdag 18. juni 2026 kl. 15:00–17:00"]
    people = rows["Deltagere"]
    assert people[0] == "Fjordby Kommune" and "PLO-K" in people and "Gæster" in people
    assert sum(1 for p in people if p == "PLO-K") == 1  # the side is said once, not per person
    assert "Line Dahl, Praktiserende læge, Lægeklinikken Søndergade" in people
    assert rows["Afbud"] == [
        "Sofie Brandt, Praktiserende læge, næstformand PLO-K, Lægehuset Havnegade"
    ]
    agenda = header_rows(structure(export(tmp_path, "agenda", "pdf", LATE)))
    guests = agenda["Deltagere"][agenda["Deltagere"].index("Gæster") + 1 :]
    assert guests == [
        "Ida Nørgaard, Leder af PPR, PPR Fjordby, punkt 2.c kl. 15:50–16:10",
        "Ole Thomsen, Centerchef, Center for Mental Sundhed, punkt 2.d kl. 16:10–16:25",
    ]


def test_outcome_and_decision_never_repeat_each_other(
    klu: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hold_and_approve(capsys)
    md = export(tmp_path, "minutes", "md", LATE).decode()
    assert "Ændringen blev drøftet og tiltrådt." in md
    assert "Punktet blev drøftet" not in md
    assert "Godkendt.\n\nSekretariatet sender vejledningen ud." in md


class _Outline(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""


@pytest.mark.parametrize("what", ["agenda", "minutes"])
def test_the_html_has_one_h1_landmarks_and_danish(klu: None, tmp_path: Path, what: str) -> None:
    parser = _Outline()
    parser.feed(export(tmp_path, what, "html").decode())
    assert parser.lang == "da"
    assert parser.tags.count("h1") == 1
    for landmark in ("header", "nav", "main"):
        assert parser.tags.count(landmark) == 1, landmark
    found = [(t.upper(), "") for t in parser.tags if re.fullmatch(r"h[1-6]", t)]
    _levels_never_skip(found)


SCENARIOS = {
    "dagsorden-kladde": ("agenda", False),
    "referat-godkendt": ("minutes", True),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_documents_match_their_golden_files(
    klu: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], scenario: str, fmt: str
) -> None:
    """KLU_UPDATE_GOLDEN=1 rewrites the files; review the diff before committing it."""
    what, approved = SCENARIOS[scenario]
    if approved:
        hold_and_approve(capsys)
        assert main([*LATE, "minutes", "approve", "1"]) == 0
    got = export(tmp_path, what, fmt, LATE if approved else EARLY).decode()
    golden = GOLDEN / f"{scenario}.{fmt}"
    if os.environ.get("KLU_UPDATE_GOLDEN") == "1":
        golden.write_text(got, encoding="utf-8")
    assert got == golden.read_text(encoding="utf-8")
