"""The `klu-bot` command line, as a real subprocess and in-process through main(argv)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from handlers.cli.main import main
from tests.conftest import EXAMPLES
from tests.dbdump import dump

KLU_BOT = Path(sys.executable).parent / "klu-bot"
NOW = ["--now", "2026-05-01T10:00"]
SETUP = [
    "committee", "setup", "--name", "Kommunalt Lægeligt Udvalg", "--short-name", "KLU",
    "--unit", "Fjordby Kommune, Sundhed og Omsorg", "--place", "Rådhusgade 4, 2. sal, mødelokale 1",
    "--secretariat-name", "Camilla Juul", "--secretariat-email", "camilla.juul@fjordby.dk",
]  # fmt: skip
ROSTER = str(EXAMPLES / "roster.csv")
MEETING = str(EXAMPLES / "meeting.yaml")
TIME_PLAN = """Tidsplan
15:00–15:05  1. Godkendelse af dagsorden
15:05–15:30  2.a Drøftelse af kommissorium for samarbejde og digital kommunikation mellem børne- og ungeområdet og almen praksis
15:30–15:50  2.b Godkendelse af vejledning for samarbejdet mellem almen praksis og rusmiddelafsnittet
15:50–16:10  2.c Procedure for lægeerklæringer ved elever i reduceret skema
16:10–16:25  2.d Henvisninger fra almen praksis til nye tilbud i Center for Mental Sundhed
16:25–16:35  2.e Den kommunale praksiskonsulent, status og opgaver
16:35–16:45  3.a Orientering om ændring af ordningen om faste lægehuse tilknyttet plejehjem
16:45–16:55  3.b Orientering om strategi for rehabilitering i forhold til medicinhåndtering
16:55–17:00  4. Eventuelt"""  # noqa: E501


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


# --- as a real process ---------------------------------------------------------------------------


def klu_bot(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SMTP_"))}
    env["DATABASE_URL"] = url
    return subprocess.run(
        [str(KLU_BOT), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture(scope="module")
def done_when(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, list[str]]:
    """A fresh database after setup, roster import and meeting load, each as a real process."""
    url = _sqlite_url(tmp_path_factory.mktemp("cli"))
    outputs = []
    for argv in (
        [*NOW, *SETUP],
        [*NOW, "members", "import", ROSTER],
        [*NOW, "meeting", "load", MEETING],
    ):
        result = klu_bot(url, *argv)
        assert (result.returncode, result.stderr) == (0, ""), result.stderr
        outputs.append(result.stdout)
    return url, outputs


def test_done_when_fresh_db_roster_and_meeting_file_show_the_time_plan(
    done_when: tuple[str, list[str]],
) -> None:
    _, (setup, roster, loaded) = done_when
    assert setup == "Udvalget Kommunalt Lægeligt Udvalg (KLU) er gemt.\n"
    assert roster == "Medlemslisten er indlæst: 14 nye, 0 opdaterede, 0 uændrede.\n"
    assert loaded.startswith("Møde nr. 1 er oprettet.\n\nMøde i Kommunalt Lægeligt Udvalg\n")
    assert loaded.rstrip().endswith(TIME_PLAN)
    assert "Ida Nørgaard (PPR Fjordby), deltager under punkt 2.c" in loaded
    assert "Advarsel" not in loaded


def test_an_error_is_one_line_on_stderr_and_changes_nothing(
    done_when: tuple[str, list[str]],
) -> None:
    url, _ = done_when
    before = dump(url)
    result = klu_bot(url, *NOW, "meeting", "create", "31. februar 2027 kl. 15-17")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "fejl: »31. februar 2027« er ikke en gyldig dato. "
        "Skriv fx »17. september 2026 kl. 15-17« eller »17/9 15:00-17:00«."
    ]
    assert dump(url) == before


def test_a_usage_error_is_one_danish_line(tmp_path: Path) -> None:
    result = klu_bot(_sqlite_url(tmp_path), "committee", "setup", "--name", "KLU")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("fejl: ") and "--short-name" in line and "--help" in line
    assert "Traceback" not in result.stderr


# --- in-process -------------------------------------------------------------------------------

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Run:
    """Call main(argv) with DATABASE_URL set; returns (exit code, stdout, stderr)."""
    monkeypatch.setenv("DATABASE_URL", _sqlite_url(tmp_path))
    for name in list(os.environ):
        if name.startswith(("SLACK_", "SMTP_")):
            monkeypatch.delenv(name)

    def call(*argv: str) -> tuple[int, str, str]:
        try:
            code = main(list(argv))
        except SystemExit as exit_:
            code = int(exit_.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return call


def ok(run: Run, *argv: str) -> str:
    code, out, err = run(*NOW, *argv)
    assert (code, err) == (0, ""), err
    return out


@pytest.fixture(scope="module")
def klu_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Setup, roster and the sample meeting through main(), once; each test gets a copy."""
    path = tmp_path_factory.mktemp("klu") / "cli.db"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", f"sqlite:///{path}")
        for argv in (SETUP, ["members", "import", ROSTER], ["meeting", "load", MEETING]):
            assert main([*NOW, *argv]) == 0
    return path


