"""The demo's story: setup, roster, topics, a meeting and its agenda, the lists, the DMs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot import texts
from bot.usecases.people import import_roster
from handlers.bootstrap import Container
from handlers.demo import SignedClient
from handlers.demo_render import indent, message_to_text, view_to_text
from handlers.slack.identity import Linker
from handlers.slack.sender import make_client

Out = Callable[[str], None]
SECRETARY = "U_CAMILLA"
TOPICS = (
    ("U_SOFIE", "Samarbejde om hjemmebesøg hos ældre medicinske patienter"),
    ("U_HENRIK", "Fælles retningslinjer for lægeerklæringer til jobcentret"),
    ("U_THOMAS", "Status på børne- og ungeområdet (løbende tema)"),
)
ITEMS = (
    {
        "section": "2",
        "title": "Samarbejde om hjemmebesøg hos ældre medicinske patienter",
        "minutes": "25",
        "presenter": "Sofie Brandt",
        "indstilling": "at drøfte",
    },
    {
        "section": "2",
        "title": "Procedure for lægeerklæringer ved elever i reduceret skema",
        "minutes": "20",
        "presenter": "Ida Nørgaard",
        "guests_email": "Ida Nørgaard <ida.norgaard@fjordby.dk>",
        "indstilling": "at godkende",
    },
    {
        "section": "3",
        "title": "Status på børne- og ungeområdet",
        "minutes": "15",
        "presenter": "Thomas Bach",
        "indstilling": "at tage orienteringen til efterretning",
    },
)


class Story:
    """Who says what, and what they see."""

    def __init__(self, slack: Any, client: SignedClient, out: Out) -> None:
        self.slack, self.client, self.out = slack, client, out
        self.names: dict[str, str] = {}

    def name(self, user: str) -> str:
        return self.names.get(user, user)

    def step(self, title: str) -> None:
        self.out("\n" + title + "\n" + "=" * len(title))

    def command(self, user: str, text: str) -> dict[str, Any]:
        """Type a /klu command and show the answer only that person sees."""
        self.out(texts.DEMO_TYPES.format(name=self.name(user), command=f"/klu {text}"))
        answer = self.client.command(user, text)
        if answer.get("text") or answer.get("blocks"):
            self.out(texts.DEMO_SEES.format(name=self.name(user)))
            self.out(indent(message_to_text(answer, self.names)))
        return answer

    def modal(self, user: str) -> dict[str, Any]:
        """The modal the app just opened for the person, printed."""
        calls = self.slack.calls_to("views.open") + self.slack.calls_to("views.update")
        view: dict[str, Any] = max(calls, key=lambda c: c.at).args["view"]
        self.out(texts.DEMO_MODAL.format(name=self.name(user)))
        self.out(indent(view_to_text(view, self.names)))
        return view

    def submit(self, user: str, view: dict[str, Any], values: dict[str, Any]) -> None:
        """Fill in and submit the modal; show what the person sees next."""
        shown = ", ".join(f"{k}={v[1] if isinstance(v, tuple) else v}" for k, v in values.items())
        button = str((view.get("submit") or {}).get("text") or "")
        self.out(texts.DEMO_FILLS.format(name=self.name(user), values=shown, button=button))
        answer = self.client.submit(user, view, values)
        if answer.get("response_action") == "errors":
            labels = {
                blk.get("block_id"): (blk.get("label") or {}).get("text", "")
                for blk in view.get("blocks") or []
            }
            lines = [
                texts.DEMO_FIELD_ERROR.format(label=labels.get(k) or k, message=v)
                for k, v in answer["errors"].items()
            ]
            self.out(indent("\n".join([texts.DEMO_FIELD_ERRORS, *lines])))
        elif answer.get("view"):
            self.out(indent(view_to_text(answer["view"], self.names)))

    def settle(self, seconds: float = 5.0) -> None:
        """Let the outbox worker send what is due (until Slack sees no new calls)."""
        deadline, seen, quiet = time.monotonic() + seconds, -1, 0
        while time.monotonic() < deadline and quiet < 4:
            count = len(self.slack.calls)
            quiet = quiet + 1 if count == seen else 0
            seen = count
            time.sleep(0.1)

    def deliveries(self) -> None:
        """Every message and DM the stand-in received, by recipient."""
        dms = {}
        for call in self.slack.calls_to("conversations.open"):
            channel = ((call.response or {}).get("channel") or {}).get("id")
            if channel:
                dms[channel] = str(call.args.get("users") or "")
        messages = self.slack.messages()
        if not messages:
            self.out(texts.DEMO_NO_MESSAGES)
        for message in messages:
            channel = str(message.get("channel"))
            where = (
                texts.DEMO_DM_TO.format(name=self.name(dms[channel]))
                if channel in dms
                else texts.DEMO_IN_CHANNEL.format(channel=channel)
            )
            self.out(where)
            self.out(indent(message_to_text(message, self.names)))


def play(
    container: Container,
    slack: Any,
    client: SignedClient,
    examples: Path,
    when: str,
    names: dict[str, str],
    out: Out,
) -> None:
    """The demo from an empty database to a meeting with an agenda."""
    story = Story(slack, client, out)
    story.names = names
    out(texts.DEMO_INTRO)

    story.step(texts.DEMO_STEP_SETUP)
    story.command(SECRETARY, "opsæt")
    view = story.modal(SECRETARY)
    story.submit(
        SECRETARY,
        view,
        {
            "name": "Kommunalt Lægeligt Udvalg",
            "short_name": "KLU",
            "unit": "Fjordby Kommune, Sundhed og Omsorg",
            "secretariat_name": "Camilla Juul",
            "secretariat_email": "camilla.juul@fjordby.dk",
            "place": "Rådhusgade 4, 2. sal, mødelokale 1",
            "start": "15:00",
            "end": "17:00",
        },
    )

    story.step(texts.DEMO_STEP_ROSTER)
    out(texts.DEMO_TERMINAL.format(command="klu-bot members import examples/roster.csv"))
    report = import_roster(
        container.uow(), (examples / "roster.csv").read_bytes(), today=container.clock().date()
    )
    out(indent(texts.ROSTER_IMPORTED.format(**vars(report))))
    settings = container.settings
    linked = Linker(
        container.uow, make_client(settings.slack_bot_token, settings.slack_api_url)
    ).link_all()
    out(indent(texts.DEMO_LINKED.format(count=linked)))

    story.step(texts.DEMO_STEP_TOPICS)
    for user, topic in TOPICS:
        story.command(user, f"emne {topic}")
    story.command("U_LINE", "emne")
    view = story.modal("U_LINE")
    story.submit(
        "U_LINE",
        view,
        {
            "topic_text": "Hurtigere svar på epikriser fra sygehuset",
            "topic_note": "afstemmes med praksiskonsulenten",
        },
    )

    story.step(texts.DEMO_STEP_MEETING)
    story.command(SECRETARY, "møde")
    view = story.modal(SECRETARY)
    story.submit(SECRETARY, view, {"when": "31. februar kl. 15-17"})
    story.submit(SECRETARY, view, {"when": when, "case_no": "2026-004280"})

    story.step(texts.DEMO_STEP_AGENDA)
    for item in ITEMS:
        story.command(SECRETARY, "punkt")
        view = story.modal(SECRETARY)
        values: dict[str, Any] = {
            k: ("option", v) if k == "section" else v for k, v in item.items()
        }
        story.submit(SECRETARY, view, {"meeting": ("option", "1"), **values})
    story.command("U_MADS", "møde")

    story.step(texts.DEMO_STEP_LISTS)
    story.command("U_SOFIE", "bruttoliste")
    story.command("U_SOFIE", "næste")

    story.step(texts.DEMO_STEP_DELIVERIES)
    story.settle()
    story.deliveries()
