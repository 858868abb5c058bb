"""A meeting from agenda to approved minutes in Slack, over signed HTTP against the stand-in."""

from __future__ import annotations

import io
import time
from typing import Any

from pypdf import PdfReader

from bot.domain import MeetingStatus
from bot.meetings.planning import get_meeting
from bot.meetings.timeplan import find_item
from bot.minutes.presence import set_attendance
from bot.people.committees import find_committee
from handlers.slack.listeners.minutes import views
from handlers.slack.render import ATTEND_ACTION
from tests.conftest import FakeClock
from tests.pdf_struct import header_rows, structure
from tests.shown import shown
from tests.slack_http import (  # noqa: F401
    CHANNEL,
    MEMBER,
    SECRETARY,
    SlackAppServer,
    bot_fixture,
    link,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

CAMILLA, SOFIE = SECRETARY[0], MEMBER[0]


def buttons(reply: dict[str, Any]) -> dict[str, str]:
    """Item title line -> button value, from the /klu referat answer."""
    found = {}
    for block in reply.get("blocks", []):
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == views.ITEM_ACTION:
            found[block["text"]["text"].split("*")[1]] = accessory["value"]
    return found


def last_modal(standin: SlackStandIn) -> dict[str, Any]:
    calls = standin.calls_to("views.open")
    assert calls, "no modal was opened"
    view: dict[str, Any] = calls[-1].args["view"]
    assert view["callback_id"] == views.MINUTES_ITEM_VIEW
    return view


def fill(
    server: SlackAppServer, view: dict[str, Any], text: dict[str, str], outcome: str = ""
) -> dict[str, Any]:
    """Submit the item modal as Slack would."""
    state: dict[str, Any] = {
        block: {"value": {"type": "plain_text_input", "value": value}}
        for block, value in text.items()
    }
    if outcome:
        option = {"text": {"type": "plain_text", "text": outcome}, "value": outcome}
        state["outcome"] = {"value": {"type": "static_select", "selected_option": option}}
    payload = {
        "type": "view_submission",
        "user": {"id": CAMILLA},
        "view": {**view, "id": "V1", "state": {"values": state}},
    }
    reply = server.interaction(payload)
    assert reply.status == 200, reply.text
    return reply.json()  # type: ignore[no-any-return]


def write(server: SlackAppServer, standin: SlackStandIn, value: str, **fields: str) -> None:
    outcome = fields.pop("outcome", "")
    response, _ = server.block_action(CAMILLA, views.ITEM_ACTION, value=value)
    assert response.status == 200
    answer = fill(server, last_modal(standin), fields, outcome)
    assert answer == {}, answer


def test_meeting_cycle_from_agenda_to_approved_minutes(
    bot: SlackAppServer, standin: SlackStandIn, clock: FakeClock
) -> None:
    early = bot.command("referat 1", CAMILLA).json()
    assert "ikke afholdt endnu" in early["text"]
    assert "sekretariatet" in bot.command("referat 1", SOFIE).json()["text"]

    clock.set_local("2026-06-18T17:15")
    listing = bot.command("referat", CAMILLA).json()
    items = buttons(listing)
    assert len(items) == 9 and all(v.startswith("1:") for v in items.values())
    value = {title.split(" ")[0]: v for title, v in items.items()}

    write(bot, standin, value["1."], outcome="godkendt")
    write(
        bot, standin, value["2.a"],
        referat="- Opbakning til kommissoriet\n- <!channel> afrapportering til KLU",
        beslutning="Punktet blev drøftet. Der var opbakning til kommissoriet.",
        actions="Thomas Bach|Sende kommissoriet til høring|1/9-2026",
        outcome="droeftet",
    )  # fmt: skip
    write(bot, standin, value["2.d"], beslutning="Oplægsholder var forhindret.", outcome="udskudt")
    write(bot, standin, value["4."], referat="Kontakt læge-app'en undersøges.",
          next="Næste møde afholdes 17. september kl. 15-17")  # fmt: skip

    # a bad action line is answered next to the field, and nothing is saved
    bot.block_action(CAMILLA, views.ITEM_ACTION, value=value["2.b"])
    bad = fill(bot, last_modal(standin), {"actions": "kun en tovholder"})
    assert (
        bad["response_action"] == "errors" and "tovholder|opgave|frist" in bad["errors"]["actions"]
    )

    committee_id = _committee_id(bot)
    set_attendance(bot.container.uow(), _committee(bot), 1, regrets=[MEMBER[1]], now=clock())

    # reopening shows what was saved
    bot.block_action(CAMILLA, views.ITEM_ACTION, value=value["2.a"])
    reopened = last_modal(standin)
    initial = {b["block_id"]: b["element"].get("initial_value") for b in reopened["blocks"]
               if b.get("type") == "input"}  # fmt: skip
    assert initial["actions"] == "Thomas Bach|Sende kommissoriet til høring|2026-09-01"

    sent = bot.command("referat send 1", CAMILLA).json()
    assert "godkendt" in sent["text"] and "1 med afbud" in sent["text"]
    with bot.container.uow() as uow:  # the PDF is rendered by the outbox, not in the request
        queued = uow.outbox.get("minutes-document:1")
        assert queued is not None
        payload = shown(queued)
    assert payload["document"] == {"kind": "referat", "meeting_id": 1}
    assert "content_b64" not in payload and "content" not in payload
    post = standin.wait_for("chat.postMessage", 2)
    channel_posts = [c for c in post if c.args.get("channel") == CHANNEL]
    assert len(channel_posts) == 1
    summary = channel_posts[0].args["text"]
    assert "Der var opbakning til kommissoriet" in summary
    assert "Punktet udskydes til kommende møde" in summary
    assert "Thomas Bach: Sende kommissoriet til høring (frist 1. september 2026)" in summary
    assert "*Afbud*\n• Sofie Brandt, Praktiserende læge" in summary
    assert "Næste møde afholdes 17. september" in summary
    dm = [c for c in post if c.args.get("channel") != CHANNEL]
    assert dm and "Du meldte afbud" in dm[0].args["text"]
    assert [c.args["users"] for c in standin.calls_to("conversations.open")] == [SOFIE]

    standin.wait_for("files.completeUploadExternal")
    upload = next(u for u in standin.uploads if u.channel_id == CHANNEL)
    assert upload.filename == "referat-2026-06-18.pdf"
    pdf_text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(upload.content)).pages)
    assert "Der var opbakning til kommissoriet" in " ".join(pdf_text.split())

    with bot.container.uow() as uow:
        meeting = get_meeting(uow, 1)
        assert meeting.status == MeetingStatus.MINUTES_APPROVED
        assert "<!channel>" in find_item(meeting, "2.a").referat  # stored as typed
    assert "<!channel>" not in str(listing)

    # approving again sends nothing new
    again = bot.command("referat send 1", CAMILLA).json()
    assert "allerede godkendt" in again["text"]

    # an edit after posting updates the posted message
    ts = channel_posts[0].response["ts"]  # type: ignore[index]
    write(bot, standin, value["2.a"], beslutning="Kommissoriet blev godkendt med tilføjelser.",
          outcome="godkendt")  # fmt: skip
    update = standin.wait_for("chat.update")[0]
    assert update.args["channel"] == CHANNEL and update.args["ts"] == ts
    assert "Kommissoriet blev godkendt med tilføjelser." in update.args["text"]
    assert len([c for c in standin.calls_to("chat.postMessage")
                if c.args.get("channel") == CHANNEL]) == 1  # fmt: skip
    assert committee_id