@pytest.fixture
def klu(run: Run, tmp_path: Path, klu_template: Path) -> Run:
    shutil.copyfile(klu_template, tmp_path / "cli.db")
    return run


def test_meeting_show_lays_out_the_meeting_like_the_minutes(klu: Run) -> None:
    out = ok(klu, "meeting", "show")
    assert out == ok(klu, "meeting", "show", "1")
    lines = out.splitlines()
    assert lines[:6] == [
        "Møde i Kommunalt Lægeligt Udvalg",
        "Fjordby Kommune, Sundhed og Omsorg",
        "Tid: torsdag 18. juni 2026 kl. 15:00–17:00",
        "Sted: Rådhusgade 4, 2. sal, mødelokale 1",
        "Sagsnr./Dok.nr.: 2026-004280 / 2026-004280-5",
        "Status: kladde",
    ]
    assert "  PLO-K: Henrik Lund (Lægerne i Nørreby), Lars Mikkelsen (Lægerne i Midtby), " in out
    assert "  2.c Procedure for lægeerklæringer ved elever i reduceret skema" in lines
    # guests see their own slot, as the domain asks ("deltager under punkt 2.c")
    assert "  Ida Nørgaard (PPR Fjordby), deltager under punkt 2.c (kl. 15:50–16:10)" in lines
    assert (
        "  Ole Thomsen (Center for Mental Sundhed), deltager under punkt 2.d (kl. 16:10–16:25)"
        in lines
    )
    at = lines.index("    Sagsbeskrivelse:")
    assert lines[at - 1].startswith("    Indstilling: Børn og Familie indstiller")
    assert lines[at + 1].startswith("      Projektet om bedre koordinering")
    assert "    Bilag: Kommissorium (udkast) (https://fjordby.dk/klu/kommissorium.pdf)" in lines
    assert out.rstrip().endswith(TIME_PLAN)


def test_members_list(klu: Run) -> None:
    out = ok(klu, "members", "list").splitlines()
    assert out[0] == "Medlemmer af Kommunalt Lægeligt Udvalg"
    assert len(out) == 15
    assert "Camilla Juul — sekretær, Fjordby Kommune <camilla.juul@fjordby.dk>" in out
    assert "Henrik Lund — næstformand, Lægerne i Nørreby <henrik.lund@plo-fjordby.dk>" in out


def test_second_roster_import_is_idempotent(klu: Run) -> None:
    assert ok(klu, "members", "import", ROSTER).strip() == (
        "Medlemslisten er indlæst: 0 nye, 0 opdaterede, 14 uændrede."
    )


