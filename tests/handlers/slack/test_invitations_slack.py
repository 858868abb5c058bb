"""`/klu indkald` over signed HTTP: the secretary calls the meeting, Slack users get a DM,
the .ics file and the dagsorden PDF; without SMTP the answer says e-mail was skipped; members
may not call; no request prints a PDF (the outbox worker does)."""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest

from bot.domain import MeetingStatus
from bot.messaging.message import File, from_payload
from bot.messaging.outbox import payload_of
from bot.minutes.model import MinutesDoc
from handlers.documents import pdf, source
from handlers.slack.render import REGRETS_ACTION, SEND_ACTION
from tests.invitation_helpers import libical, props
from tests.pdf_struct import page_texts
from tests.slack_http import (  # noqa: F401
    MEMBER,
    SECRETARY,
    SlackAppServer,
    bot_fixture,
    standin_fixture,
)
from tests.slack_standin import SlackStandIn

CAMILLA, SOFIE = SECRETARY[0], MEMBER[0]


def test_indkald_sends_dms_and_files_and_says_email_is_not_set_up(
    bot: SlackAppServer, standin: SlackStandIn
) -> None:
    refused = bot.command("indkald 1", SOFIE).json()
    assert "sekretariatet" in refused["text"]
    reply = bot.command("indkald 1", CAMILLA).json()
    assert "Møde 1: 2 invitationer" in reply["text"]  # what was queued: the two Slack users
    assert "E-mail er ikke sat op" in reply["text"]
    assert "Disse har ikke Slack" in reply["text"] and "Ole Thomsen" in reply["text"]
    assert "Sofie Brandt" not in reply["text"]
    with bot.container.uow() as uow:
        meeting = uow.meetings.get(1)
        assert meeting is not None and meeting.status == MeetingStatus.CALLED
    standin.wait_for("files.completeUploadExternal", 4, timeout=20)  # .ics and dagsorden each
    sofie = next(u for u in standin.uploads if b"mailto:" + MEMBER[1].encode() in u.content)
    records = libical(sofie.content)
    assert props(records)["ATTENDEE"] == f"mailto:{MEMBER[1]}"
    assert props(records)["METHOD"] == "REQUEST"
    posts = [c for c in standin.calls_to("chat.postMessage") if REGRETS_ACTION in str(c.args)]
    assert len(posts) == 2
    # The button (or the verb) again: nothing new to send to the Slack users, and the people
    # with no route are still named as not reached (they hold no copy until one is queued, 12.4).
    response, _ = bot.block_action(CAMILLA, SEND_ACTION, value="1")
    assert response.status == 200
    again = bot.command("indkald", CAMILLA).json()
    assert "intet er lagt i kø" in again["text"] and "Ole Thomsen" in again["text"]
    assert "Sofie Brandt" not in again["text"]
    assert len(standin.uploads) == 4


def test_indkald_answers_before_any_pdf_is_printed_and_the_worker_sends_the_dagsorden(
    bot: SlackAppServer, standin: SlackStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    printed_in: list[str] = []

    def recording(doc: MinutesDoc) -> bytes:  # the real renderer, noting the thread it runs in
        printed_in.append(threading.current_thread().name)
        return pdf.render_pdf(doc)

    monkeypatch.setattr(source, "render_pdf", recording)
    reply = bot.command("indkald 1", CAMILLA).json()
    assert "Møde 1: 2 invitationer" in reply["text"]
    with bot.container.uow() as uow:  # the rows name the dagsorden; no bytes were made for them
        rows = [r for r in (uow.outbox.get(f"cal:1:{p.id}:0:agenda") for p in uow.people.list())
                if r is not None]  # fmt: skip
        messages = [from_payload(payload_of(r)) for r in rows]
    assert sorted(r.recipient for r in rows) == sorted([CAMILLA, SOFIE])
    for message in messages:
        assert message.files == (
            File(
                "Dagsorden KLU 2026-06-18.pdf",
                "Dagsorden: Møde i Kommunalt Lægeligt Udvalg, 18. juni 2026",
                document={"kind": "dagsorden", "meeting_id": 1},
            ),
        )  # no content: the bytes are made by the sender
    standin.wait_for("files.completeUploadExternal", 4, timeout=20)
    files = [u for u in standin.uploads if u.filename.endswith(".pdf")]
    assert sorted(u.channel_id or "" for u in files) == sorted([f"D{CAMILLA}", f"D{SOFIE}"])
    for upload in files:
        assert upload.filename == "Dagsorden KLU 2026-06-18.pdf"
        text = " ".join(" ".join(page_texts(upload.content)).split())
        assert "Møde i Kommunalt Lægeligt Udvalg" in text and "Godkendelse af dagsorden" in text
        assert "Procedure for lægeerklæringer ved elever i reduceret skema" in text
    assert printed_in == ["klu-outbox"]  # once, for both, in the outbox worker


ROOT = Path(__file__).resolve().parents[3]


def test_no_slack_listener_imports_the_pdf_renderer() -> None:
    """What a request runs (the Bolt app and its listeners) never reaches WeasyPrint."""
    paths = [
        ROOT / "handlers/slack/app.py",
        *sorted((ROOT / "handlers/slack/listeners").rglob("*.py")),
    ]
    offenders = []
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names] if isinstance(node, ast.Import)
                else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            )  # fmt: skip
            if any(n.startswith(("handlers.documents", "weasyprint")) for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert len(paths) > 10 and offenders == []