def test_search_finds_earlier_decisions_newest_first(
    bot: SlackAppServer, standin: SlackStandIn, clock: FakeClock
) -> None:
    clock.set_local("2026-06-18T17:15")
    value = {
        t.split(" ")[0]: v for t, v in buttons(bot.command("referat 1", CAMILLA).json()).items()
    }
    decision = "PPR afsøger digital fremsendelse af lægeerklæringer."
    write(bot, standin, value["2.c"], beslutning=decision, outcome="droeftet")
    found = bot.command("søg lægeerklæring", SOFIE).json()["text"]
    assert "18. juni 2026, punkt 2.c" in found
    assert "PPR afsøger digital fremsendelse" in found
    none = bot.command("søg zyxw", SOFIE).json()["text"]
    assert "Ingen tidligere beslutninger" in none


def _committee(server: SlackAppServer):  # type: ignore[no-untyped-def]
    with server.container.uow() as uow:
        return find_committee(uow, None)


def _committee_id(server: SlackAppServer) -> int:
    committee = _committee(server)
    assert committee.id is not None
    return committee.id


def test_referat_open_button_lists_items_and_approve_button_sends(
    bot: SlackAppServer, standin: SlackStandIn, clock: FakeClock
) -> None:
    clock.set_local("2026-06-19T09:00")
    reply, url = bot.block_action(CAMILLA, views.OPEN_ACTION, value="1")
    assert reply.status == 200
    answer = standin.wait_for(url)[0].args
    assert answer["replace_original"] is False
    assert len(buttons(answer)) == 9
    approve = [e for blk in answer["blocks"] if blk["type"] == "actions" for e in blk["elements"]]
    assert [e["action_id"] for e in approve] == [views.ATTENDANCE_ACTION, views.APPROVE_ACTION]

    _, url = bot.block_action(SOFIE, views.OPEN_ACTION, value="1")
    assert "sekretariatet" in standin.wait_for(url)[0].args["text"]

    _, url = bot.block_action(CAMILLA, views.APPROVE_ACTION, value=approve[1]["value"])
    assert "godkendt" in standin.wait_for(url)[0].args["text"]
    posts = standin.wait_for("chat.postMessage")
    assert [c.args["channel"] for c in posts] == [CHANNEL]
    with bot.container.uow() as uow:
        assert get_meeting(uow, 1).status == MeetingStatus.MINUTES_APPROVED


