"""Issue 16.4: the dagsorden goes out with the calling, by Slack (a PDF file in the member's
DM, from the stand-in) and by e-mail (an application/pdf part beside the iMIP calendar, over
real SMTP); an agenda change sends the new one with the update; the agenda reminder carries
it; guests and cancellations get none. The PDF is read back with poppler's pdftotext."""

from __future__ import annotations

import json
from email.message import EmailMessage

import pytest

from bot import texts
from bot.invitations import sync as invitations
from bot.meetings import agenda
from bot.meetings.agenda_document import agenda_filename
from bot.messaging.message import File, Message, file_payload, from_payload, text, to_payload
from bot.messaging.outbox import EMAIL, PermanentFailure, enqueue, payload_of
from bot.reminders.planning import plan_reminders
from handlers.delivery import run_dispatch
from handlers.mail.smtp import SmtpSender, SmtpSettings
from tests.bot.invitations import test_invitations
from tests.bot.invitations.test_invitations import CAMILLA, HENRIK, IDA, KAREN, OLE, World
from tests.pdf_struct import page_texts

FILENAME = "Dagsorden KLU 2026-06-18.pdf"
TITLE = "Møde i Kommunalt Lægeligt Udvalg"
ITEMS = (
    "Godkendelse af dagsorden",
    "Procedure for lægeerklæringer ved elever i reduceret skema",
    "Henvisninger fra almen praksis til nye tilbud i Center for Mental Sundhed",
)
NEW_ITEM = "Vagtlægeordningen i sommerferien"
world = test_invitations.world  # the sample committee, a Slack stand-in and a real SMTP server


def pdf_text(pdf: bytes) -> str:
    """What pdftotext reads, white space joined (titles wrap over lines)."""
    assert pdf.startswith(b"%PDF-")
    return " ".join(" ".join(page_texts(pdf)).split())


def pdf_parts(message: EmailMessage) -> list[EmailMessage]:
    return [p for p in message.walk() if p.get_content_type() == "application/pdf"]


def attached_pdf(message: EmailMessage) -> bytes:
    [part] = pdf_parts(message)
    assert part.get_filename() == FILENAME
    assert part.get_content_disposition() == "attachment"
    data = part.get_payload(decode=True)
    assert isinstance(data, bytes)
    return data


def _person_id(w: World, address: str) -> int:
    with w.c.uow() as uow:
        person = uow.people.by_email(address)
        assert person is not None and person.id is not None
        return person.id


def _agenda_uploads(w: World, user: str) -> list[bytes]:
    """The dagsorden files uploaded into one user's DM, oldest first."""
    channel = f"D{user}"  # the stand-in's DM channel id
    return [
        u.content for u in w.slack.uploads if u.channel_id == channel and u.filename == FILENAME
    ]


def test_the_calling_sends_every_member_the_dagsorden_by_email_and_by_slack(world: World) -> None:
    world.send()
    members = {a for r in world.inbox.received for a in r.rcpt_tos} - {IDA, OLE}
    assert len(members) == 13 and {KAREN, HENRIK} <= members
    printed = set()
    for address in members:
        [received] = world.inbox.to(address)
        message = received.message
        types = [p.get_content_type() for p in message.walk()]
        assert types == [
            "multipart/mixed", "multipart/alternative", "text/plain", "text/calendar",
            "application/ics", "application/pdf",
        ], address  # fmt: skip
        printed.add(attached_pdf(message))
    # the guests' e-mails carry their own item only: no dagsorden
    assert all(pdf_parts(r.message) == [] for g in (IDA, OLE) for r in world.inbox.to(g))

    # Slack: each member's DM gets the file after the .ics; the guest's DM does not
    for user in ("U0KAREN", "U0HENRIK"):
        [pdf] = _agenda_uploads(world, user)
        printed.add(pdf)
    assert _agenda_uploads(world, "U0IDA") == []
    upload = next(u for u in world.slack.uploads if u.filename == FILENAME)
    assert upload.initial_comment == texts.AGENDA_PDF_COMMENT
    assert upload.title == f"Dagsorden: {TITLE}, 18. juni 2026"

    # one dagsorden for all: printed once, the same bytes to everyone
    assert len(printed) == 1
    read = pdf_text(printed.pop())
    assert TITLE in read and "Dagsorden" in read
    assert all(item in read for item in ITEMS)
    assert "Udkast" not in read  # a called meeting's dagsorden is not a draft

    # the rows name the document; the bytes were made by the sender
    with world.c.uow() as uow:
        row = uow.outbox.get(f"cal:1:{_person_id(world, KAREN)}:0:agenda")
        mail = uow.outbox.get(f"cal:1:{_person_id(world, KAREN)}:0:email")
        assert row is not None and mail is not None
        slack_payload, mail_payload = payload_of(row), payload_of(mail)
    reference = {"kind": "dagsorden", "meeting_id": 1}
    [file] = from_payload(slack_payload).files  # a neutral message with one file
    assert file.document == reference and file.filename == FILENAME and file.content == ""
    # the iMIP e-mail names it in the files beside its calendar, in the same format
    assert mail_payload["files"] == [file_payload(file)]
    assert "%PDF" not in json.dumps(slack_payload) + json.dumps(mail_payload)


