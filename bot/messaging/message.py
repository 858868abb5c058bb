"""The neutral message: what the core tells whom, for every way out to render.

A use case says *what* to say: a heading, paragraphs of plain text (emphasis is a span style,
never markup), facts (label and value), small print, files and actions named by intent, and
*whom*: a person, a committee's channel (a thread in it), or an earlier message to replace.
The Slack adapter renders it as Block Kit, the mail adapter as an e-mail; the core never
escapes for a chat service. `to_payload` is what the outbox stores (`{"v": 2, "message": …}`);
rows written before (`{"op": …}` for Slack) are still read by the senders.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

VERSION = 2


class Style(StrEnum):
    """How a span of text stands out."""

    PLAIN = "plain"
    STRONG = "strong"
    EMPHASIS = "emphasis"


@dataclass(frozen=True)
class Span:
    """A piece of one line, in one style; the text is plain (nothing escaped)."""

    text: str
    style: Style = Style.PLAIN


Line = tuple[Span, ...]


def line(*parts: str | Span) -> Line:
    """A line from plain strings and spans."""
    return tuple(p if isinstance(p, Span) else Span(p) for p in parts if p != "")


def strong(text: str) -> Span:
    """Text that stands out (a heading inside the body, a label)."""
    return Span(text, Style.STRONG)


def emphasis(text: str) -> Span:
    """Text set apart more quietly (a side's name, a note)."""
    return Span(text, Style.EMPHASIS)


@dataclass(frozen=True)
class Paragraph:
    """Lines that belong together (may contain empty lines); ways out keep them together."""

    lines: tuple[Line, ...]

    @classmethod
    def of(cls, *lines: str | Line) -> Paragraph:
        """From plain text (split at line ends) and ready-made lines."""
        found: list[Line] = []
        for value in lines:
            if isinstance(value, str):
                found += [line(part) for part in value.split("\n")]
            else:
                found.append(value)
        return cls(tuple(found))

    def as_text(self) -> str:
        """The paragraph as plain text."""
        return "\n".join("".join(s.text for s in ln) for ln in self.lines)


class ActionIntent(StrEnum):
    """What pressing an action asks for; each way out wires it to its own handler."""

    REGRETS = "regrets"
    ATTEND = "attend"
    OPEN_MINUTES = "open_minutes"
    SEND_INVITATIONS = "send_invitations"


class Tone(StrEnum):
    """How an action presents itself: the usual choice, one to think twice about, or neither."""

    NORMAL = "normal"
    PRIMARY = "primary"
    CAUTION = "caution"


@dataclass(frozen=True)
class Action:
    """A choice offered with the message; `ref` names what it is about (a meeting id)."""

    intent: ActionIntent
    label: str
    ref: str
    tone: Tone = Tone.NORMAL


@dataclass(frozen=True)
class File:
    """A file that goes with the message: text content (an .ics), or a document the way out
    renders when it sends (e.g. the minutes' PDF: {"kind": …, "meeting_id": …})."""

    filename: str
    title: str = ""
    content: str = ""
    document: Mapping[str, Any] | None = None


class To(StrEnum):
    """Whom a chat message is addressed to."""

    PERSON = "person"  # a direct message; id is the person's chat id
    CHANNEL = "channel"  # a committee's channel (thread: a reply in it)
    EARLIER = "earlier"  # replace a message already sent; id is that delivery's result


@dataclass(frozen=True)
class Address:
    """Where a chat message goes (e-mail needs none: the row's recipient is the address)."""

    to: To
    id: str
    thread: str | None = None

    @classmethod
    def person(cls, chat_id: str) -> Address:
        return cls(To.PERSON, chat_id)

    @classmethod
    def channel(cls, channel_id: str, thread: str | None = None) -> Address:
        return cls(To.CHANNEL, channel_id, thread)

    @classmethod
    def earlier(cls, result: str) -> Address:
        return cls(To.EARLIER, result)


@dataclass(frozen=True)
class Message:
    """What to tell, and (for chat) whom; all text is plain."""

    address: Address | None = None
    heading: str = ""
    paragraphs: tuple[Paragraph, ...] = ()
    facts: tuple[tuple[str, str], ...] = ()
    note: str = ""  # small print after the body
    files: tuple[File, ...] = ()
    actions: tuple[Action, ...] = ()
    preview: str = ""  # the short text a notification shows ('' = the body)
    subject: str = ""  # e-mail subject
    to_name: str = ""  # e-mail: the recipient's name
    from_name: str = ""  # e-mail: the sender's name, when not the bot's
    extra: Mapping[str, Any] = field(default_factory=dict)  # e.g. committee_id, meeting_id


def text(*paragraphs: str | Paragraph) -> tuple[Paragraph, ...]:
    """Paragraphs from plain strings (one paragraph each) and ready-made ones."""
    return tuple(p if isinstance(p, Paragraph) else Paragraph.of(p) for p in paragraphs)


def to_payload(message: Message) -> dict[str, Any]:
    """The outbox payload of a message (JSON-ready)."""
    body: dict[str, Any] = {}
    if message.address is not None:
        a = message.address
        body["address"] = {"to": a.to.value, "id": a.id, "thread": a.thread}
    for name in ("heading", "note", "preview", "subject", "to_name", "from_name"):
        value = getattr(message, name)
        if value:
            body[name] = value
    if message.paragraphs:
        body["paragraphs"] = [
            [[[s.text, s.style.value] for s in ln] for ln in p.lines] for p in message.paragraphs
        ]
    if message.facts:
        body["facts"] = [list(f) for f in message.facts]
    if message.files:
        body["files"] = [file_payload(f) for f in message.files]
    if message.actions:
        body["actions"] = [
            {"intent": a.intent.value, "label": a.label, "ref": a.ref, "tone": a.tone.value}
            for a in message.actions
        ]
    return {"v": VERSION, "message": body, **message.extra}


def file_payload(f: File) -> dict[str, Any]:
    """A file as the outbox stores it (in a message, or beside an iMIP e-mail's calendar)."""
    found: dict[str, Any] = {"filename": f.filename, "title": f.title}
    if f.document is not None:
        found["document"] = dict(f.document)
    else:
        found["content"] = f.content
    return found


def is_message(payload: Mapping[str, Any]) -> bool:
    """True for a payload written by `to_payload` (False for the older formats)."""
    return payload.get("v") == VERSION and isinstance(payload.get("message"), dict)


def from_payload(payload: Mapping[str, Any]) -> Message:
    """The message back from its outbox payload."""
    body: Mapping[str, Any] = payload["message"]
    address = None
    if body.get("address"):
        a = body["address"]
        address = Address(To(a["to"]), str(a["id"]), a.get("thread"))
    paragraphs = tuple(
        Paragraph(tuple(tuple(Span(str(t), Style(s)) for t, s in ln) for ln in p))
        for p in body.get("paragraphs") or []
    )
    files = tuple(
        File(f["filename"], f.get("title", ""), f.get("content", ""), f.get("document"))
        for f in body.get("files") or []
    )
    actions = tuple(
        Action(ActionIntent(a["intent"]), a["label"], a["ref"], Tone(a.get("tone", "normal")))
        for a in body.get("actions") or []
    )
    extra = {k: v for k, v in payload.items() if k not in ("v", "message")}
    return Message(
        address=address,
        heading=body.get("heading", ""),
        paragraphs=paragraphs,
        facts=tuple((str(k), str(v)) for k, v in body.get("facts") or []),
        note=body.get("note", ""),
        files=files,
        actions=actions,
        preview=body.get("preview", ""),
        subject=body.get("subject", ""),
        to_name=body.get("to_name", ""),
        from_name=body.get("from_name", ""),
        extra=extra,
    )