def test_attendance_modal_records_regrets_and_no_shows(
    bot: SlackAppServer, standin: SlackStandIn, clock: FakeClock
) -> None:
    clock.set_local("2026-06-18T17:15")
    set_attendance(bot.container.uow(), _committee(bot), 1, regrets=[MEMBER[1]], now=clock())
    listing = bot.command("referat 1", CAMILLA).json()
    value = next(
        e["value"]
        for blk in listing["blocks"]
        if blk["type"] == "actions"
        for e in blk["elements"]
        if e["action_id"] == views.ATTENDANCE_ACTION
    )
    bot.block_action(CAMILLA, views.ATTENDANCE_ACTION, value=value)
    view = standin.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == views.ATTENDANCE_VIEW
    inputs = {blk["block_id"]: blk["element"] for blk in view["blocks"] if blk["type"] == "input"}
    names = {o["text"]["text"]: o["value"] for o in inputs["regrets"]["options"]}
    assert "Ida Nørgaard" in names and "Camilla Juul" in names  # guests and members
    assert [o["text"]["text"] for o in inputs["regrets"]["initial_options"]] == ["Sofie Brandt"]

    def chosen(*people: str) -> dict[str, Any]:
        options = [{"value": names[p], "text": {"type": "plain_text", "text": p}} for p in people]
        return {"value": {"type": "multi_static_select", "selected_options": options}}

    state = {
        "regrets": chosen("Maria Skov"),
        "no_show": chosen("Lars Mikkelsen", "Ole Thomsen"),
        "came": chosen("Ida Nørgaard"),
    }
    payload = {
        "type": "view_submission",
        "user": {"id": CAMILLA},
        "view": {**view, "id": "V2", "state": {"values": state}},
    }
    reply = bot.interaction(payload)
    assert reply.status == 200 and reply.json() == {}
    with bot.container.uow() as uow:
        rows = {uow.people.get(a.person_id).name: a.status.value  # type: ignore[union-attr]
                for a in uow.attendance.for_meeting(1)}  # fmt: skip
    assert rows == {
        "Sofie Brandt": "inviteret",
        "Maria Skov": "afbud",
        "Lars Mikkelsen": "ej_moedt",
        "Ole Thomsen": "ej_moedt",
        "Ida Nørgaard": "deltager",
    }
    twice = {**state, "came": chosen("Maria Skov")}
    payload["view"] = {**view, "id": "V3", "state": {"values": twice}}
    refused = bot.interaction(payload).json()
    assert refused["response_action"] == "errors" and "Maria Skov" in refused["errors"]["regrets"]


