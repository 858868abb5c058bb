"""The sample bruttoliste imports all or nothing, keeps proposer, date and origin, and a second
import adds nothing."""

from __future__ import annotations

import pytest

from bot.domain import Committee
from bot.errors import InputError
from bot.people.committees import find_committee
from bot.topics.importing import import_topics
from bot.topics.proposals import list_topics
from handlers.bootstrap import Container
from tests.conftest import CPH, EXAMPLES, FakeClock


def _committee(c: Container) -> Committee:
    with c.uow() as uow:
        return find_committee(uow, None)


def test_sample_bruttoliste_imports_once(sample: Container, clock: FakeClock) -> None:
    data = (EXAMPLES / "bruttoliste.csv").read_bytes()
    report = import_topics(sample.uow(), _committee(sample), data, now=clock())
    assert (report.added, report.skipped) == (5, 0)
    again = import_topics(sample.uow(), _committee(sample), data, now=clock())
    assert (again.added, again.skipped) == (0, 5)
    with sample.uow() as uow:
        topics = list_topics(uow, _committee(sample))
        henrik = uow.people.by_email("henrik.lund@plo-fjordby.dk")
    assert len(topics) == 5
    first = topics[0]
    assert first.proposed_at.astimezone(CPH).date().isoformat() == "2026-03-19"
    retningslinjer = next(t for t in topics if t.text.startswith("Fælles"))
    assert henrik is not None and retningslinjer.proposer_id == henrik.id
    assert retningslinjer.note == "afstemmes med Maria Skov"
    assert retningslinjer.origin == "Mødet 19. marts"


@pytest.mark.parametrize(
    "content",
    [
        b"emne;forslagsstiller\nGodt emne;henrik.lund@plo-fjordby.dk\nAndet;ukendt@x.dk\n",
        b"emne;forslagsstiller;dato\nGodt emne;henrik.lund@plo-fjordby.dk;30. februar 2026\n",
        b"emne;forslagsstiller\n   ;henrik.lund@plo-fjordby.dk\n",
        b"titel;navn\nx;y\n",
        b"",
    ],
)
def test_a_bad_file_adds_nothing(sample: Container, clock: FakeClock, content: bytes) -> None:
    with pytest.raises(InputError) as err:
        import_topics(sample.uow(), _committee(sample), content, now=clock())
    assert err.value.message
    with sample.uow() as uow:
        assert list_topics(uow, _committee(sample)) == []
