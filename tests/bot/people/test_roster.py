"""Tests for bot/roster.py: roster CSV parsing."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import texts
from bot.errors import InputError
from bot.people.roster_file import (
    ROLES,
    RosterError,
    RosterRow,
    decode_roster,
    is_valid_email,
    parse_role,
    parse_roster_csv,
)

DANISH_HEADER = "navn;email;slack_id;organisation;titel;side;rolle;telefon"
ENGLISH_HEADER = "Name,E-mail,Slack ID,Organization,Title,Side,Role,Phone"


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def roster_error(data: bytes) -> RosterError:
    with pytest.raises(RosterError) as excinfo:
        parse_roster_csv(data)
    return excinfo.value


# --- happy paths ---------------------------------------------------------------------------------


def test_semicolon_file_with_danish_headers() -> None:
    data = csv_bytes(
        DANISH_HEADER,
        "Jens Hansen;Jens.Hansen@Aalborg.dk;U012AB3CD;Aalborg Kommune;Overlæge;"
        "Aalborg Kommune;Formand;+45 12 34 56 78",
        "Mette Jensen;mj@plo.dk;;PLO;;PLO-K;;",
    )
    assert parse_roster_csv(data) == [
        RosterRow(
            line=2,
            name="Jens Hansen",
            email="jens.hansen@aalborg.dk",
            slack_id="U012AB3CD",
            organisation="Aalborg Kommune",
            title="Overlæge",
            side="Aalborg Kommune",
            role="formand",
            phone="+45 12 34 56 78",
        ),
        RosterRow(
            line=3,
            name="Mette Jensen",
            email="mj@plo.dk",
            slack_id=None,
            organisation="PLO",
            title=None,
            side="PLO-K",
            role="medlem",
            phone=None,
        ),
    ]


def test_comma_file_with_english_headers() -> None:
    data = csv_bytes(
        ENGLISH_HEADER,
        "Jane Doe,jane@example.org,W0ABC,Region Nordjylland,GP,PLO-K,Vice-Chair,98 76 54 32",
    )
    [row] = parse_roster_csv(data)
    assert row.name == "Jane Doe"
    assert row.slack_id == "W0ABC"
    assert row.organisation == "Region Nordjylland"
    assert row.role == "naestformand"
    assert row.phone == "98 76 54 32"


@pytest.mark.parametrize(
    ("name_header", "email_header"),
    [("navn", "email"), ("Name", "E-mail"), ("  NAVN ", " Mail "), ("name", "EMAIL")],
)
def test_name_and_email_header_aliases(name_header: str, email_header: str) -> None:
    [row] = parse_roster_csv(csv_bytes(f"{name_header};{email_header}", "A;a@b.dk"))
    assert (row.name, row.email) == ("A", "a@b.dk")


@pytest.mark.parametrize(
    ("header", "field", "value"),
    [
        ("slack_id", "slack_id", "U123"),
        ("Slack ID", "slack_id", "U123"),
        ("slack-id", "slack_id", "U123"),
        ("SLACK", "slack_id", "U123"),
        ("organisation", "organisation", "PLO"),
        ("Organization", "organisation", "PLO"),
        ("org", "organisation", "PLO"),
        ("Titel", "title", "Overlæge"),
        ("title", "title", "Overlæge"),
        ("Side", "side", "PLO-K"),
        ("Rolle", "role", "formand"),
        ("role", "role", "formand"),
        ("Telefon", "phone", "12345678"),
        ("phone", "phone", "12345678"),
        ("Tlf", "phone", "12345678"),
        ("Tlf.", "phone", "12345678"),
    ],
)
def test_optional_header_aliases(header: str, field: str, value: str) -> None:
    [row] = parse_roster_csv(csv_bytes(f"navn;email;{header}", f"A;a@b.dk;{value}"))
    assert getattr(row, field) == value


def test_column_order_is_free_and_unknown_columns_are_ignored() -> None:
    data = csv_bytes(
        "Bemærkning;Rolle;E-mail;Fødselsdag;Navn", "hej;gæst;g@x.dk;1.1.1970;Gæst Gæstesen"
    )
    [row] = parse_roster_csv(data)
    assert (row.name, row.email, row.role) == ("Gæst Gæstesen", "g@x.dk", "gaest")
    assert row.slack_id is None
    assert row.organisation is None


def test_utf8_with_and_without_bom_and_cp1252_give_same_rows() -> None:
    text = "navn;email;rolle;side\nSøren Æbelø;soren@aa.dk;Sekretær;Ålborg Kommune\n"
    plain = parse_roster_csv(text.encode("utf-8"))
    with_bom = parse_roster_csv(text.encode("utf-8-sig"))
    windows = parse_roster_csv(text.encode("cp1252"))
    assert plain == with_bom == windows
    assert plain[0].name == "Søren Æbelø"
    assert plain[0].side == "Ålborg Kommune"
    assert plain[0].role == "sekretaer"


def test_decode_roster() -> None:
    assert decode_roster("æøå".encode()) == "æøå"
    assert decode_roster("\ufeffæøå".encode()) == "æøå"
    assert decode_roster("æøå ÆØÅ".encode("cp1252")) == "æøå ÆØÅ"
    assert decode_roster(b"") == ""


def test_decode_roster_rejects_bytes_that_are_neither_utf8_nor_cp1252() -> None:
    with pytest.raises(RosterError) as excinfo:
        decode_roster(b"\x81\x8d")
    assert excinfo.value.message == texts.ROSTER_NOT_TEXT


def test_quoted_fields_with_delimiters_quotes_and_newlines() -> None:
    data = csv_bytes(
        "navn;email;titel;organisation",
        '"Hansen; Jens";jh@x.dk;"Overlæge, ""speciallæge""";"Aalborg',
        'Kommune"',
        "Anne;anne@x.dk;;",
    )
    rows = parse_roster_csv(data)
    assert rows[0].name == "Hansen; Jens"
    assert rows[0].title == 'Overlæge, "speciallæge"'
    assert rows[0].organisation == "Aalborg Kommune"  # a value is one line (issue 13.5)
    # Line numbers are physical lines: the quoted newline makes Anne line 4.
    assert [r.line for r in rows] == [2, 4]


