"""Recording, approving and carrying forward minutes on the sample meeting (use cases, real DB)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.domain import MeetingStatus, Outcome, TopicStatus
from bot.errors import ConflictError, InputError
from bot.meetings.create import create_meeting
from bot.meetings.planning import NewMeeting
from bot.meetings.timeplan import find_item
from bot.messaging import outbox
from bot.minutes.approve import approve_minutes
from bot.minutes.presence import set_attendance
from bot.minutes.recording import (
    ItemMinutes,
    NewAction,
    record_item,
    set_next_meeting_note,
)
from bot.people import committees
from bot.people import roster as people
from bot.topics.proposals import NewTopic, propose_topic, schedule_topic
from handlers.bootstrap import Container
from tests.conftest import FakeClock
from tests.shown import shown

MEETING = 1


def _committee(c: Container):  # type: ignore[no-untyped-def]
    with c.uow() as uow:
        return committees.find_committee(uow, None)


def _person(c: Container, email: str):  # type: ignore[no-untyped-def]
    with c.uow() as uow:
        return people.find_person(uow, email)


def record_sample(c: Container) -> None:
    """The minutes of the sample meeting: decisions, one postponed item, actions, attendance."""
    committee = _committee(c)
    secretary = _person(c, "camilla.juul@fjordby.dk")
    now = c.clock()

    def rec(ref: str, spec: ItemMinutes) -> None:
        record_item(c.uow(), committee, MEETING, ref, spec, actor=secretary, now=now)

    rec("1", ItemMinutes(outcome="godkendt"))
    rec(
        "2.a",
        ItemMinutes(
            referat="- Opbakning til kommissoriet\n- KLU modtager afrapportering",
            beslutning="Punktet blev drøftet. Der var opbakning til kommissoriet.",
            outcome="drøftet",
            actions=(NewAction("Thomas Bach", "Sende kommissoriet til høring", "1/9-2026"),),
        ),
    )
    rec("2.b", ItemMinutes(beslutning="Vejledningen blev godkendt.", outcome="godkendt"))
    rec(
        "2.c",
        ItemMinutes(
            beslutning="Sagen drøftedes. PPR afsøger en digital løsning.",
            outcome="droeftet",
            actions=(
                NewAction("ida.norgaard@fjordby.dk", "Afsøge digital fremsendelse", "2026-10-01"),
            ),
        ),
    )
    rec("2.d", ItemMinutes(beslutning="Oplægsholder var forhindret.", outcome="udskudt"))
    rec("2.e", ItemMinutes(outcome="taget_til_efterretning"))
    rec(
        "3.a",
        ItemMinutes(
            outcome="efterretning", beslutning="Orienteringen blev taget til efterretning."
        ),
    )
    rec("3.b", ItemMinutes(beslutning="Orienteringen blev drøftet.", outcome="drøftet"))
    rec("4", ItemMinutes(referat="Kontakt læge-app'en undersøges."))
    set_attendance(
        c.uow(),
        committee,
        MEETING,
        regrets=["sofie.brandt@plo-fjordby.dk", "maria.skov@fjordby.dk"],
        no_show=["lars.mikkelsen@plo-fjordby.dk"],
        now=now,
    )
    set_next_meeting_note(
        c.uow(),
        committee,
        MEETING,
        "Næste møde afholdes 17. september kl. 15-17",
        actor=secretary,
        now=now,
    )


@pytest.fixture(name="held")
def held_fixture(sample: Container, clock: FakeClock) -> Container:
    """The sample meeting is over; the committee has a Slack channel."""
    with sample.uow() as uow:
        committee = committees.find_committee(uow, None)
        assert committee.id is not None
    committees.bind_channel(sample.uow(), committee.id, "C0KLU")
    clock.set_local("2026-06-18T17:30")
    return sample


def test_minutes_cannot_be_written_before_the_meeting(sample: Container) -> None:
    with pytest.raises(ConflictError, match="ikke afholdt endnu"):
        record_item(
            sample.uow(),
            _committee(sample),
            MEETING,
            "2.a",
            ItemMinutes(beslutning="x"),
            actor=None,
            now=sample.clock(),
        )


def test_bad_outcome_and_action_are_refused_in_danish(held: Container) -> None:
    committee = _committee(held)
    with pytest.raises(InputError, match="ikke et udfald"):
        record_item(
            held.uow(),
            committee,
            MEETING,
            "2.a",
            ItemMinutes(outcome="vedtaget"),
            actor=None,
            now=held.clock(),
        )
    with pytest.raises(InputError, match=r"gyldig dato|forstod ikke|ikke en gyldig"):
        record_item(
            held.uow(),
            committee,
            MEETING,
            "2.a",
            ItemMinutes(actions=(NewAction("Thomas Bach", "x", "32/13"),)),
            actor=None,
            now=held.clock(),
        )


def test_approving_posts_one_summary_with_every_decision_regrets_and_actions(
    held: Container,
) -> None:
    record_sample(held)
    committee = _committee(held)
    result = approve_minutes(held.uow(), committee, MEETING, actor=None, now=held.clock())
    assert result.posted and not result.already
    assert result.regrets_sent == 2
    with held.uow() as uow:
        post = uow.outbox.get(f"minutes-summary:{MEETING}")
        assert post is not None
        payload = shown(post)
        meeting = uow.meetings.get(MEETING)
        assert meeting is not None and meeting.status == MeetingStatus.MINUTES_APPROVED
    assert payload["op"] == "post" and payload["channel"] == "C0KLU"
    text = payload["text"]
    for expected in (
        "18. juni 2026",
        "Rådhusgade 4",
        "Der var opbakning til kommissoriet",
        "Vejledningen blev godkendt",
        "PPR afsøger en digital løsning",
        "Punktet udskydes til kommende møde",
        "Orienteringen blev taget til efterretning",
        "Sofie Brandt",
        "Maria Skov",
        "Lars Mikkelsen",
        "Thomas Bach: Sende kommissoriet til høring (frist 1. september 2026)",
        "Ida Nørgaard: Afsøge digital fremsendelse (frist 1. oktober 2026)",
        "Næste møde afholdes 17. september",
    ):
        assert expected in text, expected
    regrets_part = text.split("*Afbud*\n")[1].split("*Ej mødt*")[0]
    assert "Sofie Brandt" in regrets_part and "Maria Skov" in regrets_part
    assert "Lars" not in regrets_part
    blocks = payload["blocks"]
    assert blocks[0]["type"] == "header" and len(blocks) <= 50

    again = approve_minutes(held.uow(), committee, MEETING, actor=None, now=held.clock())
    assert again.already and not again.posted and again.regrets_sent == 0


def test_postponed_item_is_on_the_next_agenda_exactly_once(held: Container) -> None:
    record_sample(held)
    committee = _committee(held)
    approve_minutes(held.uow(), committee, MEETING, actor=None, now=held.clock())
    nxt = create_meeting(
        held.uow(), committee, NewMeeting(when="17. september 2026 kl. 15-17"), now=held.clock()
    )
    approve_minutes(held.uow(), committee, MEETING, actor=None, now=held.clock())
    create_meeting(
        held.uow(), committee, NewMeeting(when="10. december 2026 kl. 15-17"), now=held.clock()
    )
    with held.uow() as uow:
        old = uow.meetings.get(MEETING)
        new = uow.meetings.get(nxt.id or 0)
        later = [
            m
            for m in uow.meetings.for_committee(committee.id or 0)
            if m.id not in (MEETING, nxt.id)
        ]
    assert old is not None and new is not None
    origin = find_item(old, "2.d")
    copies = [i for i in new.items if i.postponed_from_id == origin.id]
    assert len(copies) == 1
    copy = copies[0]
    assert copy.title == origin.title and copy.presenter == "Ole Thomsen"
    assert [g.person_id for g in copy.guests] == [g.person_id for g in origin.guests]
    assert "Udskudt fra mødet 18. juni 2026 (punkt 2.d)" in copy.sagsbeskrivelse
    assert copy.outcome is None and copy.section == 2
    assert not any(i.postponed_from_id for m in later for i in m.items)
    assert origin.outcome == Outcome.POSTPONED  # the old minutes stay as they were
    assert sum(1 for i in old.items) == 9


def test_next_meeting_existing_before_approval_gets_the_item(held: Container) -> None:
    committee = _committee(held)
    nxt = create_meeting(
        held.uow(), committee, NewMeeting(when="17. september 2026 kl. 15-17"), now=held.clock()
    )
    record_sample(held)
    result = approve_minutes(held.uow(), committee, MEETING, actor=None, now=held.clock())
    assert [m.id for _, m in result.carried] == [nxt.id]


def test_topics_are_done_unless_their_item_was_postponed(
    sample: Container, clock: FakeClock
) -> None:
    committee = _committee(sample)
    proposer = _person(sample, "henrik.lund@plo-fjordby.dk")
    done = propose_topic(sample.uow(), committee, proposer, NewTopic("Hjemmebesøg"), now=clock())
    later = propose_topic(sample.uow(), committee, proposer, NewTopic("Sårpleje"), now=clock())
    for topic in (done, later):
        schedule_topic(sample.uow(), committee, topic.id or 0, MEETING, actor=None, now=clock())
    clock.set_local("2026-06-18T17:30")
    record_item(
        sample.uow(),
        committee,
        MEETING,
        "2.f",
        ItemMinutes(outcome="drøftet"),
        actor=None,
        now=clock(),
    )
    record_item(
        sample.uow(),
        committee,
        MEETING,
        "2.g",
        ItemMinutes(outcome="udskudt"),
        actor=None,
        now=clock(),
    )
    approve_minutes(sample.uow(), committee, MEETING, actor=None, now=clock())
    with sample.uow() as uow:
        assert uow.topics.get(done.id or 0).status == TopicStatus.DONE  # type: ignore[union-attr]
        assert uow.topics.get(later.id or 0).status == TopicStatus.SCHEDULED  # type: ignore[union-attr]


def test_correction_after_posting_updates_the_message_and_is_logged(held: Container) -> None:
    record_sample(held)
    committee = _committee(held)
    secretary = _person(held, "camilla.juul@fjordby.dk")
    approve_minutes(held.uow(), committee, MEETING, actor=None, now=held.clock())
    # before it is sent, a correction rewrites the pending post
    record_item(
        held.uow(),
        committee,
        MEETING,
        "2.b",
        ItemMinutes(beslutning="Godkendt med rettelser."),
        actor=secretary,
        now=held.clock(),
    )
    with held.uow() as uow:
        post = uow.outbox.get(f"minutes-summary:{MEETING}")
        assert post is not None
        assert "Godkendt med rettelser." in shown(post)["text"]
        post.status, post.result = outbox.SENT, "C0KLU|1718000000.000100"
        uow.commit()
    held.clock.advance(hours=1)  # type: ignore[attr-defined]
    record_item(
        held.uow(),
        committee,
        MEETING,
        "2.b",
        ItemMinutes(beslutning="Godkendt uden rettelser."),
        actor=secretary,
        now=held.clock(),
    )
    with held.uow() as uow:
        changes = uow.minutes_changes.for_meeting(MEETING)
        update = uow.outbox.get(
            f"minutes-summary:{MEETING}".replace("summary", "summary-update") + ":2"
        )
    assert [c.field for c in changes] == ["beslutning", "beslutning"]
    assert (
        changes[-1].old == "Godkendt med rettelser."
        and changes[-1].new == "Godkendt uden rettelser."
    )
    assert changes[-1].actor_name == "Camilla Juul"
    assert update is not None
    payload = shown(update)
    assert payload["op"] == "update" and payload["ts"] == "1718000000.000100"
    assert "Godkendt uden rettelser." in payload["text"]


def test_a_summary_queued_in_the_old_format_is_rewritten_by_a_correction(
    held: Container,
) -> None:
    """A summary post waiting in the outbox from before the neutral Message ({"op": "post"})
    is rewritten by a correction and goes out as a post to the same channel."""
    record_sample(held)
    committee = _committee(held)
    approve_minutes(held.uow(), committee, MEETING, actor=None, now=held.clock())
    old = {"op": "post", "channel": "C0KLU", "text": "*Beslutningsreferat*", "blocks": []}
    with held.uow() as uow:
        post = uow.outbox.get(f"minutes-summary:{MEETING}")
        assert post is not None
        post.payload = json.dumps(old)
        uow.commit()
    record_item(
        held.uow(), committee, MEETING, "2.b", ItemMinutes(beslutning="Godkendt med rettelser."),
        actor=None, now=held.clock(),
    )  # fmt: skip
    with held.uow() as uow:
        post = uow.outbox.get(f"minutes-summary:{MEETING}")
        assert post is not None
        payload = shown(post)
    assert (payload["op"], payload["channel"]) == ("post", "C0KLU")
    assert "Godkendt med rettelser." in payload["text"]
    assert payload["blocks"][0]["type"] == "header"


def test_search_finds_decisions_and_topics_newest_first(held: Container) -> None:
    from bot.minutes.search import hits_text, search

    committee = _committee(held)
    proposer = _person(held, "henrik.lund@plo-fjordby.dk")
    propose_topic(held.uow(), committee, proposer, NewTopic("Digitale lægeerklæringer"),
                  now=held.clock() - timedelta(days=60))  # fmt: skip
    record_sample(held)
    with held.uow() as uow:
        hits = search(uow, committee, "DIGITAL")
        assert [(h.kind, h.number) for h in hits] == [
            ("item", "2.a"),
            ("item", "2.c"),
            ("topic", ""),
        ]
        assert "digital løsning" in hits[1].text
        assert [h.number for h in search(uow, committee, "digital kommissorium")] == ["2.a"]
        assert search(uow, committee, "digital forhindret") == []
        with pytest.raises(InputError, match="søgeord"):
            search(uow, committee, "  ")
    text = hits_text(hits, "digital", committee)
    assert text.splitlines()[2].startswith("• 18. juni 2026, punkt 2.c")
    assert "Emne #1 (åben, foreslået 19. april 2026)" in text


def test_attendees_count_each_person_once_and_keep_substitutes() -> None:
    from datetime import UTC, datetime

    from bot.domain import AgendaItem, AttendanceStatus, ItemGuest, Meeting, Person, Role
    from bot.minutes.model import attendees
    from bot.people.roster import RosterEntry

    def person(pid: int, name: str, side: str = "PLO-K") -> Person:
        return Person(name=name, side=side, id=pid)

    chair, member = person(1, "Åse"), person(2, "Bo")
    secretary, standing = person(3, "Sekretær", "Kommune"), person(4, "Fast gæst", "")
    visitor, substitute = person(5, "Gæst"), person(6, "Vikar")
    roster = [
        RosterEntry(member, Role.MEMBER),
        RosterEntry(chair, Role.CHAIR),
        RosterEntry(secretary, Role.SECRETARY),
        RosterEntry(standing, Role.GUEST),
    ]
    at = datetime(2026, 6, 18, 13, tzinfo=UTC)
    item = AgendaItem(section=2, position=1, title="Punkt",
                      guests=[ItemGuest(2), ItemGuest(5)], id=10)  # fmt: skip
    meeting = Meeting(committee_id=1, title="Møde", starts_at=at, ends_at=at, items=[item])
    people = {p.id or 0: p for p in (chair, member, secretary, standing, visitor, substitute)}
    statuses = {6: AttendanceStatus.ATTENDING, 4: AttendanceStatus.INVITED}
    who = attendees(meeting, roster, people, statuses)
    assert [(side, [p.name for p in ps]) for side, ps in who.sides] == [
        ("PLO-K", ["Åse", "Bo", "Vikar"])  # the chair first; a member who is an item guest once
    ]
    assert [(g.person.name, g.items) for g in who.guests] == [("Gæst", ("2.a",))]
    assert [p.name for p in who.secretariat] == ["Sekretær"]
    assert who.regrets == [] and who.no_shows == []
    both = attendees(meeting, roster, people, {4: AttendanceStatus.ATTENDING,
                     5: AttendanceStatus.NO_SHOW}, secretariat_participates=True)  # fmt: skip
    assert [(side, [p.name for p in ps]) for side, ps in both.sides] == [
        ("Kommune", ["Sekretær"]),
        ("PLO-K", ["Åse", "Bo"]),
    ]
    assert [(g.person.name, g.items) for g in both.guests] == [("Fast gæst", ())]
    assert [both.line(p) for p in both.no_shows] == ["Gæst (gæst under punkt 2.a)"]


def test_the_email_summary_to_a_member_with_regrets_lists_every_participant(
    held: Container,
) -> None:
    from bot.attendance.answers import answer_reply
    from bot.attendance.replies import Intent

    henrik = _person(held, "henrik.lund@plo-fjordby.dk")
    answer_reply(
        held.uow(),
        request_id="btn:1",
        person=henrik,
        intent=Intent.ATTEND,
        meeting_id=MEETING,
        via="slack-knap",
        now=held.clock() - timedelta(days=2),
        reply_to=None,
    )  # fmt: skip  (»Jeg kommer« before the meeting)
    record_sample(held)  # Sofie and Maria sent regrets, Lars did not show
    approve_minutes(held.uow(), _committee(held), MEETING, actor=None, now=held.clock())
    maria = _person(held, "maria.skov@fjordby.dk")
    with held.uow() as uow:
        mail = uow.outbox.get(f"minutes-summary-dm:{MEETING}:{maria.id}")
        assert mail is not None and mail.channel == outbox.EMAIL
        text = shown(mail)["text"]
    people = text[text.index("Deltagere") : text.index("Beslutninger")].strip()
    assert people.splitlines() == [
        "Deltagere",
        "Fjordby Kommune",
        "• Karen Munk Østergaard, Direktør, Sundhed og Omsorg, Fjordby Kommune",
        "• Anne Vestergaard, Praksiskonsulent, Fjordby Kommune",
        "• Birgitte Krogh, Chef for Ældre og Handicap, Fjordby Kommune",
        "• Jonas Friis, Chef for Sundhedsfremme, Fjordby Kommune",
        "• Rasmus Winther, Sygeplejefaglig leder, Fjordby Kommune",
        "• Thomas Bach, Chef for Børn og Familie, Fjordby Kommune",
        "PLO-K",
        "• Henrik Lund, Praktiserende læge, formand PLO-K, Lægerne i Nørreby",
        "• Line Dahl, Praktiserende læge, Lægeklinikken Søndergade",
        "• Mads Kjær, Praktiserende læge, Lægerne i Vestby",
        "• Peter Holm, Praktiserende læge, Lægerne i Østerå",
        "Gæster",
        "• Ida Nørgaard, Leder af PPR, PPR Fjordby, deltog under punkt 2.c",
        "• Ole Thomsen, Centerchef, Center for Mental Sundhed, deltog under punkt 2.d",
        "Sekretariat: Camilla Juul, Konsulent, Sundhed og Omsorg, Fjordby Kommune",
        "Afbud",
        "• Maria Skov, Chef for Beskæftigelse, Fjordby Kommune",  # in roster order, by side
        "• Sofie Brandt, Praktiserende læge, næstformand PLO-K, Lægehuset Havnegade",
        "Ej mødt",
        "• Lars Mikkelsen, Praktiserende læge, Lægerne i Midtby",
    ]