def test_an_agenda_change_sends_the_new_dagsorden_with_the_update_and_a_cancel_none(
    world: World,
) -> None:
    world.send()
    first = attached_pdf(world.inbox.to(KAREN)[0].message)
    assert NEW_ITEM not in pdf_text(first)
    agenda.add_item(world.c.uow(), 1, agenda.NewItem(title=NEW_ITEM), now=world.clock())
    world.tick(61)
    update = world.inbox.to(KAREN)[1].message
    assert str(update["Subject"]).startswith("Ændret:")
    newer = attached_pdf(update)
    assert NEW_ITEM in pdf_text(newer) and all(item in pdf_text(newer) for item in ITEMS)
    slack = _agenda_uploads(world, "U0KAREN")
    assert len(slack) == 2 and NEW_ITEM in pdf_text(slack[-1])
    comments = [u.initial_comment for u in world.slack.uploads if u.channel_id == "DU0KAREN"]
    assert comments[-1] == texts.AGENDA_PDF_COMMENT_UPDATE

    invitations.cancel_meeting(world.c.uow(), 1, now=world.clock(), email_enabled=True)
    run_dispatch(world.c)
    cancel = world.inbox.to(KAREN)[2].message
    assert str(cancel["Subject"]).startswith("Aflyst:") and pdf_parts(cancel) == []
    assert len(_agenda_uploads(world, "U0KAREN")) == 2


def test_the_agenda_reminder_carries_the_dagsorden(world: World) -> None:
    world.send()
    by_mail = {a for r in world.inbox.received for a in r.rcpt_tos} - {IDA, OLE, KAREN, HENRIK}
    mails, uploads = len(world.inbox.received), len(world.slack.uploads)
    world.clock.set_local("2026-06-04T09:00")  # two weeks before, 09:00
    planned = plan_reminders(world.c.uow, world.clock())
    assert planned.enqueued and not [k for k in planned.enqueued if ":dagsorden:" in k]
    karen = _person_id(world, KAREN)
    with world.c.uow() as uow:
        row = uow.outbox.get(f"reminder:agenda:1:{karen}:dagsorden:2026-06-18T13:00Z")
        assert row is not None
        [file] = from_payload(payload_of(row)).files
        assert file.document == {"kind": "dagsorden", "meeting_id": 1}
    run_dispatch(world.c)

    reminders = world.inbox.received[mails:]
    # every member without Slack, the secretary too (the reminder is no calendar copy)
    assert sorted(a for r in reminders for a in r.rcpt_tos) == sorted(by_mail | {CAMILLA})
    for received in reminders:
        assert str(received.message["Subject"]).startswith("Dagsorden:")
        assert "text/calendar" not in [p.get_content_type() for p in received.message.walk()]
        read = pdf_text(attached_pdf(received.message))
        assert all(item in read for item in ITEMS)
    new_uploads = world.slack.uploads[uploads:]
    assert {u.channel_id for u in new_uploads} == {"DU0KAREN", "DU0HENRIK"}
    assert all(u.filename == FILENAME and TITLE in pdf_text(u.content) for u in new_uploads)
    assert all(u.initial_comment == texts.AGENDA_PDF_COMMENT for u in new_uploads)
    # planning again adds nothing: the file rows count as sent with their reminder
    assert plan_reminders(world.c.uow, world.clock()).enqueued == []


def test_regrets_also_cancel_the_reminders_dagsorden_file(world: World) -> None:
    from bot.reminders.planning import cancel_for_person
    from bot.reminders.settings import Kind

    world.send()
    world.clock.set_local("2026-06-04T09:00")
    plan_reminders(world.c.uow, world.clock())
    karen = _person_id(world, KAREN)
    with world.c.uow() as uow:
        assert cancel_for_person(uow, 1, karen, [Kind.AGENDA]) == 2  # the DM and its file
        uow.commit()


def test_a_row_naming_a_document_fails_for_good_where_nothing_can_print_it(world: World) -> None:
    file = File(FILENAME, document={"kind": "dagsorden", "meeting_id": 1})
    message = Message(subject="x", paragraphs=text("y"), files=(file,))
    with world.c.uow() as uow:
        enqueue(
            uow, key="doc-test", channel=EMAIL, kind="test", recipient=KAREN,
            payload=to_payload(message), now=world.clock(),
        )  # fmt: skip
        uow.commit()
        row = uow.outbox.get("doc-test")
        assert row is not None
    sender = SmtpSender(SmtpSettings.from_url("smtp://127.0.0.1:25"), "klu-bot@fjordby.dk")
    with pytest.raises(PermanentFailure):
        sender.build(row)


def test_the_file_name_is_safe_for_any_committee_name(world: World) -> None:
    with world.c.uow() as uow:
        meeting = uow.meetings.get(1)
        committee = uow.committees.get(1)
        assert meeting is not None and committee is not None
    committee.short_name = 'KLU/Nord: "Øst"'
    assert agenda_filename(committee, meeting) == "Dagsorden KLU-Nord- -Øst- 2026-06-18.pdf"