def test_comma_file_with_quoted_commas() -> None:
    data = csv_bytes("name,email,organisation", '"Doe, Jane",jane@x.dk,"PLO, Nordjylland"')
    [row] = parse_roster_csv(data)
    assert (row.name, row.organisation) == ("Doe, Jane", "PLO, Nordjylland")


def test_delimiter_is_sniffed_from_the_header_not_the_data() -> None:
    # Header is ';'-separated; the data contains commas that must stay inside fields.
    data = csv_bytes("navn;email;titel", "Jensen, Jens;jj@x.dk;Læge, ph.d.")
    [row] = parse_roster_csv(data)
    assert (row.name, row.title) == ("Jensen, Jens", "Læge, ph.d.")
    # And vice versa.
    data = csv_bytes("name,email,title", "Jens; Jensen,jj@x.dk,a;b")
    [row] = parse_roster_csv(data)
    assert (row.name, row.title) == ("Jens; Jensen", "a;b")


def test_excel_sep_line_is_honoured() -> None:
    data = csv_bytes("sep=,", "name,email", "Jens,jj@x.dk")
    [row] = parse_roster_csv(data)
    assert (row.line, row.name) == (3, "Jens")


def test_whitespace_is_stripped_and_empty_optionals_become_none() -> None:
    data = csv_bytes(
        DANISH_HEADER,
        "  Jens  ;  JJ@X.DK  ;  U123  ;   ;\u00a0;  PLO-K ;  medlem  ;  +45 1234 5678  ",
    )
    [row] = parse_roster_csv(data)
    assert row == RosterRow(
        line=2,
        name="Jens",
        email="jj@x.dk",
        slack_id="U123",
        organisation=None,
        title=None,
        side="PLO-K",
        role="medlem",
        phone="+45 1234 5678",
    )


def test_blank_lines_and_excel_empty_rows_are_skipped() -> None:
    data = csv_bytes("", "navn;email", "", "A;a@x.dk", ";", ";;  ;", "", "B;b@x.dk", ";;;")
    rows = parse_roster_csv(data)
    assert [(r.line, r.name) for r in rows] == [(4, "A"), (8, "B")]


def test_short_rows_are_padded_and_long_rows_ignored() -> None:
    data = csv_bytes("navn;email;rolle;telefon", "A;a@x.dk", "B;b@x.dk;gæst;123;extra;more")
    rows = parse_roster_csv(data)
    assert (rows[0].role, rows[0].phone) == ("medlem", None)
    assert (rows[1].role, rows[1].phone) == ("gaest", "123")


