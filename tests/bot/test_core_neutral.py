"""The core speaks no chat service: bot/ holds no Block Kit, no mrkdwn, no Slack Web API
operations; each way out renders the neutral Message, and rows queued in the older formats
still go out after the upgrade.

The scan reads every module under bot/ as a syntax tree (string constants, dict literals,
attribute names), so a word in a comment or a docstring's prose is no hit but a payload is."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from bot.messaging import outbox
from bot.messaging.message import (
    Action,
    ActionIntent,
    Address,
    File,
    Message,
    Paragraph,
    Tone,
    emphasis,
    from_payload,
    line,
    strong,
    text,
    to_payload,
)
from bot.messaging.outbox import EMAIL, SLACK, dispatch_due
from handlers.bootstrap import Container
from handlers.mail.render import mail_fields
from handlers.mail.smtp import SmtpSender, SmtpSettings
from handlers.slack.render import operation
from handlers.slack.sender import SlackSender, make_client
from tests.conftest import FakeClock
from tests.invitation_helpers import Inbox, start_smtp
from tests.slack_standin import SlackStandIn

ROOT = Path(__file__).resolve().parents[2]

BLOCK_KIT_KEYS = {"blocks", "elements", "accessory", "action_id", "block_id", "op"}
BLOCK_KIT_TYPES = {
    "section", "mrkdwn", "plain_text", "actions", "context", "header", "button", "divider",
    "input", "modal", "home", "overflow", "static_select",
}  # fmt: skip
SLACK_METHOD = re.compile(r"^(chat|conversations|files|views|users|reactions|im)\.[A-Za-z_.]+$")
SLACK_CALLS = re.compile(
    r"^(chat_(postMessage|update|postEphemeral)|conversations_\w+|files_upload\w*|views_\w+)$"
)
ENTITIES = ("&amp;", "&lt;", "&gt;")
BOLD = re.compile(r"(?<![\w*])\*[^\s*][^*\n]*\*(?![\w*])")
ITALIC = re.compile(r"(?<![\w_])_[^\s_][^_\n]*_(?![\w_])")
REGEX_SOURCE = re.compile(r"\(\?|\\[sSdDwWb]|\[\^|[)\]]\*")  # a pattern, not words to show
ADAPTER_TEXT = re.compile(r"(^|_)SLACK_")
"""bot/texts.py also holds the Slack adapter's own words (its answers, Home tab, forms):
their names say so, only handlers/slack uses them, and they may carry mrkdwn."""


def _strings(node: ast.AST) -> Iterator[ast.Constant]:
    """String constants that are data, not docstrings nor the Slack adapter's own texts."""
    docstrings = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Assign) and any(
            isinstance(t, ast.Name) and ADAPTER_TEXT.search(t.id) for t in n.targets
        ):
            docstrings.update(id(c) for c in ast.walk(n.value))
        if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = n.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for n in ast.walk(node):
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings:
            yield n


