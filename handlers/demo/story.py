"""The demo's story: setup, roster, topics, a meeting and its agenda, the lists, the DMs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bot import texts
from bot.people.roster import import_roster
from handlers.bootstrap import Container
from handlers.demo.meeting import play_meeting
from handlers.demo.render import indent, message_to_text, view_to_text
from handlers.demo.script import demo_script
from handlers.demo.signed import SECRETARY, Out, SignedClient
from handlers.slack.identity import Linker
from handlers.slack.sender import make_client


class Story:
    """Who says what, and what they see."""

    def __init__(self, slack: Any, client: SignedClient, out: Out) -> None:
        self.slack, self.client, self.out = slack, client, out
        self.names: dict[str, str] = {}

    def name(self, user: str) -> str:
        return self.names.get(user, user)

    def step(self, title: str) -> None:
        self.out("\n" + title + "\n" + "=" * len(title))

    def command(self, user: str, text: str, *, quiet: bool = False) -> dict[str, Any]:
        """Type a /klu command and show the answer only that person sees."""
        self.out(texts.DEMO_TYPES.format(name=self.name(user), command=f"/klu {text}"))
        answer = self.client.command(user, text)
        if not quiet and (answer.get("text") or answer.get("blocks")):
            self.out(texts.DEMO_SEES.format(name=self.name(user)))
            self.out(indent(message_to_text(answer, self.names)))
        return answer

    def click(self, user: str, action_id: str, value: str) -> None:
        """Press a button."""
        self.client.click(user, action_id, value)

    def modal(self, user: str, *, quiet: bool = False) -> dict[str, Any]:
        """The modal the app just opened for the person, printed."""
        calls = self.slack.calls_to("views.open") + self.slack.calls_to("views.update")
        view: dict[str, Any] = max(calls, key=lambda c: c.at).args["view"]
        if not quiet:
            self.out(texts.DEMO_MODAL.format(name=self.name(user)))
            self.out(indent(view_to_text(view, self.names)))
        return view

    def submit(
        self,
        user: str,
        view: dict[str, Any],
        values: dict[str, str],
        *,
        options: dict[str, str] | None = None,
        multi: dict[str, list[str]] | None = None,
    ) -> None:
        """Fill in and submit the modal (text fields, selects by value, multi-selects by the
        names shown); show what the person sees next."""
        inputs = {
            str(blk.get("block_id")): blk
            for blk in view.get("blocks") or []
            if blk.get("type") == "input"
        }
        state: dict[str, Any] = {}
        shown: list[str] = []
        for block, value in values.items():
            state[block] = {"value": {"type": "plain_text_input", "value": value}}
            flat = " / ".join(line.lstrip("- ") for line in value.splitlines() if line.strip())
            shown.append(f"{_label(inputs.get(block), block)}: {flat}")
        for block, value in (options or {}).items():
            if not value:
                continue
            element = (inputs.get(block) or {}).get("element") or {}
            fallback: dict[str, Any] = {"value": value, "text": {"text": value}}
            option: dict[str, Any] = next(
                (o for o in element.get("options") or [] if o.get("value") == value), fallback
            )
            state[block] = {"value": {"type": "static_select", "selected_option": option}}
            shown.append(f"{_label(inputs.get(block), block)}: {option['text']['text']}")
        for block, names in (multi or {}).items():
            element = (inputs.get(block) or {}).get("element") or {}
            chosen = [o for o in element.get("options") or [] if o["text"]["text"] in names]
            if len(chosen) != len(names):
                raise LookupError(f"not all of {names} are options of {block}")
            kind = "multi_static_select"
            if element.get("type") == "multi_users_select":
                chosen, kind = [], "multi_users_select"
            state[block] = {"value": {"type": kind, "selected_options": chosen}}
            shown.append(f"{_label(inputs.get(block), block)}: {', '.join(names)}")
        for block, blk in inputs.items():
            if block not in state:
                state[block] = {"value": _untouched(blk.get("element") or {})}
        button = str((view.get("submit") or {}).get("text") or "")
        self.out(
            texts.DEMO_FILLS.format(name=self.name(user), values="; ".join(shown), button=button)
        )
        answer = self.client.submit(user, view, state)
        if answer.get("response_action") == "errors":
            lines = [
                texts.DEMO_FIELD_ERROR.format(label=_label(inputs.get(k), k), message=v)
                for k, v in answer["errors"].items()
            ]
            self.out(indent("\n".join([texts.DEMO_FIELD_ERRORS, *lines])))
        elif answer.get("view"):
            self.out(indent(view_to_text(answer["view"], self.names)))

    def dm_channels(self) -> dict[str, str]:
        """DM channel id -> the user it is with."""
        dms = {}
        for call in self.slack.calls_to("conversations.open"):
            channel = ((call.response or {}).get("channel") or {}).get("id")
            if channel:
                dms[channel] = str(call.args.get("users") or "")
        return dms

    def dm_of(self, user: str) -> tuple[str, str | None]:
        """The person's DM channel with the bot and the ts of the bot's last message there."""
        channel = next(c for c, u in self.dm_channels().items() if u == user)
        last = [m for m in self.slack.messages() if m.get("channel") == channel]
        return channel, (str(last[-1].get("ts")) if last else None)

    def show_message(self, message: dict[str, Any], only: tuple[str, ...] = ()) -> bool:
        """One message as its reader sees it; False when it is not for those in `only`."""
        channel = str(message.get("channel"))
        dms = self.dm_channels()
        reader = dms.get(channel, "#")
        if only and reader not in only:
            return False
        where = (
            texts.DEMO_DM_TO.format(name=self.name(reader))
            if channel in dms
            else texts.DEMO_IN_CHANNEL.format(channel=channel)
        )
        self.out(where)
        self.out(indent(message_to_text(message, self.names)))
        return True

    def show_upload(self, upload: Any, only: tuple[str, ...] = ()) -> bool:
        """A file shared in a channel or DM."""
        dms = self.dm_channels()
        reader = dms.get(str(upload.channel_id), "#")
        if only and reader not in only:
            return False
        self.out(texts.DEMO_FILE.format(name=upload.filename, size=len(upload.content)))
        return True

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
        messages = self.slack.messages()
        if not messages:
            self.out(texts.DEMO_NO_MESSAGES)
        for message in messages:
            self.show_message(message)


def _untouched(element: dict[str, Any]) -> dict[str, Any]:
    """What Slack sends for a field the person left as it was: its initial value."""
    kind = str(element.get("type") or "")
    if kind == "static_select":
        return {"type": kind, "selected_option": element.get("initial_option")}
    if kind == "multi_static_select":
        return {"type": kind, "selected_options": element.get("initial_options") or []}
    if kind == "multi_users_select":
        return {"type": kind, "selected_users": element.get("initial_users") or []}
    if kind == "users_select":
        return {"type": kind, "selected_user": element.get("initial_user")}
    return {"type": kind or "plain_text_input", "value": element.get("initial_value")}


def _label(block: dict[str, Any] | None, block_id: str) -> str:
    """The label a person sees next to a field."""
    label = str(((block or {}).get("label") or {}).get("text") or "")
    return label or block_id


def play(
    container: Container,
    slack: Any,
    client: SignedClient,
    examples: Path,
    when: str,
    names: dict[str, str],
    out: Out,
    clock: Any,
    mail: Any,
) -> None:
    """The demo from an empty database to the approved minutes of a meeting."""
    story = Story(slack, client, out)
    story.names = names
    out(texts.DEMO_INTRO)

    story.step(texts.DEMO_STEP_SETUP)
    story.command(SECRETARY, "opsæt")
    view = story.modal(SECRETARY)
    story.submit(
        SECRETARY,
        view,
        demo_script().setup,
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
    for user, topic in demo_script().topics:
        story.command(user, f"emne {topic}")
    form_user, form_fields = demo_script().topic_form
    story.command(form_user, "emne")
    view = story.modal(form_user)
    story.submit(form_user, view, form_fields)

    story.step(texts.DEMO_STEP_MEETING)
    story.command(SECRETARY, "møde")
    view = story.modal(SECRETARY)
    story.submit(SECRETARY, view, {"when": demo_script().impossible_when})
    story.submit(SECRETARY, view, {"when": when, "case_no": "2026-004280"})

    story.step(texts.DEMO_STEP_AGENDA)
    for item in demo_script().items:
        story.command(SECRETARY, "punkt")
        view = story.modal(SECRETARY)
        values = dict(item)
        options = {"meeting": "1", "section": str(values.pop("section"))}
        story.submit(SECRETARY, view, values, options=options)
    story.command("U_MADS", "møde")

    story.step(texts.DEMO_STEP_LISTS)
    story.command("U_SOFIE", "bruttoliste")
    story.command("U_SOFIE", "næste")

    story.step(texts.DEMO_STEP_DELIVERIES)
    story.settle()
    story.deliveries()

    play_meeting(story, container, clock, mail)