def test_lf_and_cr_line_endings() -> None:
    for newline in ("\n", "\r\n", "\r"):
        data = newline.join(["navn;email", "A;a@x.dk", "B;b@x.dk"]).encode()
        assert [r.line for r in parse_roster_csv(data)] == [2, 3]


# --- roles ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("formand", "formand"),
        ("Chair", "formand"),
        ("næstformand", "naestformand"),
        ("NÆSTFORMAND", "naestformand"),
        ("naestformand", "naestformand"),
        ("vice-chair", "naestformand"),
        ("Vicechair", "naestformand"),
        ("sekretær", "sekretaer"),
        ("Sekretaer", "sekretaer"),
        ("secretary", "sekretaer"),
        ("medlem", "medlem"),
        ("Member", "medlem"),
        ("", "medlem"),
        ("   ", "medlem"),
        ("praksiskonsulent", "praksiskonsulent"),
        ("GP consultant", "praksiskonsulent"),
        ("gp  consultant", "praksiskonsulent"),
        ("consultant", "praksiskonsulent"),
        ("gæst", "gaest"),
        ("GÆST", "gaest"),
        ("gaest", "gaest"),
        ("guest", "gaest"),
        ("  Gæst  ", "gaest"),
        ("vice chair", "naestformand"),
        ("næstformand.", None),
        ("boss", None),
    ],
)
def test_parse_role(value: str, code: str | None) -> None:
    assert parse_role(value) == code
    if code is not None:
        assert code in ROLES


def test_role_column_in_file() -> None:
    data = csv_bytes(
        "navn;email;rolle",
        "A;a@x.dk;Formand",
        "B;b@x.dk;Næstformand",
        "C;c@x.dk;Sekretær",
        "D;d@x.dk;",
        "E;e@x.dk;Praksiskonsulent",
        "F;f@x.dk;Gæst",
    )
    assert [r.role for r in parse_roster_csv(data)] == list(
        ("formand", "naestformand", "sekretaer", "medlem", "praksiskonsulent", "gaest")
    )


# --- e-mail check --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "email", ["a@b.dk", "first.last@sub.domain.dk", "a+tag@x.co", "æ@ø.dk", "a_b-c@x-y.dk"]
)
def test_valid_emails(email: str) -> None:
    assert is_valid_email(email)


@pytest.mark.parametrize(
    "email",
    [
        "plain",
        "a@b",
        "@b.dk",
        "a@@b.dk",
        "a@b@c.dk",
        "a b@c.dk",
        "a@b .dk",
        "a@.dk",
        "a@b.",
        "a@b..dk",
    ],
)
def test_invalid_emails(email: str) -> None:
    assert not is_valid_email(email)


# --- row errors ----------------------------------------------------------------------------------


def test_empty_name() -> None:
    error = roster_error(csv_bytes("navn;email", "  ;a@x.dk"))
    assert error.errors == [
        texts.ROSTER_ROW_ERROR.format(line=2, problems=texts.ROSTER_EMPTY_NAME),
    ]


def test_missing_email() -> None:
    error = roster_error(csv_bytes("navn;email", "Jens;  "))
    assert error.errors == ["Linje 2: e-mailadressen mangler."]


def test_invalid_email_names_line_and_value() -> None:
    error = roster_error(csv_bytes("navn;email", "Jens;jens at x.dk"))
    assert error.errors == ["Linje 2: »jens at x.dk« er ikke en gyldig e-mailadresse."]


def test_duplicate_email_names_both_lines_case_insensitively() -> None:
    error = roster_error(csv_bytes("navn;email", "A;a@x.dk", "B;b@x.dk", "C; A@X.DK "))
    assert error.errors == ["Linje 4: e-mailadressen a@x.dk står også på linje 2."]


def test_duplicate_slack_id_names_both_lines() -> None:
    error = roster_error(csv_bytes("navn;email;slack_id", "A;a@x.dk;U111", "B;b@x.dk;U111"))
    assert error.errors == ["Linje 3: Slack-id'et U111 står også på linje 2."]