def test_meeting_create_and_list(klu: Run) -> None:
    out = ok(klu, "meeting", "create", "17/9 15:00-17:00", "--case-no", "2026-009999")
    assert out.startswith("Møde nr. 2 er oprettet.\n\nMøde i Kommunalt Lægeligt Udvalg\n")
    assert "15:00–15:05  1. Godkendelse af dagsorden" in out
    assert "15:05–15:15  4. Eventuelt" in out
    ok(klu, "meeting", "create", "2026-09-24 15:00")
    listed = ok(klu, "meeting", "list").splitlines()
    assert listed == [
        "#1  torsdag 18. juni 2026 kl. 15:00–17:00  Møde i Kommunalt Lægeligt Udvalg [kladde]",
        "#2  torsdag 17. september 2026 kl. 15:00–17:00  Møde i Kommunalt Lægeligt Udvalg [kladde]",
        "#3  torsdag 24. september 2026 kl. 15:00–17:00  Møde i Kommunalt Lægeligt Udvalg [kladde]",
    ]


def test_agenda_add_move_remove(klu: Run) -> None:
    out = ok(
        klu, "agenda", "add", "--title", "Sårbare gravide", "--minutes", "10",
        "--presenter", "Jonas Friis", "--guest", "ole.thomsen@fjordby.dk",
        "--attachment", "Notat=https://fjordby.dk/notat.pdf",
    )  # fmt: skip
    assert "  2.f Sårbare gravide" in out
    assert "Ole Thomsen (Center for Mental Sundhed), deltager under punkt 2.d, 2.f" in out
    assert "16:35–16:45  2.f Sårbare gravide" in out
    assert "Advarsel: tidsplanen går 10 min. over mødets sluttid (17:00)." in out
    out = ok(klu, "agenda", "move", "2.f", "--section", "3", "--position", "1", "--meeting", "1")
    assert "  3.a Sårbare gravide" in out and "  3.c Orientering om strategi" in out
    out = ok(klu, "agenda", "remove", "3.a")
    assert "Sårbare gravide" not in out and "Advarsel" not in out
    assert out.rstrip().endswith(TIME_PLAN)


def test_topic_add_list_note_schedule_withdraw(klu: Run) -> None:
    added = ok(
        klu, "topic", "add", "Samarbejde om hjemmebesøg",
        "--by", "mads.kjaer@plo-fjordby.dk", "--origin", "KLU-møde 19. marts",
    )  # fmt: skip
    assert added.strip() == "Emnet er sat på bruttolisten som #1."
    ok(klu, "--now", "2026-05-03T09:00", "topic", "add", "Vaccination", "--by", "Camilla Juul")
    assert ok(klu, "topic", "note", "#1", "afstemmes med Tina Marie").strip() == (
        "Noten er gemt på emne #1."
    )
    assert ok(klu, "topic", "list").splitlines() == [
        "Bruttoliste for Kommunalt Lægeligt Udvalg",
        "#1 [åben] Samarbejde om hjemmebesøg — foreslået af Mads Kjær 1. maj 2026 "
        "(KLU-møde 19. marts)",
        "    Note: afstemmes med Tina Marie",
        "#2 [åben] Vaccination — foreslået af Camilla Juul 3. maj 2026",
    ]
    out = ok(klu, "topic", "schedule", "1", "--section", "3", "--minutes", "5")
    assert "  3.c Samarbejde om hjemmebesøg" in out
    assert ok(klu, "topic", "withdraw", "2", "--reason", "klaret").strip() == (
        "Emne #2 er trukket tilbage."
    )
    listed = ok(klu, "topic", "list")
    assert "Vaccination" not in listed and "[planlagt] Samarbejde" in listed
    assert "#2 [trukket tilbage] Vaccination" in ok(klu, "topic", "list", "--all")
    ok(klu, "agenda", "remove", "3.c")
    assert "#1 [åben] Samarbejde" in ok(klu, "topic", "list")


