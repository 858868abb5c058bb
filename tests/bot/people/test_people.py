"""Roster import into the database: idempotent by e-mail, all rows or none, roles over time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot import texts
from bot.domain import Role
from bot.errors import InputError, NotFoundError, PermissionDeniedError
from bot.messaging import recipients
from bot.people import committees
from bot.people import roster as people
from handlers.bootstrap import Container
from tests.conftest import EXAMPLES, SAMPLE_COMMITTEE
from tests.dbdump import dump

TODAY = date(2026, 5, 1)
ROSTER = (EXAMPLES / "roster.csv").read_bytes()


@pytest.fixture
def klu(container: Container) -> Container:
    committees.setup_committee(container.uow(), SAMPLE_COMMITTEE)
    return container


def _people(c: Container) -> dict[str, people.RosterEntry]:
    with c.uow() as uow:
        committee = committees.find_committee(uow, None)
        return {e.person.email or "": e for e in people.roster(uow, committee, TODAY)}


def test_import_of_the_sample_roster(klu: Container) -> None:
    report = people.import_roster(klu.uow(), ROSTER, today=TODAY)
    assert report == people.RosterImport(created=14, updated=0, unchanged=0)
    entries = _people(klu)
    assert len(entries) == 14
    karen = entries["karen.ostergaard@fjordby.dk"]
    assert karen.person.name == "Karen Munk Østergaard"
    assert karen.role == Role.CHAIR
    assert karen.person.side == "Fjordby Kommune"
    assert karen.person.phone == "+45 99 31 00 01"
    assert entries["henrik.lund@plo-fjordby.dk"].role == Role.VICE_CHAIR
    assert entries["camilla.juul@fjordby.dk"].role == Role.SECRETARY
    assert entries["anne.vestergaard@fjordby.dk"].role == Role.GP_CONSULTANT
    assert entries["mads.kjaer@plo-fjordby.dk"].person.organisation == "Lægerne i Vestby"


def test_second_import_changes_nothing(klu: Container, db_url: str) -> None:
    people.import_roster(klu.uow(), ROSTER, today=TODAY)
    before = dump(db_url)
    report = people.import_roster(klu.uow(), ROSTER, today=TODAY + timedelta(days=3))
    assert report == people.RosterImport(created=0, updated=0, unchanged=14)
    assert dump(db_url) == before


ENCODINGS = {
    "utf-8": ROSTER.decode("utf-8").encode("utf-8"),
    "utf-8 with BOM": b"\xef\xbb\xbf" + ROSTER,
    "windows-1252": ROSTER.decode("utf-8").encode("cp1252"),
    "comma, English headers": (
        "name,email,slack_id,organization,title,side,role,phone\n"
        + "\n".join(
            ",".join(f'"{cell}"' for cell in line.split(";"))
            for line in ROSTER.decode("utf-8").splitlines()[1:]
        )
    )
    .replace('"næstformand"', '"vice-chair"')
    .replace('"sekretær"', '"secretary"')
    .encode("utf-8"),
}


@pytest.mark.parametrize("variant", ENCODINGS)
def test_the_same_roster_in_any_encoding_or_dialect_is_the_same_people(
    klu: Container, variant: str
) -> None:
    people.import_roster(klu.uow(), ROSTER, today=TODAY)
    report = people.import_roster(klu.uow(), ENCODINGS[variant], today=TODAY)
    assert report == people.RosterImport(created=0, updated=0, unchanged=14)
    assert _people(klu)["karen.ostergaard@fjordby.dk"].person.name == "Karen Munk Østergaard"


def test_changed_title_is_an_update(klu: Container) -> None:
    people.import_roster(klu.uow(), ROSTER, today=TODAY)
    changed = ROSTER.replace(
        "Chef for Beskæftigelse".encode(), "Direktør for Beskæftigelse".encode()
    )
    report = people.import_roster(klu.uow(), changed, today=TODAY)
    assert report == people.RosterImport(created=0, updated=1, unchanged=13)
    assert _people(klu)["maria.skov@fjordby.dk"].person.title == "Direktør for Beskæftigelse"


def test_e_mail_matches_case_insensitively(klu: Container) -> None:
    people.import_roster(klu.uow(), ROSTER, today=TODAY)
    shouting = ROSTER.replace(b"maria.skov@fjordby.dk", b"Maria.Skov@FJORDBY.dk")
    report = people.import_roster(klu.uow(), shouting, today=TODAY)
    assert report.created == 0


def test_changed_role_closes_the_old_membership_and_opens_a_new_one(klu: Container) -> None:
    people.import_roster(klu.uow(), ROSTER, today=TODAY)
    later = TODAY + timedelta(days=30)
    promoted = ROSTER.replace(
        "Lægehuset Havnegade;Praktiserende læge, næstformand PLO-K;PLO-K;medlem".encode(),
        "Lægehuset Havnegade;Praktiserende læge, næstformand PLO-K;PLO-K;næstformand".encode(),
    )
    report = people.import_roster(klu.uow(), promoted, today=later)
    assert report == people.RosterImport(created=0, updated=1, unchanged=13)
    with klu.uow() as uow:
        sofie = uow.people.by_email("sofie.brandt@plo-fjordby.dk")
        assert sofie is not None and sofie.id is not None
        history = sorted(uow.memberships.for_person(sofie.id), key=lambda m: m.active_from)
        committee = committees.find_committee(uow, None)
        assert people.role_of(uow, committee, sofie, later) == Role.VICE_CHAIR
        assert people.role_of(uow, committee, sofie, later - timedelta(days=1)) == Role.MEMBER
        entries = people.roster(uow, committee, later)
    assert [(m.role, m.active_from, m.active_to) for m in history] == [
        (Role.MEMBER, TODAY, later - timedelta(days=1)),
        (Role.VICE_CHAIR, later, None),
    ]
    # on the day of the change the person is listed once, with the new role
    sofies = [e for e in entries if e.person.email == "sofie.brandt@plo-fjordby.dk"]
    assert [e.role for e in sofies] == [Role.VICE_CHAIR]


def test_role_changed_on_the_day_of_import_keeps_one_membership(klu: Container) -> None:
    people.import_roster(klu.uow(), ROSTER, today=TODAY)
    fixed = ROSTER.replace(
        "Midtby;Praktiserende læge;PLO-K;medlem".encode(),
        "Midtby;Praktiserende læge;PLO-K;næstformand".encode(),
    )
    assert fixed != ROSTER
    report = people.import_roster(klu.uow(), fixed, today=TODAY)
    assert report == people.RosterImport(created=0, updated=1, unchanged=13)
    with klu.uow() as uow:
        lars = uow.people.by_email("lars.mikkelsen@plo-fjordby.dk")
        assert lars is not None and lars.id is not None
        active = [m for m in uow.memberships.for_person(lars.id) if m.is_active(TODAY)]
    assert [m.role for m in active] == [Role.VICE_CHAIR]


ROW_ERRORS = (
    "navn;email;rolle\n"
    "Ny Person;ny.person@fjordby.dk;medlem\n"
    ";uden.navn@fjordby.dk;medlem\n"
    "Forkert Mail;ikke-en-mail;medlem\n"
    "Ukendt Rolle;rolle@fjordby.dk;kejser\n"
)


def test_row_errors_are_all_reported_and_nothing_is_imported(klu: Container, db_url: str) -> None:
    people.import_roster(klu.uow(), ROSTER, today=TODAY)
    before = dump(db_url)
    with pytest.raises(InputError) as caught:
        people.import_roster(klu.uow(), ROW_ERRORS.encode(), today=TODAY)
    message = caught.value.message
    assert message.startswith(texts.ROSTER_ERRORS_MANY.format(count=3))
    assert "Linje 3: navnet mangler" in message
    assert "Linje 4: »ikke-en-mail« er ikke en gyldig e-mailadresse" in message
    assert "Linje 5: ukendt rolle »kejser«" in message
    assert dump(db_url) == before
    assert len(before["people"]) == 14


def test_slack_id_owned_by_someone_else_refuses_the_whole_file(klu: Container, db_url: str) -> None:
    people.import_roster(klu.uow(), b"navn;email;slack_id\nA;a@fjordby.dk;U0AAA\n", today=TODAY)
    before = dump(db_url)
    data = b"navn;email;slack_id\nNy;ny@fjordby.dk;\nB;b@fjordby.dk;U0AAA\n"
    with pytest.raises(InputError, match="Linje 3: Slack-id'et U0AAA tilhører allerede A"):
        people.import_roster(klu.uow(), data, today=TODAY)
    assert dump(db_url) == before


def test_too_long_field_is_a_row_error_not_a_crash(klu: Container, db_url: str) -> None:
    before = dump(db_url)
    data = f"navn;email;titel\nA;a@fjordby.dk;{'x' * 201}\n".encode()
    with pytest.raises(InputError, match="Linje 2"):
        people.import_roster(klu.uow(), data, today=TODAY)
    assert dump(db_url) == before


def test_import_without_a_committee_is_refused(container: Container) -> None:
    with pytest.raises(NotFoundError, match="ikke oprettet noget udvalg"):
        people.import_roster(container.uow(), ROSTER, today=TODAY)


def test_guest_rows_are_on_the_roster_as_guests_not_members(klu: Container) -> None:
    data = "navn;email;rolle\nGæst Gæstesen;gaest@fjordby.dk;gæst\n".encode()
    assert people.import_roster(klu.uow(), data, today=TODAY).created == 1
    assert _people(klu)["gaest@fjordby.dk"].role == Role.GUEST
    with klu.uow() as uow:
        committee = committees.find_committee(uow, None)
        invited = {p.email for p in recipients.members(uow, committee, TODAY)}
    assert "gaest@fjordby.dk" not in invited


def test_find_person_by_email_or_unique_name(klu: Container) -> None:
    people.import_roster(klu.uow(), ROSTER, today=TODAY)
    with klu.uow() as uow:
        assert people.find_person(uow, "THOMAS.BACH@fjordby.dk").name == "Thomas Bach"
        assert people.find_person(uow, " thomas bach ").email == "thomas.bach@fjordby.dk"
        for ref in ("", "   ", "Ukendt Person", "ukendt@fjordby.dk"):
            with pytest.raises(NotFoundError, match="findes ikke i medlemslisten"):
                people.find_person(uow, ref)


def test_require_secretary(klu: Container) -> None:
    people.import_roster(klu.uow(), ROSTER, today=TODAY)
    with klu.uow() as uow:
        committee = committees.find_committee(uow, "KLU")
        camilla = people.find_person(uow, "camilla.juul@fjordby.dk")
        mads = people.find_person(uow, "mads.kjaer@plo-fjordby.dk")
        people.require_secretary(uow, committee, camilla, TODAY, "bygge dagsordenen")
        with pytest.raises(PermissionDeniedError, match="kun sekretariatet, der kan bygge"):
            people.require_secretary(uow, committee, mads, TODAY, "bygge dagsordenen")