@pytest.mark.parametrize("slack_id", ["u123", "X123", "U1", "U12-3", "@jens", "U12 3"])
def test_invalid_slack_id(slack_id: str) -> None:
    error = roster_error(csv_bytes("navn;email;slack", f"A;a@x.dk;{slack_id}"))
    assert len(error.errors) == 1
    assert error.errors[0].startswith("Linje 2: ")
    assert f"»{slack_id}« er ikke et gyldigt Slack-id" in error.errors[0]


@pytest.mark.parametrize("slack_id", ["U12", "W0ABC", "U012AB3CD"])
def test_valid_slack_ids(slack_id: str) -> None:
    [row] = parse_roster_csv(csv_bytes("navn;email;slack", f"A;a@x.dk;{slack_id}"))
    assert row.slack_id == slack_id


def test_unknown_role() -> None:
    error = roster_error(csv_bytes("navn;email;rolle", "A;a@x.dk;Borgmester"))
    assert len(error.errors) == 1
    assert error.errors[0].startswith("Linje 2: ukendt rolle »Borgmester«")


def test_all_errors_are_reported_together_and_nothing_is_returned() -> None:
    data = csv_bytes(
        "navn;email;slack_id;rolle",
        "Good;good@x.dk;U100;formand",
        ";a@x.dk;;",
        "B;;;",
        "C;not-an-email;;",
        "D;GOOD@x.dk;;",
        "E;e@x.dk;U100;",
        "F;f@x.dk;u100;",
        "G;g@x.dk;;chef",
        "Also good;ok@x.dk;;gæst",
        ";bad;x;chef",
    )
    error = roster_error(data)
    assert error.errors == [
        "Linje 3: navnet mangler.",
        "Linje 4: e-mailadressen mangler.",
        "Linje 5: »not-an-email« er ikke en gyldig e-mailadresse.",
        "Linje 6: e-mailadressen good@x.dk står også på linje 2.",
        "Linje 7: Slack-id'et U100 står også på linje 2.",
        texts.ROSTER_ROW_ERROR.format(
            line=8, problems=texts.ROSTER_INVALID_SLACK_ID.format(slack_id="u100")
        ),
        texts.ROSTER_ROW_ERROR.format(
            line=9, problems=texts.ROSTER_UNKNOWN_ROLE.format(role="chef")
        ),
        texts.ROSTER_ROW_ERROR.format(
            line=11,
            problems="; ".join(
                [
                    texts.ROSTER_EMPTY_NAME,
                    texts.ROSTER_INVALID_EMAIL.format(email="bad"),
                    texts.ROSTER_INVALID_SLACK_ID.format(slack_id="x"),
                    texts.ROSTER_UNKNOWN_ROLE.format(role="chef"),
                ]
            ),
        ),
    ]
    assert isinstance(error, InputError)
    assert error.message.startswith(texts.ROSTER_ERRORS_MANY.format(count=8))
    for line in error.errors:
        assert f"• {line}" in error.message


def test_single_error_summary() -> None:
    error = roster_error(csv_bytes("navn;email", ";a@x.dk"))
    assert error.message.startswith(texts.ROSTER_ERRORS_ONE)


def test_long_error_list_is_truncated_in_message_but_complete_in_errors() -> None:
    lines = ["navn;email"] + [f";p{i}@x.dk" for i in range(40)]
    error = roster_error(csv_bytes(*lines))
    assert len(error.errors) == 40
    assert error.message.endswith(texts.ROSTER_ERRORS_MORE.format(count=15))


# --- file-level errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\xef\xbb\xbf",
        b"\r\n\r\n",
        b"navn;email\r\n",
        b"navn;email",
        b"navn;email\r\n;\r\n\r\n;;\r\n",
        b"sep=;\r\nnavn;email\r\n",
    ],
)
def test_empty_or_header_only_file(data: bytes) -> None:
    error = roster_error(data)
    assert error.errors == [texts.ROSTER_NO_PEOPLE]
    assert "filen indeholder ingen personer" in error.message.lower()


def test_missing_name_and_email_columns() -> None:
    error = roster_error(csv_bytes("fornavn;adresse", "Jens;Vej 1"))
    assert len(error.errors) == 1
    assert "»navn« og »email«" in error.message
    assert "linje 1" in error.message


def test_missing_email_column_only() -> None:
    error = roster_error(csv_bytes("navn;telefon", "Jens;123"))
    assert "»email«" in error.message
    assert "»navn«" not in error.message


