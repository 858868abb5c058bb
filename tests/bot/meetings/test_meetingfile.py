"""The meeting file (YAML): the sample loads; each mistake is one clear Danish error; no writes."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import KluError
from bot.meetings.meeting_file import load_meeting
from bot.meetings.timeplan import find_item, item_number, ordered_items
from bot.people import committees
from bot.people import roster as people
from handlers.bootstrap import Container
from tests.conftest import EXAMPLES, SAMPLE_COMMITTEE
from tests.dbdump import dump

SAMPLE = (EXAMPLES / "meeting.yaml").read_bytes()


@pytest.fixture
def klu(container: Container) -> Container:
    committees.setup_committee(container.uow(), SAMPLE_COMMITTEE)
    people.import_roster(
        container.uow(), (EXAMPLES / "roster.csv").read_bytes(), today=container.clock().date()
    )
    return container


def _load(c: Container, data: bytes | str) -> Any:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    with c.uow() as uow:
        committee = committees.find_committee(uow, None)
    return load_meeting(c.uow(), committee, raw, now=c.clock())


def test_the_sample_file_loads_whole(klu: Container) -> None:
    meeting = _load(klu, SAMPLE)
    with klu.uow() as uow:
        stored = uow.meetings.get(meeting.id)
        ida = uow.people.by_email("ida.norgaard@fjordby.dk")
    assert stored is not None and ida is not None
    assert stored.title == "Møde i Kommunalt Lægeligt Udvalg"
    assert (stored.case_no, stored.doc_no) == ("2026-004280", "2026-004280-5")
    assert [item_number(stored, i) for i in ordered_items(stored)] == [
        "1.", "2.a", "2.b", "2.c", "2.d", "2.e", "3.a", "3.b", "4.",
    ]  # fmt: skip
    assert (ida.organisation, ida.title) == ("PPR Fjordby", "Leder af PPR")
    assert [g.person_id for g in find_item(stored, "2.c").guests] == [ida.id]
    assert find_item(stored, "2.a").attachments[0].url == "https://fjordby.dk/klu/kommissorium.pdf"
    assert "afsluttende fase" in find_item(stored, "2.a").sagsbeskrivelse


MINIMAL = "when: 17. september 2026 kl. 15-17\n"


def test_minimal_file_gets_the_default_sections(klu: Container) -> None:
    meeting = _load(klu, MINIMAL + "items:\n  - title: Et punkt\n")
    numbers = [(item_number(meeting, i), i.title) for i in ordered_items(meeting)]
    assert numbers == [("1.", "Godkendelse af dagsorden"), ("2.a", "Et punkt"), ("4.", "Eventuelt")]
    assert find_item(meeting, "2.a").planned_minutes == 15


def test_items_are_kept_in_file_order_within_a_section(klu: Container) -> None:
    doc = (
        MINIMAL
        + "items:\n  - {title: B, section: 3}\n  - {title: A, section: 2}\n"
        + "  - {title: C, section: 3}\n"
    )
    meeting = _load(klu, doc)
    assert [(item_number(meeting, i), i.title) for i in ordered_items(meeting)][1:4] == [
        ("2.a", "A"), ("3.a", "B"), ("3.b", "C"),
    ]  # fmt: skip


BAD_FILES = {
    "unknown top key": (MINIMAL + "sted: Rådhuset\n", "Ukendte felter i mødefilen: sted"),
    "unknown item key": (
        MINIMAL + "items:\n  - title: A\n    varighed: 10\n",
        "Ukendte felter i punkt nr. 1 under »items«: varighed",
    ),
    "unknown guest key": (
        MINIMAL + "guests:\n  - {name: A, email: a@fjordby.dk, mobil: 1}\n",
        "Ukendte felter i »guests«: mobil",
    ),
    "missing when": ("place: Rådhuset\n", "Mødefilen mangler »when:«"),
    "empty when": ("when:\n", "Mødefilen mangler »when:«"),
    "bad yaml": (
        MINIMAL + "items:\n  - title: [A\n  - title: B\n",
        "fejl i YAML-formatet omkring linje",
    ),
    "tab indentation": (MINIMAL + "items:\n\t- title: A\n", "fejl i YAML-formatet omkring linje 3"),
    "not a mapping": ("- when: 17/9\n", "skal bestå af felter"),
    "empty file": ("", "skal bestå af felter"),
    "guest without e-mail": (
        MINIMAL + "guests:\n  - name: Ida\n",
        "Gæsten »Ida« mangler en gyldig e-mailadresse",
    ),
    "guest with bad e-mail": (
        MINIMAL + "guests:\n  - {name: Ida, email: ida@}\n",
        "Gæsten »Ida« mangler en gyldig e-mailadresse",
    ),
    "guest without name": (MINIMAL + "guests:\n  - email: ny@fjordby.dk\n", "Navnet mangler"),
    "guests not a list": (MINIMAL + "guests: ida@fjordby.dk\n", "»guests« skal være en liste"),
    "item title empty": (
        MINIMAL + "items:\n  - title: '   '\n",
        "punkt nr. 1 under »items«: Punktets titel mangler",
    ),
    "item title missing": (
        MINIMAL + "items:\n  - {title: A}\n  - minutes: 5\n",
        "punkt nr. 2 under »items«: Punktets titel mangler",
    ),
    "item title too long": (
        MINIMAL + f"items:\n  - title: {'x' * 501}\n",
        "Punktets titel er for lang",
    ),
    "item not a mapping": (
        MINIMAL + "items:\n  - Et punkt\n",
        "punkt nr. 1 under »items« skal have felter",
    ),
    "items not a list": (MINIMAL + "items: Et punkt\n", "»items« skal være en liste"),
    "bad section": (MINIMAL + "items:\n  - {title: A, section: 5}\n", "Afsnit 5 findes ikke"),
    "section not a number": (
        MINIMAL + "items:\n  - {title: A, section: to}\n",
        "Afsnit to findes ikke",
    ),
    "infinite section": (
        MINIMAL + "items:\n  - {title: A, section: .inf}\n",
        "Afsnit inf findes ikke",
    ),
    "bad minutes": (
        MINIMAL + "items:\n  - {title: A, minutes: et kvarter}\n",
        "Varigheden »et kvarter«",
    ),
    "unknown guest on item": (
        MINIMAL + "items:\n  - {title: A, guests: [nogen@fjordby.dk]}\n",
        "Personen »nogen@fjordby.dk« findes ikke",
    ),
    "attachment without name": (
        MINIMAL + "items:\n  - title: A\n    attachments:\n      - url: https://x.dk\n",
        "Et bilag i punkt nr. 1 under »items« skal have »name:«",
    ),
    "past meeting": ("when: 1. april 2026 kl. 15-17\n", "er allerede passeret"),
    "impossible date": ("when: 31. juni 2026 kl. 15-17\n", "ikke en gyldig dato"),
    "not utf-8": ("when: 17. september 2026\nplace: Rådhuset\n".encode("cp1252"), "UTF-8"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_one_clear_error_and_stores_nothing(
    klu: Container, db_url: str, case: str
) -> None:
    data, message = BAD_FILES[case]
    # a valid guest before the mistake must not be stored either
    before = dump(db_url)
    with pytest.raises(KluError) as caught:
        _load(klu, data)
    assert message in caught.value.message
    assert "\n" not in caught.value.message
    assert "Traceback" not in caught.value.message
    assert dump(db_url) == before


def test_loading_the_same_file_twice_is_refused(klu: Container, db_url: str) -> None:
    _load(klu, SAMPLE)
    before = dump(db_url)
    with pytest.raises(KluError, match=r"allerede et møde torsdag 18\. juni 2026 kl\. 15:00–17:00"):
        _load(klu, SAMPLE)
    assert dump(db_url) == before


def test_referat_and_beslutning_may_be_prepared(klu: Container) -> None:
    doc = MINIMAL + "items:\n  - {title: A, referat: '- drøftet', beslutning: Godkendt.}\n"
    item = find_item(_load(klu, doc), "2.a")
    assert (item.referat, item.beslutning) == ("- drøftet", "Godkendt.")


def test_guests_before_a_mistake_are_not_stored(klu: Container, db_url: str) -> None:
    before = dump(db_url)
    doc = MINIMAL + "guests:\n  - {name: Ny Gæst, email: ny@fjordby.dk}\nitems:\n  - {title: ''}\n"
    with pytest.raises(KluError):
        _load(klu, doc)
    assert dump(db_url) == before


def test_yaml_syntax_error_names_the_line(klu: Container) -> None:
    with pytest.raises(KluError, match="omkring linje 4"):
        _load(klu, MINIMAL + "items:\n  - title: A\n   minutes: 5\n")


# --- properties --------------------------------------------------------------------------------

KEYS = ["title", "when", "place", "case_no", "doc_no", "items", "guests", "section", "minutes",
        "presenter", "name", "email", "attachments", "url", "x"]  # fmt: skip
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["17/9 kl. 15-17", "2026-09-17 15:00", "ida.norgaard@fjordby.dk", "2", "4"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)
    ),
    max_leaves=20,
)
documents = st.dictionaries(st.sampled_from(KEYS), values, max_size=6)


def _outcome(c: Container, data: bytes) -> None:
    """Loads, or raises a KluError with a message; anything else fails the test."""
    message = "loaded"
    try:
        _load(c, data)
    except KluError as error:
        message = error.message
    assert message.strip()


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(documents)
def test_any_structured_file_loads_or_raises_klu_error(klu: Container, doc: dict[str, Any]) -> None:
    _outcome(klu, yaml.safe_dump(doc, allow_unicode=True).encode("utf-8"))


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.one_of(st.binary(max_size=200), st.text(max_size=200).map(lambda t: t.encode("utf-8"))))
def test_any_bytes_load_or_raise_klu_error(klu: Container, data: bytes) -> None:
    _outcome(klu, data)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(documents)
def test_a_refused_file_changes_nothing(klu: Container, db_url: str, doc: dict[str, Any]) -> None:
    before = dump(db_url)
    try:
        _load(klu, yaml.safe_dump({**doc, "items": [{"title": ""}]}).encode("utf-8"))
    except KluError:
        pass
    else:  # pragma: no cover - an empty title is always refused
        raise AssertionError("an empty item title was accepted")
    assert dump(db_url) == before
