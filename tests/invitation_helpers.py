"""Test helpers for invitations: a real SMTP inbox (aiosmtpd), the libical checker
(tests/ical_validate.c, compiled once) and raw iCalendar line counting."""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass
from email.message import EmailMessage
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

VALIDATOR_SOURCE = Path(__file__).with_name("ical_validate.c")


@dataclass
class Received:
    """One message as the SMTP server got it."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


class Inbox:
    """aiosmtpd handler that keeps every message."""

    def __init__(self) -> None:
        self.received: list[Received] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        """Messages for one recipient, in arrival order."""
        return [r for r in self.received if address in r.rcpt_tos]


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_smtp() -> tuple[Controller, Inbox]:
    """A real SMTP server on 127.0.0.1."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, inbox


def calendar_part(message: EmailMessage) -> tuple[bytes, str]:
    """The text/calendar part's bytes and its method parameter."""
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            data = part.get_payload(decode=True)
            assert isinstance(data, bytes)
            return data, str(part.get_param("method"))
    raise AssertionError("no text/calendar part")


@cache
def _compiled() -> str:
    if shutil.which("gcc") is None or shutil.which("pkg-config") is None:
        return ""
    flags = subprocess.run(
        ["pkg-config", "--cflags", "--libs", "libical"], capture_output=True, text=True
    )
    if flags.returncode != 0:
        return ""
    binary = Path(tempfile.mkdtemp()) / "ical_validate"
    cmd = ["gcc", "-o", str(binary), str(VALIDATOR_SOURCE), *flags.stdout.split()]
    subprocess.run(cmd, check=True)
    return str(binary)


def libical(data: bytes) -> list[list[str]]:
    """Records from the independent libical checker; fails on any parser/iTIP error."""
    binary = _compiled()
    if not binary:
        pytest.skip("libical missing (apt-get install -y gcc pkg-config libical-dev)")
    with tempfile.NamedTemporaryFile(suffix=".ics") as f:
        f.write(data)
        f.flush()
        result = subprocess.run([binary, f.name], capture_output=True, text=True, encoding="utf-8")
    records = [line.split("\t") for line in result.stdout.splitlines()]
    errors = [r for r in records if r[0] == "ERROR"]
    assert errors == [], errors
    assert result.returncode == 0, result.stderr
    return records


def unescape(value: str) -> str:
    """RFC 5545 §3.3.11 TEXT unescaping (libical prints values escaped)."""
    out, chars = [], iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append("\n" if nxt in "nN" else nxt)
        else:
            out.append(char)
    return "".join(out)


def props(records: list[list[str]]) -> dict[str, str]:
    """VEVENT/VCALENDAR property values by name (libical's reading, unescaped)."""
    wanted = ("VCALENDAR", "VCALENDAR/VEVENT")
    return {r[2]: unescape(r[3]) for r in records if r[0] == "PROP" and r[1] in wanted}


def params(records: list[list[str]], name: str) -> set[str]:
    """Parameters of one VEVENT property, e.g. {'ROLE=REQ-PARTICIPANT', …}."""
    return {
        r[3] for r in records if r[0] == "PARAM" and r[1] == "VCALENDAR/VEVENT" and r[2] == name
    }


def times(records: list[list[str]]) -> dict[str, list[str]]:
    """DTSTART/DTEND: [local, tzid, offset, is_daylight, utc] as libical resolves them."""
    return {r[1]: r[2:] for r in records if r[0] == "TIME"}


def raw_counts(data: bytes) -> dict[str, Counter[str]]:
    """Property names per component instance, counted from the raw unfolded lines."""
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")
    stack: list[str] = []
    counts: dict[str, Counter[str]] = {}
    seen: Counter[str] = Counter()
    for line in filter(None, lines):
        name = line.split(":", 1)[0].split(";", 1)[0].upper()
        value = line.split(":", 1)[1] if ":" in line else ""
        if name == "BEGIN":
            stack.append(value)
            seen["/".join(stack)] += 1
            counts[f"{'/'.join(stack)}#{seen['/'.join(stack)]}"] = Counter()
        elif name == "END":
            stack.pop()
        else:
            path = "/".join(stack)
            counts[f"{path}#{seen[path]}"][name] += 1
    return counts


def assert_no_property_twice(data: bytes) -> None:
    """Every property at most once per component (one ATTENDEE: the file is for one person)."""
    for component, counter in raw_counts(data).items():
        twice = {name: n for name, n in counter.items() if n > 1}
        assert twice == {}, (component, twice)