def test_file_without_header_is_rejected() -> None:
    error = roster_error(csv_bytes("Jens Hansen;jh@x.dk;formand"))
    assert "»navn« og »email«" in error.message


def test_duplicate_column_is_rejected() -> None:
    error = roster_error(csv_bytes("navn;email;e-mail", "A;a@x.dk;b@x.dk"))
    assert error.errors == [
        texts.ROSTER_DUPLICATE_COLUMN.format(
            line=1, column=texts.ROSTER_COLUMN_LABELS["email"], headers="»email«, »e-mail«"
        )
    ]


def test_oversized_field_is_a_roster_error() -> None:
    data = b'navn;email\r\n"' + b"x" * (csv.field_size_limit() + 10) + b'";a@x.dk\r\n'
    error = roster_error(data)
    assert error.errors == [texts.ROSTER_NOT_CSV]


# --- properties ----------------------------------------------------------------------------------


def _outcome(data: bytes) -> list[RosterRow] | RosterError:
    """Rows, or the RosterError raised; any other exception propagates and fails the test."""
    try:
        return parse_roster_csv(data)
    except RosterError as error:
        return error


def _check_outcome(outcome: list[RosterRow] | RosterError) -> None:
    if isinstance(outcome, RosterError):
        assert isinstance(outcome, InputError)
        assert outcome.errors
        assert outcome.message
    else:
        assert outcome
        assert all(isinstance(row, RosterRow) for row in outcome)
        assert all(row.role in ROLES for row in outcome)


@settings(max_examples=500)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_either_parse_or_raise_roster_error(data: bytes) -> None:
    _check_outcome(_outcome(data))


@settings(max_examples=300)
@given(st.lists(st.text(alphabet=st.sampled_from('navmeilrosk_;,"\n\r @.U1æ\ufeff'), max_size=30)))
def test_csv_like_text_either_parses_or_raises_roster_error(lines: list[str]) -> None:
    _check_outcome(_outcome("\n".join(["navn;email;slack;rolle", *lines]).encode()))


# Characters that survive a cp1252 round trip and never form valid UTF-8 by accident.
_CELL_ALPHABET = st.sampled_from(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:-+'\"\r\næøåÆØÅ"
)
_ROLE_SPELLINGS = st.sampled_from(
    [
        *("formand", "Chair", "Næstformand", "vicechair", "sekretær", "Secretary", "", "Member"),
        *("praksiskonsulent", "GP Consultant", "Gæst", "guest"),
    ]
)


