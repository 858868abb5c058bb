"""Committee setup: create, update by short name, refuse bad time zones and hours."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.errors import InputError, NotFoundError
from bot.people import committees
from handlers.bootstrap import Container
from tests.conftest import SAMPLE_COMMITTEE
from tests.dbdump import dump


def test_create_then_update_by_short_name(container: Container) -> None:
    created = committees.setup_committee(container.uow(), SAMPLE_COMMITTEE)
    assert created.id is not None
    updated = committees.setup_committee(
        container.uow(),
        replace(SAMPLE_COMMITTEE, short_name="klu", default_place="Byrådssalen", default_end="16"),
    )
    assert updated.id == created.id
    with container.uow() as uow:
        [only] = uow.committees.list()
    assert only.default_place == "Byrådssalen"
    assert only.default_end == "16:00"
    assert only.name == "Kommunalt Lægeligt Udvalg"
    assert only.timezone == "Europe/Copenhagen"


def test_text_is_trimmed_and_email_lowercased(container: Container) -> None:
    committee = committees.setup_committee(
        container.uow(),
        replace(
            SAMPLE_COMMITTEE, name="  KLU Nord  ", secretariat_email=" Camilla.Juul@Fjordby.dk "
        ),
    )
    assert committee.name == "KLU Nord"
    assert committee.secretariat_email == "camilla.juul@fjordby.dk"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"timezone": "Europe/Kobenhavn"}, "Tidszonen »Europe/Kobenhavn« kendes ikke"),
        ({"timezone": ""}, "Tidszonen »« kendes ikke"),
        ({"timezone": "../../etc/passwd"}, "kendes ikke"),
        ({"default_start": "25:00"}, "»25:00« er ikke et klokkeslæt"),
        ({"default_end": "kl. fem"}, "»kl. fem« er ikke et klokkeslæt"),
        ({"default_start": "17:00", "default_end": "15:00"}, "skal ligge efter starttiden"),
        ({"default_start": "15:00", "default_end": "15:00"}, "skal ligge efter starttiden"),
        ({"name": "   "}, "Udvalgets navn mangler"),
        ({"short_name": ""}, "Udvalgets kortnavn mangler"),
        ({"short_name": "x" * 51}, "Udvalgets kortnavn er for lang"),
        ({"secretariat_email": "camilla"}, "ikke en gyldig e-mailadresse"),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(
    container: Container, db_url: str, change: dict[str, str], message: str
) -> None:
    committees.setup_committee(container.uow(), SAMPLE_COMMITTEE)
    before = dump(db_url)
    with pytest.raises(InputError, match=message):
        committees.setup_committee(container.uow(), replace(SAMPLE_COMMITTEE, **change))
    assert dump(db_url) == before


def test_find_committee(container: Container) -> None:
    with container.uow() as uow, pytest.raises(NotFoundError, match="ikke oprettet noget udvalg"):
        committees.find_committee(uow, None)
    committees.setup_committee(container.uow(), SAMPLE_COMMITTEE)
    committees.setup_committee(container.uow(), replace(SAMPLE_COMMITTEE, short_name="FU"))
    with container.uow() as uow:
        assert committees.find_committee(uow, "fu").short_name == "FU"
        with pytest.raises(InputError, match="flere udvalg"):
            committees.find_committee(uow, None)
        with pytest.raises(NotFoundError, match="Udvalget »XX« findes ikke"):
            committees.find_committee(uow, "XX")


def test_a_channel_serves_one_committee(container: Container) -> None:
    klu = committees.setup_committee(
        container.uow(), replace(SAMPLE_COMMITTEE, slack_channel_id="C1")
    )
    fu = committees.setup_committee(container.uow(), replace(SAMPLE_COMMITTEE, short_name="FU"))
    assert fu.id is not None and klu.id is not None
    committees.bind_channel(container.uow(), fu.id, "C1")
    with container.uow() as uow:
        assert uow.committees.by_channel("C1") is not None
        assert uow.committees.by_channel("C1").short_name == "FU"  # type: ignore[union-attr]
        assert uow.committees.get(klu.id).slack_channel_id is None  # type: ignore[union-attr]
    # updating the committee without naming a channel keeps the binding
    committees.setup_committee(container.uow(), replace(SAMPLE_COMMITTEE, short_name="FU"))
    with container.uow() as uow:
        assert uow.committees.get(fu.id).slack_channel_id == "C1"  # type: ignore[union-attr]