def test_committee_setup_changes_only_the_fields_it_is_given(klu: Run, tmp_path: Path) -> None:
    def committee() -> dict[str, object]:
        with sqlite3.connect(tmp_path / "cli.db") as db:
            db.row_factory = sqlite3.Row
            return dict(db.execute("SELECT * FROM committees").fetchone())

    ok(klu, "committee", "setup", "--short-name", "KLU", "--start", "14", "--end", "16:30")
    before = committee()
    assert (before["default_start"], before["default_end"]) == ("14:00", "16:30")
    assert before["default_place"] == "Rådhusgade 4, 2. sal, mødelokale 1"
    out = ok(
        klu, "committee", "setup", "--short-name", "KLU",
        "--secretariat-name", "Sekretariatet for KLU", "--secretariat-email", "klu@fjordby.dk",
    )  # fmt: skip
    assert out == "Udvalget Kommunalt Lægeligt Udvalg (KLU) er gemt.\n"
    after = committee()
    changed = {key for key in after if after[key] != before[key]}
    assert changed == {"secretariat_name", "secretariat_email"}
    code, _, err = klu(*NOW, "committee", "setup", "--short-name", "NYT", "--place", "Byrådssalen")
    assert code != 0 and "Giv det et navn med --name" in err
    assert committee() == after


def test_committee_option_picks_the_committee(klu: Run) -> None:
    ok(
        klu,
        "committee",
        "setup",
        "--name",
        "Følgegruppe",
        "--short-name",
        "FU",
        "--start",
        "9",
        "--end",
        "11",
    )
    code, _, err = klu(*NOW, "meeting", "list")
    assert (
        code == 1
        and err
        == "fejl: Der er flere udvalg. Angiv hvilket med --committee (fx --committee KLU).\n"
    )
    out = ok(klu, "--committee", "FU", "meeting", "create", "17/9")
    assert "Tid: torsdag 17. september 2026 kl. 09:00–11:00" in out
    assert len(ok(klu, "--committee", "KLU", "meeting", "list").splitlines()) == 1


ERRORS = [
    (
        ["meeting", "create", "18. juni 2026 kl. 16-18"],
        "fejl: Der er allerede et møde torsdag 18. juni 2026 kl. 15:00–17:00 (nr. 1)",
    ),
    (["meeting", "create", "1/4 2026 kl. 15-17"], "er allerede passeret"),
    (["meeting", "create", "12 13"], "kan betyde flere ting"),
    (["meeting", "create", "28. marts 2027 kl. 2:30"], "findes ikke 28. marts"),
    (["meeting", "show", "99"], "fejl: Mødet »99« findes ikke."),
    (["meeting", "load", "/nonexistent.yaml"], "fejl: Filen »/nonexistent.yaml« kan ikke læses."),
    (["members", "import", "/nonexistent.csv"], "kan ikke læses"),
    (["agenda", "add", "--title", "   "], "fejl: Punktets titel mangler."),
    (["agenda", "add", "--title", "X", "--section", "5"], "Afsnit 5 findes ikke"),
    (
        ["agenda", "add", "--title", "X", "--guest", "ukendt@fjordby.dk"],
        "»ukendt@fjordby.dk« findes ikke",
    ),
    (["agenda", "add", "--title", "X", "--meeting", "7"], "Mødet »7« findes ikke"),
    (["agenda", "move", "2.z", "--position", "1"], "Punkt »2.z« findes ikke"),
    (["agenda", "move", "2.a", "--section", "9"], "Afsnit 9 findes ikke"),
    (["agenda", "remove", "femte"], "ikke et punktnummer"),
    (["topic", "add", " ", "--by", "Mads Kjær"], "Emnets tekst mangler"),
    (["topic", "add", "x" * 2001, "--by", "Mads Kjær"], "for lang (2001 tegn)"),
    (["topic", "add", "Emne", "--by", "Ukendt Person"], "Personen »Ukendt Person« findes ikke"),
    (["topic", "note", "42", "note"], "Emnet »42« findes ikke"),
    (["topic", "schedule", "42"], "Emnet »42« findes ikke"),
    (["topic", "withdraw", "x"], "Emnet »x« findes ikke"),
    (
        ["committee", "setup", "--name", "U", "--short-name", "U", "--timezone", "Mars/Olympus"],
        "Tidszonen »Mars/Olympus« kendes ikke",
    ),
    (
        ["committee", "setup", "--name", "U", "--short-name", "U", "--start", "17", "--end", "15"],
        "skal ligge efter starttiden",
    ),
    (["--committee", "XX", "meeting", "list"], "Udvalget »XX« findes ikke"),
    (["--now", "i morgen", "meeting", "list"], "ikke et gyldigt tidspunkt"),
]