HENRIK = ("U_HENRIK", "henrik.lund@plo-fjordby.dk", "Henrik Lund")
# The 14-person sample: 13 members and the secretary. Henrik pressed »Jeg kommer«, Sofie sent
# regrets, Lars and the guest Ole did not show; everyone else came, marked or not.
PEOPLE_SECTION = """*Deltagere*
_Fjordby Kommune_
• Karen Munk Østergaard, Direktør, Sundhed og Omsorg, Fjordby Kommune
• Anne Vestergaard, Praksiskonsulent, Fjordby Kommune
• Birgitte Krogh, Chef for Ældre og Handicap, Fjordby Kommune
• Jonas Friis, Chef for Sundhedsfremme, Fjordby Kommune
• Maria Skov, Chef for Beskæftigelse, Fjordby Kommune
• Rasmus Winther, Sygeplejefaglig leder, Fjordby Kommune
• Thomas Bach, Chef for Børn og Familie, Fjordby Kommune
_PLO-K_
• Henrik Lund, Praktiserende læge, formand PLO-K, Lægerne i Nørreby
• Line Dahl, Praktiserende læge, Lægeklinikken Søndergade
• Mads Kjær, Praktiserende læge, Lægerne i Vestby
• Peter Holm, Praktiserende læge, Lægerne i Østerå
_Gæster_
• Ida Nørgaard, Leder af PPR, PPR Fjordby, deltog under punkt 2.c
*Sekretariat:* Camilla Juul, Konsulent, Sundhed og Omsorg, Fjordby Kommune
*Afbud*
• Sofie Brandt, Praktiserende læge, næstformand PLO-K, Lægehuset Havnegade
*Ej mødt*
• Lars Mikkelsen, Praktiserende læge, Lægerne i Midtby
• Ole Thomsen, Centerchef, Center for Mental Sundhed (gæst under punkt 2.d)"""


def _attendance_form(bot: SlackAppServer, standin: SlackStandIn) -> dict[str, Any]:
    listing = bot.command("referat 1", CAMILLA).json()
    value = next(
        e["value"]
        for blk in listing["blocks"]
        if blk["type"] == "actions"
        for e in blk["elements"]
        if e["action_id"] == views.ATTENDANCE_ACTION
    )
    bot.block_action(CAMILLA, views.ATTENDANCE_ACTION, value=value)
    view: dict[str, Any] = standin.calls_to("views.open")[-1].args["view"]
    assert view["callback_id"] == views.ATTENDANCE_VIEW
    return view


def _summaries(standin: SlackStandIn) -> list[Any]:
    """The decision summary as posted to the channel and sent by DM."""
    return [c for c in standin.calls_to("chat.postMessage")
            if "Beslutningsreferat" in str(c.args.get("text"))]  # fmt: skip


def _notes(view: dict[str, Any]) -> list[str]:
    contexts = [blk for blk in view["blocks"] if blk["type"] == "context"]
    return [e["text"] for blk in contexts for e in blk["elements"]]


