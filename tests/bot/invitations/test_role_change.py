"""Who a person is to the meeting can change after the calling: a guest joins the committee,
a member leaves it but stays an item's guest. The event they hold is then another event (the
meeting's UID, or their slot's), so the sync cancels the one they hold and invites them to
the other: never two events in one calendar, never an 'update' to a UID they never got. A
roster import marks the called meetings changed, so this happens on the clock's next round.
Found by an independent probe."""

from __future__ import annotations

from datetime import timedelta

from icalendar import Calendar

from bot.invitations.sync import send_invitations, sync_due
from bot.meetings.planning import get_meeting
from bot.messaging.outbox import payload_of
from bot.people.roster import import_roster
from handlers.bootstrap import Container
from tests.conftest import CPH, FakeClock

IDA = "ida.norgaard@fjordby.dk"
HENRIK = "henrik.lund@plo-fjordby.dk"
MAILBOX = "klu-bot@fjordby.dk"


def _sent(c: Container, address: str) -> list[tuple[int, str, str, str]]:
    """(sequence in the key, METHOD, UID, SEQUENCE) of each calendar e-mail to the address."""
    found = []
    with c.uow() as uow:
        for d in uow.outbox.for_recipients([address]):
            if d.key.startswith("cal:") and d.key.endswith(":email"):
                calendar = Calendar.from_ical(payload_of(d)["ics"].encode())
                [event] = calendar.walk("VEVENT")
                found.append(
                    (int(d.key.split(":")[3]), str(calendar["method"]), str(event["uid"]),
                     str(event["sequence"]))
                )  # fmt: skip
    return sorted(found)


def _import(c: Container, clock: FakeClock, line: str) -> None:
    today = clock().astimezone(CPH).date()
    import_roster(c.uow(), f"navn;email;rolle\n{line}\n".encode(), today=today)


def _sync(c: Container, clock: FakeClock) -> None:
    for _ in range(2):  # the first round stamps the edit, the next (quiet 0) sends it
        sync_due(c.uow, now=clock(), email_enabled=True, quiet=timedelta(0), mailbox=MAILBOX)


def _meeting_uid(c: Container) -> str:
    with c.uow() as uow:
        return get_meeting(uow, 1).calendar_uid


def test_a_guest_who_joins_the_committee_swaps_their_slot_for_the_meeting(
    sample: Container, clock: FakeClock
) -> None:
    c = sample
    send_invitations(c.uow(), 1, now=clock(), email_enabled=True, mailbox=MAILBOX)
    [(_, method, slot_uid, _)] = _sent(c, IDA)
    assert method == "REQUEST" and slot_uid != _meeting_uid(c)
    clock.advance(days=1)
    _import(c, clock, f"Ida Nørgaard;{IDA};medlem")
    _sync(c, clock)
    assert _sent(c, IDA) == [
        (0, "REQUEST", slot_uid, "0"),
        (1, "CANCEL", slot_uid, "1"),
        (2, "REQUEST", _meeting_uid(c), "2"),
    ]
    _sync(c, clock)  # nothing more to say
    assert len(_sent(c, IDA)) == 3


def test_a_member_who_becomes_a_guest_swaps_the_meeting_for_their_slot(
    sample: Container, clock: FakeClock
) -> None:
    c = sample
    with c.uow() as uow:
        henrik = uow.people.by_email(HENRIK)
        meeting = get_meeting(uow, 1)
        item = next(i for i in meeting.items if i.guests)
        assert henrik is not None and henrik.id is not None
        item.guests.append(type(item.guests[0])(person_id=henrik.id))
        uow.commit()
    send_invitations(c.uow(), 1, now=clock(), email_enabled=True, mailbox=MAILBOX)
    assert [m for _, m, u, _ in _sent(c, HENRIK)] == ["REQUEST"]
    assert _sent(c, HENRIK)[0][2] == _meeting_uid(c)
    clock.advance(days=1)
    _import(c, clock, f"Henrik Lund;{HENRIK};gæst")
    _sync(c, clock)
    (_, _, member_uid, _), (_, cancel, old, _), (_, request, new, _) = _sent(c, HENRIK)
    assert (cancel, old) == ("CANCEL", member_uid)
    assert request == "REQUEST" and new not in (member_uid, "")