@pytest.mark.parametrize(("argv", "message"), ERRORS, ids=[" ".join(a)[:40] for a, _ in ERRORS])
def test_errors_exit_non_zero_with_one_line_and_change_nothing(
    klu: Run, tmp_path: Path, argv: list[str], message: str
) -> None:
    before = dump(_sqlite_url(tmp_path))
    code, out, err = klu(*NOW, *argv)
    assert code == 1
    assert out == ""
    assert len(err.splitlines()) == 1, err
    assert err.startswith("fejl: ") and message in err
    assert dump(_sqlite_url(tmp_path)) == before


def test_a_bad_roster_lists_its_bad_rows_and_imports_nothing(klu: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("navn;email\nNy Person;ny@fjordby.dk\n;mangler@fjordby.dk\nX;ikke-en-mail\n")
    before = dump(_sqlite_url(tmp_path))
    code, out, err = klu(*NOW, "members", "import", str(bad))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "fejl: Filen blev ikke indlæst, fordi 2 linjer har fejl. Ingen personer er gemt.",
        "Ret fejlene i filen, og prøv igen:",
        "• Linje 3: navnet mangler.",
        "• Linje 4: »ikke-en-mail« er ikke en gyldig e-mailadresse.",
    ]
    assert dump(_sqlite_url(tmp_path)) == before


def test_a_bad_meeting_file_is_one_line_and_stores_nothing(klu: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("when: 17/9 kl. 15-17\nitems:\n  - title: A\n  - title: ''\n", encoding="utf-8")
    before = dump(_sqlite_url(tmp_path))
    code, out, err = klu(*NOW, "meeting", "load", str(bad))
    assert (code, out) == (1, "")
    assert err == "fejl: Fejl i punkt nr. 2 under »items«: Punktets titel mangler.\n"
    assert dump(_sqlite_url(tmp_path)) == before


def test_usage_errors_are_one_line(run: Run) -> None:
    for argv in (
        ["agenda", "add"],
        ["agenda", "add", "--title", "X", "--section", "to"],
        ["meeting", "nope"],
    ):
        code, _, err = run(*argv)
        assert code == 2
        assert len(err.splitlines()) == 1, err
        assert err.startswith("fejl: ")


def test_a_database_that_cannot_be_opened_is_one_line_naming_database_url(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'no' / 'such' / 'dir' / 'x.db'}")
    code, out, err = run("meeting", "list")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        "fejl: Databasen i DATABASE_URL kan ikke nås: unable to open database file"
    ]


def test_db_upgrade_on_a_fresh_database_and_help(run: Run, tmp_path: Path) -> None:
    code, out, err = run("db", "upgrade")
    assert (code, out, err) == (0, "Databasen er opdateret til nyeste skema.\n", "")
    tables = dump(_sqlite_url(tmp_path))
    assert {"committees", "people", "meetings", "agenda_items", "topics"} <= set(tables)
    assert tables["committees"] == []
    code, out, _ = run("--help")
    assert code == 0
    assert "udvalg" in out and "--committee" in out and "--now" in out