def test_one_jeg_kommer_does_not_empty_the_minutes_and_every_list_is_exact(
    bot: SlackAppServer, standin: SlackStandIn, clock: FakeClock
) -> None:
    link(bot.container, standin, HENRIK)
    clock.set_local("2026-06-15T10:00")
    clicked, _ = bot.block_action(HENRIK[0], ATTEND_ACTION, value="1")  # »Jeg kommer«
    assert clicked.status == 200
    assert "er registreret" in bot.command("afbud på kursus", SOFIE).json()["text"]
    with bot.container.uow() as uow:
        marked = {uow.people.get(a.person_id).name: a.status.value  # type: ignore[union-attr]
                  for a in uow.attendance.for_meeting(1)}  # fmt: skip
    assert marked == {"Henrik Lund": "deltager", "Sofie Brandt": "afbud"}

    clock.set_local("2026-06-18T17:15")
    view = _attendance_form(bot, standin)
    assert _notes(view) == [
        "Alle medlemmer og gæster, der ikke står under Afbud eller Ej mødt, kom til mødet — "
        "også dem, der ikke er valgt under Mødt. Afbud fra påmindelserne står allerede her. "
        "Sekretariatet nævnes for sig og ikke som deltager.",
        "Referatet viser nu: deltagere 12 · gæster 2 · afbud 1 · ej mødt 0.",
    ]
    inputs = {blk["block_id"]: blk["element"] for blk in view["blocks"] if blk["type"] == "input"}
    names = {o["text"]["text"]: o["value"] for o in inputs["came"]["options"]}
    assert [o["text"]["text"] for o in inputs["came"]["initial_options"]] == ["Henrik Lund"]

    def chosen(*people: str) -> dict[str, Any]:
        options = [{"value": names[p], "text": {"type": "plain_text", "text": p}} for p in people]
        return {"value": {"type": "multi_static_select", "selected_options": options}}

    state = {
        "came": chosen("Henrik Lund"),
        "regrets": chosen("Sofie Brandt"),
        "no_show": chosen("Lars Mikkelsen", "Ole Thomsen"),
    }
    submitted_item = bot.interaction(
        {
            "type": "view_submission",
            "user": {"id": CAMILLA},
            "view": {**view, "id": "V9", "state": {"values": state}},
        }
    )
    assert submitted_item.status == 200 and submitted_item.json() == {}
    again = _attendance_form(bot, standin)
    assert _notes(again)[1] == "Referatet viser nu: deltagere 11 · gæster 1 · afbud 1 · ej mødt 2."

    sent = bot.command("referat send 1", CAMILLA).json()
    assert "1 med afbud" in sent["text"]
    deadline = time.monotonic() + 5
    while len(summaries := _summaries(standin)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    [channel_post] = [c for c in summaries if c.args.get("channel") == CHANNEL]
    [dm] = [c for c in summaries if c.args.get("channel") != CHANNEL]
    assert "Du meldte afbud" in dm.args["text"]
    assert f"\n\n{PEOPLE_SECTION}\n\n*Beslutninger*" in channel_post.args["text"]
    assert f"\n\n{PEOPLE_SECTION}\n\n*Beslutninger*" in dm.args["text"]
    sections = [b["text"]["text"] for b in channel_post.args["blocks"] if b["type"] == "section"]
    assert PEOPLE_SECTION in sections

    standin.wait_for("files.completeUploadExternal")
    upload = next(u for u in standin.uploads if u.channel_id == CHANNEL)
    rows = header_rows(structure(upload.content))  # the PDF's header table, as tagged
    assert rows["Deltagere"] == [
        "Fjordby Kommune",
        "Karen Munk Østergaard, Direktør, Sundhed og Omsorg, Fjordby Kommune",
        "Anne Vestergaard, Praksiskonsulent, Fjordby Kommune",
        "Birgitte Krogh, Chef for Ældre og Handicap, Fjordby Kommune",
        "Jonas Friis, Chef for Sundhedsfremme, Fjordby Kommune",
        "Maria Skov, Chef for Beskæftigelse, Fjordby Kommune",
        "Rasmus Winther, Sygeplejefaglig leder, Fjordby Kommune",
        "Thomas Bach, Chef for Børn og Familie, Fjordby Kommune",
        "PLO-K",
        "Henrik Lund, Praktiserende læge, formand PLO-K, Lægerne i Nørreby",
        "Line Dahl, Praktiserende læge, Lægeklinikken Søndergade",
        "Mads Kjær, Praktiserende læge, Lægerne i Vestby",
        "Peter Holm, Praktiserende læge, Lægerne i Østerå",
        "Gæster",
        "Ida Nørgaard, Leder af PPR, PPR Fjordby, deltog under punkt 2.c",
    ]
    assert rows["Afbud"] == [
        "Sofie Brandt, Praktiserende læge, næstformand PLO-K, Lægehuset Havnegade"
    ]
    assert rows["Ej mødt"] == [
        "Lars Mikkelsen, Praktiserende læge, Lægerne i Midtby",
        "Ole Thomsen, Centerchef, Center for Mental Sundhed (gæst under punkt 2.d)",
    ]
    assert rows["Sekretariat"] == [  # the secretariat, apart
        "Camilla Juul, Konsulent, Sundhed og Omsorg, Fjordby Kommune "
        "(+45 99 31 00 42, camilla.juul@fjordby.dk)"
    ]
