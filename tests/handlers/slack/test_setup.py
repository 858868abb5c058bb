"""Setting up a committee from Slack, over real HTTP: the whole form, pre-filled; who may
create or change a committee (an administrator from KLU_ADMINS, a secretary, or the first
user of a fresh installation); and items with sagsbeskrivelse and bilag from the item form,
shown in /klu dagsorden, the calling and the minutes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from bot.config import load_settings
from bot.domain import Role
from bot.minutes.document import to_markdown
from bot.minutes.minutes_file import load_doc
from bot.people.committees import find_committee, settings_of, setup_committee
from bot.people.roster import role_of
from handlers.bootstrap import Container
from handlers.slack.listeners.meetings import views
from tests.handlers.slack.test_secretary import meeting, opened_view, prefilled, submit
from tests.slack_http import (  # noqa: F401
    CHANNEL,
    MEMBER,
    SECRETARY,
    SlackAppServer,
    bot_fixture,
    prepare,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

CAMILLA, SOFIE = SECRETARY[0], MEMBER[0]
SETUP_FIELDS = [
    "name",
    "short_name",
    "unit",
    "secretariat_name",
    "secretariat_email",
    "secretariat_phone",
    "place",
    "start",
    "end",
]
NEW_COMMITTEE = {
    "name": "Sundhedsudvalgets Praksisforum",
    "short_name": "SPF",
    "unit": "Fjordby Kommune, Sundhed og Omsorg",
    "secretariat_name": "Camilla Juul",
    "secretariat_email": "camilla.juul@fjordby.dk",
    "secretariat_phone": "",
    "place": "Byrådssalen",
    "start": "14:00",
    "end": "16:00",
}
STRANGER = ("U_MALLORY", "mallory@example.com", "Mallory Ukendt")


def committees_and_people(c: Container) -> tuple[list[str], int, int]:
    with c.uow() as uow:
        shorts = sorted(x.short_name for x in uow.committees.list())
        people = len(uow.people.list())
        memberships = sum(
            len(uow.memberships.for_committee(x.id or 0)) for x in uow.committees.list()
        )
    return shorts, people, memberships


@pytest.fixture
def admin_bot(sample: Container, standin: SlackStandIn) -> Iterator[SlackAppServer]:
    """The app with KLU_ADMINS naming Mallory by e-mail (she is on no roster)."""
    prepare(sample, standin)
    settings = replace(sample.settings, admins=("mallory@example.com",))
    server = SlackAppServer(Container(settings, sample._engine, sample.uow, sample.clock), standin)
    yield server
    server.stop()


def test_setup_asks_for_everything_prefilled_and_keeps_what_is_not_changed(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    reply = bot.command("opsæt", CAMILLA)
    assert reply.status == 200
    view = opened_view(standin, views.SETUP_VIEW)
    assert [b["block_id"] for b in view["blocks"]] == SETUP_FIELDS
    shown = prefilled(view)
    assert shown == {
        "name": "Kommunalt Lægeligt Udvalg",
        "short_name": "KLU",
        "unit": "Fjordby Kommune, Sundhed og Omsorg",
        "secretariat_name": "Camilla Juul",
        "secretariat_email": "camilla.juul@fjordby.dk",
        "secretariat_phone": "+45 99 31 00 42",
        "place": "Rådhusgade 4, 2. sal, mødelokale 1",
        "start": "15:00",
        "end": "17:00",
    }
    bad = submit(bot, CAMILLA, view, {**shown, "secretariat_email": "camilla@", "start": "x"})
    assert bad["response_action"] == "errors"
    assert set(bad["errors"]) == {"secretariat_email", "start"}
    assert "camilla@" in bad["errors"]["secretariat_email"]
    answer = submit(
        bot,
        CAMILLA,
        view,
        {**shown, "secretariat_name": "Sekretariatet for KLU", "secretariat_phone": "72 10 10 10"},
    )
    assert answer["response_action"] == "update", answer
    with bot.container.uow() as uow:
        committee = find_committee(uow, "KLU")
    assert (committee.secretariat_name, committee.secretariat_phone) == (
        "Sekretariatet for KLU",
        "72 10 10 10",
    )
    assert committee.default_place == "Rådhusgade 4, 2. sal, mødelokale 1"
    assert committee.organiser_unit == "Fjordby Kommune, Sundhed og Omsorg"
    assert (committee.default_start, committee.default_end) == ("15:00", "17:00")
    assert committee.slack_channel_id == CHANNEL


def test_a_stranger_cannot_create_a_committee(bot: SlackAppServer, standin: SlackStandIn) -> None:
    standin.add_user(*STRANGER)
    before = committees_and_people(bot.container)
    text = bot.command("opsæt", STRANGER[0], channel="C_EVIL").json()["text"]
    assert "kun installationens administrator og udvalgenes sekretariater" in text
    assert standin.calls_to("views.open") == []
    # a forged submission of the form is refused too, next to the field
    forged = views.setup_modal(None, "C_EVIL")
    answer = submit(bot, STRANGER[0], forged, {**NEW_COMMITTEE, "secretariat_name": "Mallory"})
    assert answer["response_action"] == "errors"
    assert "kun installationens administrator" in answer["errors"]["short_name"]
    # nor may a member, on the roster but not a secretary
    text = bot.command("opsæt", SOFIE, channel="C_EVIL").json()["text"]
    assert "kun installationens administrator" in text
    answer = submit(bot, SOFIE, forged, NEW_COMMITTEE)
    assert "kun installationens administrator" in answer["errors"]["short_name"]
    assert committees_and_people(bot.container) == before


def test_a_secretary_creates_another_committee_and_is_its_secretary(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    bot.command("opsæt", CAMILLA, channel="C_SPF")
    view = opened_view(standin, views.SETUP_VIEW)
    shown = prefilled(view)
    assert (shown["secretariat_name"], shown["secretariat_email"]) == (
        "Camilla Juul",
        "camilla.juul@fjordby.dk",
    )
    assert shown["name"] == shown["place"] == ""
    answer = submit(bot, CAMILLA, view, NEW_COMMITTEE)
    assert answer["response_action"] == "update", answer
    with bot.container.uow() as uow:
        spf = find_committee(uow, "SPF")
        camilla = uow.people.by_slack_id(CAMILLA)
        assert camilla is not None
        assert role_of(uow, spf, camilla, bot.container.clock().date()) == Role.SECRETARY
    assert spf.slack_channel_id == "C_SPF"
    assert bot.command("møde", CAMILLA, channel="C_SPF").status == 200
    form = opened_view(standin, views.MEETING_VIEW)
    assert json.loads(form["private_metadata"]) == {"committee": spf.id}


def test_an_administrator_from_klu_admins_may_create_and_change_any_committee(
    admin_bot: SlackAppServer, standin: SlackStandIn
) -> None:
    standin.add_user(*STRANGER)
    before = committees_and_people(admin_bot.container)
    admin_bot.command("opsæt", STRANGER[0], channel="C_SPF")
    view = opened_view(standin, views.SETUP_VIEW)
    answer = submit(admin_bot, STRANGER[0], view, NEW_COMMITTEE)
    assert answer["response_action"] == "update", answer
    shorts, people, memberships = committees_and_people(admin_bot.container)
    # the administrator is not put on the roster: nobody new, no new role
    assert (shorts, people, memberships) == (sorted([*before[0], "SPF"]), *before[1:])
    # and may change KLU, whose secretary they are not
    admin_bot.command("opsæt", STRANGER[0], channel=CHANNEL)
    edit = opened_view(standin, views.SETUP_VIEW)
    assert prefilled(edit)["short_name"] == "KLU"
    answer = submit(admin_bot, STRANGER[0], edit, {**prefilled(edit), "place": "Byrådssalen"})
    assert answer["response_action"] == "update", answer
    with admin_bot.container.uow() as uow:
        assert find_committee(uow, "KLU").default_place == "Byrådssalen"
    # someone else still may not
    standin.add_user("U_EVE", "eve@example.com", "Eve")
    text = admin_bot.command("opsæt", "U_EVE", channel="C_EVE").json()["text"]
    assert "kun installationens administrator" in text


@pytest.fixture
def fresh(container: Container, standin: SlackStandIn) -> Iterator[SlackAppServer]:
    """A fresh installation: no committee, no roster, no KLU_ADMINS."""
    server = SlackAppServer(container, standin)
    yield server
    server.stop()


def test_on_a_fresh_installation_the_first_setup_makes_its_author_secretary(
    fresh: SlackAppServer, standin: SlackStandIn
) -> None:
    standin.add_user("U_INGE", "inge.holm@fjordby.dk", "Inge Holm")
    fresh.command("opsæt", "U_INGE", channel="C_KLU")
    view = opened_view(standin, views.SETUP_VIEW)
    shown = prefilled(view)
    assert (shown["secretariat_name"], shown["secretariat_email"]) == (
        "Inge Holm",
        "inge.holm@fjordby.dk",
    )
    fields = {**shown, "name": "Kommunalt Lægeligt Udvalg", "short_name": "KLU"}
    answer = submit(fresh, "U_INGE", view, fields)
    assert answer["response_action"] == "update", answer
    assert "Du står nu som udvalgets sekretær" in str(answer["view"]["blocks"])
    with fresh.container.uow() as uow:
        klu = find_committee(uow, "KLU")
        inge = uow.people.by_slack_id("U_INGE")
        assert inge is not None and inge.email == "inge.holm@fjordby.dk"
        assert role_of(uow, klu, inge, fresh.container.clock().date()) == Role.SECRETARY
    # the next stranger finds a committee there and gets nothing
    standin.add_user(*STRANGER)
    text = fresh.command("opsæt", STRANGER[0], channel="C_EVIL").json()["text"]
    assert "kun installationens administrator" in text
    answer = submit(fresh, STRANGER[0], views.setup_modal(None, "C_EVIL"), NEW_COMMITTEE)
    assert answer["response_action"] == "errors"
    assert committees_and_people(fresh.container)[0] == ["KLU"]


def test_with_klu_admins_set_a_fresh_installation_is_not_first_come(
    container: Container, standin: SlackStandIn
) -> None:
    settings = replace(container.settings, admins=("U_INGE",))
    server = SlackAppServer(replace(container, settings=settings), standin)
    try:
        standin.add_user(*STRANGER)
        text = server.command("opsæt", STRANGER[0], channel="C_KLU").json()["text"]
        assert "kun installationens administrator" in text
        standin.add_user("U_INGE", "inge.holm@fjordby.dk", "Inge Holm")
        server.command("opsæt", "U_INGE", channel="C_KLU")
        view = opened_view(standin, views.SETUP_VIEW)
        fields = {**prefilled(view), "name": "KLU Fjordby", "short_name": "KLU"}
        assert submit(server, "U_INGE", view, fields)["response_action"] == "update"
        assert committees_and_people(server.container) == (["KLU"], 0, 0)
    finally:
        server.stop()


def _item_state(view: dict[str, Any], **typed: str) -> dict[str, str]:
    return {**prefilled(view), **typed}


def test_an_item_from_slack_has_sagsbeskrivelse_and_bilag_everywhere(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    bot.command("punkt", CAMILLA)
    view = opened_view(standin, views.AGENDA_ITEM_VIEW)
    ids = [b.get("block_id") for b in view["blocks"]]
    assert ids[-3:] == ["indstilling", "sagsbeskrivelse", "attachments"]
    description = "Akutteamet har siden marts haft 40 besøg.\nSe notatet & tallene."
    typed = _item_state(
        view,
        title="Akutteamets første halvår",
        minutes="10",
        sagsbeskrivelse=description,
        attachments="Notat om akutteamet | https://fjordby.dk/akut.pdf\nTal | javascript:alert(1)",
    )
    bad = submit(bot, CAMILLA, view, typed, {"meeting": "1", "section": "3"})
    assert bad["response_action"] == "errors"
    assert set(bad["errors"]) == {"attachments"}
    assert (
        "Linje 2" in bad["errors"]["attachments"]
        and "javascript:alert(1)" in bad["errors"]["attachments"]
    )
    typed["attachments"] = (
        "Notat om akutteamet | https://fjordby.dk/akut.pdf\n\nTal for 2026 | https://fjordby.dk/tal?a=1&b=2\n"
        "Pjece (udleveres på mødet)"
    )
    answer = submit(bot, CAMILLA, view, typed, {"meeting": "1", "section": "3"})
    assert answer["response_action"] == "update", answer
    item = next(i for i in meeting(bot, 1).items if i.title == "Akutteamets første halvår")
    assert item.sagsbeskrivelse == description
    assert [(a.name, a.url) for a in item.attachments] == [
        ("Notat om akutteamet", "https://fjordby.dk/akut.pdf"),
        ("Tal for 2026", "https://fjordby.dk/tal?a=1&b=2"),
        ("Pjece (udleveres på mødet)", ""),
    ]

    agenda = str(bot.command("dagsorden 1", SOFIE).json()["blocks"])
    assert "Akutteamet har siden marts haft 40 besøg" in agenda
    assert "Se notatet &amp; tallene." in agenda
    assert "<https://fjordby.dk/akut.pdf|Notat om akutteamet>" in agenda
    assert "<https://fjordby.dk/tal?a=1&amp;b=2|Tal for 2026>" in agenda
    assert "Pjece (udleveres på mødet)" in agenda

    # Ret from the item's menu: the same form, pre-filled; the change is stored
    bot.block_action(CAMILLA, views.ITEM_MENU, selected=f"edit:1:{item.id}")
    edit = opened_view(standin, views.ITEM_EDIT_VIEW)
    shown = prefilled(edit)
    assert shown["sagsbeskrivelse"] == description
    assert shown["attachments"].splitlines() == [
        "Notat om akutteamet | https://fjordby.dk/akut.pdf",
        "Tal for 2026 | https://fjordby.dk/tal?a=1&b=2",
        "Pjece (udleveres på mødet)",
    ]
    assert (shown["title"], shown["minutes"]) == ("Akutteamets første halvår", "10")
    changed = {**shown, "attachments": "Notat v2 | https://fjordby.dk/akut-v2.pdf", "minutes": "12"}
    answer = submit(bot, CAMILLA, edit, changed)
    assert answer["response_action"] == "update", answer
    assert "er rettet" in str(answer["view"]["blocks"])
    item = next(i for i in meeting(bot, 1).items if i.id == item.id)
    assert (item.planned_minutes, item.sagsbeskrivelse) == (12, description)
    assert [(a.name, a.url) for a in item.attachments] == [
        ("Notat v2", "https://fjordby.dk/akut-v2.pdf")
    ]

    # Eventuelt with a bilag: the minutes list bilag in every section that has them
    bot.command("punkt", CAMILLA)
    other = _item_state(
        opened_view(standin, views.AGENDA_ITEM_VIEW),
        title="Nyt fra regionen",
        minutes="5",
        attachments="Regionens brev | https://fjordby.dk/brev.pdf",
    )
    answer = submit(bot, CAMILLA, view, other, {"meeting": "1", "section": "4"})
    assert answer["response_action"] == "update", answer

    # the calling: Sofie's invitation (.ics over Slack) carries the item's substance
    reply = bot.command("indkald 1", CAMILLA).json()
    assert "invitationer" in reply["text"]
    standin.wait_for("files.completeUploadExternal", 4, timeout=20)  # .ics and dagsorden each
    sofie = next(u for u in standin.uploads if b"mailto:" + MEMBER[1].encode() in u.content)
    ics = sofie.content.replace(b"\r\n ", b"").decode().replace("\\n", "\n")
    assert "    Sagsbeskrivelse:\n      Akutteamet har siden marts haft 40 besøg." in ics
    assert "    Bilag:\n      Notat v2: https://fjordby.dk/akut-v2.pdf" in ics

    # the minutes: sagsbeskrivelse and bilag under the item, Eventuelt's bilag too
    with bot.container.uow() as uow:
        klu = find_committee(uow, "KLU")
    minutes = to_markdown(load_doc(bot.container.uow(), klu, 1))
    at = minutes.index("Akutteamets første halvår\n")
    assert "Akutteamet har siden marts haft 40 besøg." in minutes[at:]
    assert "https://fjordby.dk/akut-v2.pdf" in minutes[at:]
    assert "https://fjordby.dk/brev.pdf" in minutes[minutes.index("Nyt fra regionen") :]


def test_slack_sends_the_secretary_to_opsaet_not_to_the_command_line(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    with bot.container.uow() as uow:
        klu = find_committee(uow, "KLU")
    settings = replace(settings_of(klu), secretariat_name="", secretariat_email="")
    setup_committee(bot.container.uow(), settings)
    text = bot.command("indkald 1", CAMILLA).json()["text"]
    assert "mangler sekretariatets navn og e-mail" in text
    assert "/klu opsæt" in text and "klu-bot" not in text
    with bot.container.uow() as uow:
        assert uow.meetings.get(1).status.value == "kladde"  # type: ignore[union-attr]


def test_klu_admins_are_read_as_slack_ids_and_emails() -> None:
    env = {"KLU_ADMINS": " u012ab3cd, It@Fjordby.dk ;W9 u012ab3cd"}
    assert load_settings(env).admins == ("U012AB3CD", "it@fjordby.dk", "W9")
    assert load_settings({}).admins == ()


def test_editing_an_item_keeps_its_guests_and_place(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    standin.add_user("U_JENS", "jens.ravn@region.dk", "Jens Ravn")
    before = next(i for i in meeting(bot, 1).items if i.guests)
    bot.command("punkt", CAMILLA)
    add = opened_view(standin, views.AGENDA_ITEM_VIEW)
    typed = _item_state(add, title="Med to gæster", minutes="10", guests_email="Ny Gæst <ny@x.dk>")
    answer = submit(
        bot, CAMILLA, add, typed, {"meeting": "1", "section": "2"}, {"guests_slack": ["U_JENS"]}
    )
    assert answer["response_action"] == "update", answer
    for item_id in (
        before.id,
        next(i.id for i in meeting(bot, 1).items if i.title == "Med to gæster"),
    ):
        old = next(i for i in meeting(bot, 1).items if i.id == item_id)
        bot.block_action(CAMILLA, views.ITEM_MENU, selected=f"edit:1:{item_id}")
        edit = opened_view(standin, views.ITEM_EDIT_VIEW)
        users = next(b for b in edit["blocks"] if b.get("block_id") == "guests_slack")
        chosen = users["element"].get("initial_users", [])
        answer = submit(
            bot,
            CAMILLA,
            edit,
            {**prefilled(edit), "sagsbeskrivelse": "Ny tekst"},
            users={"guests_slack": chosen},
        )
        assert answer["response_action"] == "update", answer
        new = next(i for i in meeting(bot, 1).items if i.id == item_id)
        assert new.sagsbeskrivelse == "Ny tekst"
        assert sorted(g.person_id for g in new.guests) == sorted(g.person_id for g in old.guests)
        assert (new.section, new.position, new.title) == (old.section, old.position, old.title)
    assert len(new.guests) == 2