@st.composite
def _people(draw: st.DrawFn) -> list[dict[str, str]]:
    count = draw(st.integers(min_value=1, max_value=6))
    emails = draw(
        st.lists(
            st.from_regex(r"[a-zA-Z0-9._]{1,8}@[a-z0-9]{1,6}\.[a-z]{2,3}", fullmatch=True),
            min_size=count,
            max_size=count,
            unique_by=str.lower,
        )
    )
    slack_ids = draw(
        st.lists(
            st.from_regex(r"[UW][A-Z0-9]{2,9}", fullmatch=True),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    people = []
    for email, slack_id in zip(emails, slack_ids, strict=True):
        people.append(
            {
                "name": draw(st.text(_CELL_ALPHABET, min_size=1).filter(lambda s: s.strip())),
                "email": email,
                "slack_id": draw(st.sampled_from([slack_id, ""])),
                "organisation": draw(st.text(_CELL_ALPHABET, max_size=10)),
                "title": draw(st.text(_CELL_ALPHABET, max_size=10)),
                "side": draw(st.text(_CELL_ALPHABET, max_size=10)),
                "role": draw(_ROLE_SPELLINGS),
                "phone": draw(st.text(_CELL_ALPHABET, max_size=10)),
            }
        )
    return people


@settings(max_examples=200)
@given(
    _people(),
    st.sampled_from([";", ","]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    st.booleans(),
)
def test_written_roster_round_trips(
    people: list[dict[str, str]], delimiter: str, encoding: str, danish: bool
) -> None:
    fields = ["name", "email", "slack_id", "organisation", "title", "side", "role", "phone"]
    danish_names = ["Navn", "E-mail", "Slack ID", "Organisation", "Titel", "Side", "Rolle", "Tlf"]
    english_names = ["Name", "Email", "Slack", "Organization", "Title", "Side", "Role", "Phone"]
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(danish_names if danish else english_names)
    for person in people:
        writer.writerow([person[f] for f in fields])

    rows = parse_roster_csv(buffer.getvalue().encode(encoding))

    assert len(rows) == len(people)
    line = lambda value: " ".join(value.split())  # noqa: E731 - cells are one line
    for row, person in zip(rows, people, strict=True):
        assert row.name == line(person["name"])
        assert row.email == person["email"].lower()
        assert row.slack_id == (person["slack_id"] or None)
        assert row.organisation == (line(person["organisation"]) or None)
        assert row.title == (line(person["title"]) or None)
        assert row.side == (line(person["side"]) or None)
        assert row.phone == (line(person["phone"]) or None)
        assert row.role == parse_role(person["role"])
    assert [r.line for r in rows] == sorted(r.line for r in rows)


# --- files as secretaries have them, through the real `klu-bot members import` ------------------

KLU_BOT = Path(sys.executable).parent / "klu-bot"


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SMTP_", "MAIL_"))}
    env["DATABASE_URL"] = url
    return subprocess.run(
        [str(KLU_BOT), *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.fixture
def klu_db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'klu.db'}"
    setup = _cli(
        url, "committee", "setup", "--name", "Kommunalt Lægeligt Udvalg", "--short-name", "KLU"
    )
    assert setup.returncode == 0, setup.stderr
    return url


def _import(
    url: str, tmp_path: Path, data: bytes, name: str = "medlemmer.csv"
) -> tuple[int, str, str]:
    path = tmp_path / name
    path.write_bytes(data)
    result = _cli(url, "members", "import", str(path))
    return result.returncode, result.stdout, result.stderr


def test_a_bom_followed_by_windows_1252_text_gives_the_right_names(
    klu_db: str, tmp_path: Path
) -> None:
    data = (
        b"\xef\xbb\xbf"
        + "navn;email;organisation\r\nSøren Ærø;soeren@fjordby.dk;Lægehuset Å\r\n".encode("cp1252")
    )
    code, out, err = _import(klu_db, tmp_path, data)
    assert (code, err) == (0, ""), err
    assert "1 ny" in out
    listed = _cli(klu_db, "members", "list").stdout
    assert "Søren Ærø — medlem, Lægehuset Å <soeren@fjordby.dk>" in listed


def test_utf8_lines_and_windows_1252_lines_in_one_file_both_come_out_right(
    klu_db: str, tmp_path: Path
) -> None:
    data = "navn;email\r\nSøren Ærø;soeren@fjordby.dk\r\n".encode(
        "utf-8-sig"
    ) + "Åse Møller;aase@fjordby.dk\r\n".encode("cp1252")
    code, _, err = _import(klu_db, tmp_path, data)
    assert (code, err) == (0, ""), err
    listed = _cli(klu_db, "members", "list").stdout
    assert "Søren Ærø" in listed and "Åse Møller" in listed


def test_an_unclosed_quote_is_reported_at_its_line_and_nothing_is_imported(
    klu_db: str, tmp_path: Path
) -> None:
    data = (
        "navn;email;titel\r\n"
        "Henrik Lund;henrik@plo.dk;Læge\r\n"
        '"Sofie Brandt;sofie@plo.dk;Læge\r\n'
        "Mads Kjær;mads@plo.dk;Læge\r\n"
        "Line Dahl;ikke-en-adresse;Læge\r\n"
    ).encode()
    code, out, err = _import(klu_db, tmp_path, data)
    assert (code, out) == (1, "")
    assert "Linje 3: et felt begynder med et anførselstegn" in err
    assert "Linje 5: »ikke-en-adresse« er ikke en gyldig e-mailadresse" in err  # not swallowed
    assert "Linje 4" not in err
    assert "Traceback" not in err
    assert "Henrik Lund" not in _cli(klu_db, "members", "list").stdout


def test_an_excel_workbook_is_told_to_be_saved_as_csv(klu_db: str, tmp_path: Path) -> None:
    book = io.BytesIO()
    with zipfile.ZipFile(book, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    code, out, err = _import(klu_db, tmp_path, book.getvalue(), name="medlemmer.xlsx")
    assert (code, out) == (1, "")
    assert err.splitlines() == ["fejl: " + texts.ROSTER_SPREADSHEET]
    assert "CSV" in texts.ROSTER_SPREADSHEET and "Gem som" in texts.ROSTER_SPREADSHEET