def chat_service_traces(source: str, name: str = "<source>") -> list[str]:
    """Every place in a module's source that speaks Slack: one line each."""
    tree = ast.parse(source)
    found: list[str] = []

    def hit(node: ast.AST, what: str) -> None:
        found.append(f"{name}:{getattr(node, 'lineno', 0)}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if not isinstance(key, ast.Constant):
                    continue
                if key.value in BLOCK_KIT_KEYS:
                    hit(key, f"Block Kit / operation key {key.value!r}")
                if (
                    key.value == "type"
                    and isinstance(value, ast.Constant)
                    and value.value in BLOCK_KIT_TYPES
                ):
                    hit(value, f"Block Kit type {value.value!r}")
        elif isinstance(node, ast.Attribute) and SLACK_CALLS.match(node.attr):
            hit(node, f"Slack Web API call {node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module and "mrkdwn" in node.module:
            hit(node, f"imports {node.module}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if "mrkdwn" in alias.name or alias.name.startswith("handlers"):
                    hit(node, f"imports {alias.name}")
    for const in _strings(tree):
        value = const.value
        assert isinstance(value, str)
        if SLACK_METHOD.match(value):
            hit(const, f"Slack method name {value!r}")
        if value in ("mrkdwn", "plain_text"):
            hit(const, f"Block Kit word {value!r}")
        for entity in ENTITIES:
            if entity in value:
                hit(const, f"mrkdwn escaping {entity!r}")
        for pattern in (BOLD, ITALIC):
            match = None if REGEX_SOURCE.search(value) else pattern.search(value)
            if match:
                hit(const, f"mrkdwn emphasis {match.group(0)!r}")
    return found


def test_no_module_under_bot_speaks_slack() -> None:
    found = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        found += chat_service_traces(source, str(path.relative_to(ROOT)))
    assert found == []


def _marked_adapter_texts() -> set[str]:
    """Names of the Slack adapter's texts in bot/texts.py that carry mrkdwn emphasis."""
    tree = ast.parse((ROOT / "bot" / "texts.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign):
            continue
        for target in node.targets:
            if isinstance(target, ast.Name) and ADAPTER_TEXT.search(target.id):
                for c in ast.walk(node.value):
                    text_value = c.value if isinstance(c, ast.Constant) else None
                    if isinstance(text_value, str) and (
                        BOLD.search(text_value) or ITALIC.search(text_value)
                    ):
                        names.add(target.id)
    return names


def test_only_the_slack_adapter_uses_its_marked_up_texts() -> None:
    """The exemption above holds: no module under bot/ but texts.py uses an adapter text
    that carries mrkdwn (the plain SLACK_ texts, e.g. "not linked", the core may raise)."""
    marked = _marked_adapter_texts()
    assert "SLACK_HELP_HEADER" in marked
    found = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        if path.name == "texts.py" and path.parent.name == "bot":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in marked:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.attr}")
    assert found == []


OLD_CORE = {
    "Block Kit": '{"type": "section", "text": {"type": "mrkdwn", "text": body}}',
    "buttons": '{"type": "actions", "elements": [{"action_id": "regrets_button"}]}',
    "an operation": '{"op": "dm", "user": user, "text": text}',
    "escaping": 'text.replace("&", "&amp;").replace("<", "&lt;")',
    "bold mrkdwn": 'SUMMARY_WHEN = "*Tid:* {when}"',
    "italic mrkdwn": 'SUMMARY_SIDE = "_{side}_"',
    "the escaper": "from bot.messaging.mrkdwn import escape",
    "a Web API call": "client.chat_postMessage(channel=c)",
    "a method name": 'METHOD = "chat.postMessage"',
}


@pytest.mark.parametrize("source", OLD_CORE.values(), ids=OLD_CORE.keys())
def test_the_scan_sees_what_the_core_used_to_hold(source: str) -> None:
    """Each of these stood in bot/ before the neutral Message (see git history of
    bot/invitations/content.py, bot/minutes/summary.py, bot/texts.py)."""
    assert chat_service_traces(source) != []


@pytest.mark.parametrize(
    "source",
    [
        '"""A docstring may say {"type": "section"} and chat.postMessage."""',
        'KEY = "regrets_button"',  # an identifier-like word, not emphasis
        'FILENAMES = {"update": "opdatering.ics"}',
        'TEXT = "2 * 3 = 6 og 4 * 5"',
        'MD = f"**{label}:** {value}"',  # the document's Markdown, not Slack's
        'PATTERN = r"(?:kommer|deltager)\\s+ikke(?:\\s+op)?*"',
        'SLACK_HELP_HEADER = "*KLU-bot* – sådan bruger du"',  # the adapter's own words
    ],
)
def test_the_scan_leaves_ordinary_code_alone(source: str) -> None:
    assert chat_service_traces(source) == []


# --- rendering -------------------------------------------------------------------------------

HOSTILE = "<!channel> & <@U0BOSS> <http://x|klik>"


def _invitation() -> Message:
    return Message(
        address=Address.person("U0ANNE"),
        heading=f"Indkaldelse: {HOSTILE}",
        facts=(("Sted", HOSTILE),),
        paragraphs=(Paragraph.of(line(strong(HOSTILE), " efter"), HOSTILE),),
        note="Kalenderfilen følger herunder.",
        actions=(Action(ActionIntent.REGRETS, "Meld afbud", "7", Tone.CAUTION),),
        preview=f"Indkaldelse {HOSTILE}",
        extra={"committee_id": 1},
    )


def _mrkdwn_texts(node: object) -> list[str]:
    if isinstance(node, dict):
        found = [node["text"]] if node.get("type") == "mrkdwn" else []
        return found + [s for v in node.values() for s in _mrkdwn_texts(v)]
    if isinstance(node, list):
        return [s for v in node for s in _mrkdwn_texts(v)]
    return []


def test_slack_escapes_every_mrkdwn_text_exactly_once() -> None:
    op = operation(to_payload(_invitation()))
    assert op["op"] == "dm" and op["user"] == "U0ANNE" and op["committee_id"] == 1
    shown = [op["text"], *_mrkdwn_texts(op["blocks"])]
    escaped = "&lt;!channel&gt; &amp; &lt;@U0BOSS&gt; &lt;http://x|klik&gt;"
    assert all("<" not in s for s in shown)
    assert "&amp;amp;" not in str(op) and "&amp;lt;" not in str(op)
    assert op["text"] == f"Indkaldelse {escaped}"
    assert f"*{escaped}* efter\n{escaped}" in shown
    assert f"*Sted*\n{escaped}" in shown
    header = op["blocks"][0]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Indkaldelse: " + HOSTILE},
    }


def test_actions_become_the_buttons_the_listeners_answer() -> None:
    op = operation(to_payload(_invitation()))
    (actions,) = [b for b in op["blocks"] if b["type"] == "actions"]
    (button,) = actions["elements"]
    assert (button["action_id"], button["value"], button["style"]) == (
        "regrets_button",
        "7",
        "danger",
    )
    assert button["text"]["text"] == "Meld afbud"


def test_a_plain_message_is_text_only_and_emphasis_is_mrkdwn() -> None:
    message = Message(
        address=Address.channel("C0KLU", thread="1.2"),
        paragraphs=(Paragraph.of(line(emphasis("Gæster")), "a_b *c*"), *text("næste")),
    )
    op = operation(to_payload(message))
    assert op == {"op": "post", "channel": "C0KLU", "thread_ts": "1.2",
                  "text": "_Gæster_\na_b *c*\n\nnæste"}  # fmt: skip


def test_the_payload_round_trips() -> None:
    message = _invitation()
    assert from_payload(to_payload(message)) == message


def test_mail_renders_plain_text_with_facts_and_no_escaping() -> None:
    message = Message(
        heading="Indkaldelse",
        subject="Emne",
        facts=(("Sted", "A & B"),),
        paragraphs=(Paragraph.of(line(strong("Tid:"), " 15:00")), *text("<hej>")),
        to_name="Anne",
    )
    fields = mail_fields(to_payload(message))
    assert fields["subject"] == "Emne" and fields["to_name"] == "Anne"
    assert fields["text"] == "Indkaldelse\n\nSted: A & B\n\nTid: 15:00\n\n<hej>"


# --- rows queued before the upgrade ----------------------------------------------------------

LEGACY_SLACK = {
    "old:post": {"op": "post", "channel": "C0KLU", "text": "Dagsorden er klar"},
    "old:dm": {
        "op": "dm", "user": "U0ANNE", "text": "Indkaldelse",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*Dato*\n18. juni"}}],
    },
    "old:file": {
        "op": "upload", "user": "U0ANNE", "content": "BEGIN:VCALENDAR", "title": "Møde",
        "filename": "invitation.ics",
    },
}  # fmt: skip


@pytest.fixture
def slack(clock: FakeClock) -> Iterator[SlackStandIn]:
    with SlackStandIn(ts_clock=lambda: clock().timestamp()) as standin:
        yield standin


@pytest.fixture
def smtp() -> Iterator[tuple[int, Inbox]]:
    controller: Controller
    controller, inbox = start_smtp()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


def _enqueue(
    c: Container, key: str, channel: str, recipient: str, payload: dict[str, object]
) -> None:
    with c.uow() as uow:
        outbox.enqueue(
            uow, key=key, channel=channel, kind="test", recipient=recipient, payload=payload,
            now=c.clock(),
        )  # fmt: skip
        uow.commit()


def test_rows_queued_in_the_old_format_still_go_out(
    container: Container, slack: SlackStandIn, smtp: tuple[int, Inbox]
) -> None:
    port, inbox = smtp
    for key, payload in LEGACY_SLACK.items():
        _enqueue(container, key, SLACK, "U0ANNE", payload)
    old_mail = {"subject": "Referat", "text": "Referatet er godkendt.", "to_name": "Anne"}
    _enqueue(container, "old:mail", EMAIL, "anne@fjordby.dk", old_mail)
    new = Message(address=Address.person("U0ANNE"), paragraphs=text("Ny form"))
    _enqueue(container, "new:dm", SLACK, "U0ANNE", to_payload(new))
    file = File("invitation.ics", "Møde", content="BEGIN:VCALENDAR")
    mail = Message(subject="Ny", paragraphs=text("Ny & form"), to_name="Anne", files=(file,))
    _enqueue(container, "new:mail", EMAIL, "anne@fjordby.dk", to_payload(mail))
    senders = {
        SLACK: SlackSender(make_client("xoxb-test", slack.base_url)),
        EMAIL: SmtpSender(SmtpSettings.from_url(f"smtp://127.0.0.1:{port}"), "klu-bot@fjordby.dk"),
    }

    report = dispatch_due(container.uow, senders, now=container.clock())

    assert report.sent == 6 and report.failed == report.retried == 0
    posts = slack.calls_to("chat.postMessage")
    assert sorted(str(c.args["text"]) for c in posts) == [
        "Dagsorden er klar",
        "Indkaldelse",
        "Ny form",
    ]
    (dm,) = [c for c in posts if c.args["text"] == "Indkaldelse"]
    assert "*Dato*" in str(dm.args["blocks"])
    assert len(slack.calls_to("files.completeUploadExternal")) == 1
    received = {str(r.message["Subject"]): r.message for r in inbox.to("anne@fjordby.dk")}
    assert set(received) == {"Referat", "Ny"}
    assert _body(received["Referat"]) == "Referatet er godkendt.\n"
    assert _body(received["Ny"]) == "Ny & form\n"
    attachments = [p.get_filename() for p in received["Ny"].iter_attachments()]
    assert attachments == ["invitation.ics"]


def _body(message: EmailMessage) -> str:
    part = message.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")
