"""Servers that speak OAuth 2.0 for the mail tests, all on 127.0.0.1:

- an aiosmtpd SMTP server that takes AUTH XOAUTH2 (and answers a wrong token the way
  Exchange Online does: a 334 with a JSON error, then 535 after the client's empty line);
- Dovecot (Debian's dovecot-imapd) with an oauth2 passdb that asks a small local
  introspection endpoint (RFC 7662) whether a token is good;
- Microsoft Entra ID as msal sees it, at msal's own HTTP seam (its `http_client`):
  the tenant's OpenID configuration and the token endpoint, counting what it is asked.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import MISSING, AuthResult

from tests.invitation_helpers import Inbox, free_port

# --- SMTP ---------------------------------------------------------------------------------------


def parse_xoauth2(blob: bytes) -> tuple[str, str] | None:
    """(user, token) from a decoded XOAUTH2 initial response, None when it is malformed."""
    text = blob.decode("utf-8", errors="replace")
    if not text.endswith("\x01\x01"):
        return None
    fields = dict(part.split("=", 1) for part in text[:-2].split("\x01") if "=" in part)
    auth = fields.get("auth", "")
    if "user" not in fields or not auth.startswith("Bearer "):
        return None
    return fields["user"], auth.removeprefix("Bearer ")


class XOAuth2Inbox(Inbox):
    """An inbox that logs senders in with XOAUTH2 only, for one mailbox and one token."""

    def __init__(self, user: str, token: str) -> None:
        super().__init__()
        self.user, self.token = user, token
        self.logins: list[tuple[str, bool]] = []  # (user, accepted) per AUTH

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:
        if len(args) < 2:
            return AuthResult(
                success=False, handled=False, message="501 5.5.2 initial response required"
            )
        try:
            found = parse_xoauth2(base64.b64decode(args[1], validate=True))
        except binascii.Error:
            found = None
        good = found == (self.user, self.token)
        self.logins.append((found[0] if found else "", good))
        if good:
            return AuthResult(success=True, auth_data=found)
        error = json.dumps({"status": "401", "schemes": "bearer", "scope": "SMTP.SendAsApp"})
        if await server.challenge_auth(error) is MISSING:
            return AuthResult(success=False, handled=True)
        return AuthResult(
            success=False, handled=False, message="535 5.7.3 Authentication unsuccessful"
        )


def start_xoauth2_smtp(user: str, token: str) -> tuple[Controller, XOAuth2Inbox]:
    """A real SMTP server on 127.0.0.1 that wants AUTH XOAUTH2 before MAIL FROM."""
    inbox = XOAuth2Inbox(user, token)
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=free_port(),
        auth_required=True,
        auth_require_tls=False,  # loopback only: the test has no certificate
        auth_exclude_mechanism=["LOGIN", "PLAIN"],
    )
    controller.start()
    return controller, inbox


# --- Microsoft Entra ID at msal's HTTP seam -----------------------------------------------------


@dataclass
class EntraResponse:
    """What msal reads from an HTTP response (msal.oauth2cli.http.Response)."""

    status_code: int
    text: str
    headers: dict[str, str] = field(default_factory=dict)

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise OSError(f"HTTP {self.status_code}")


class FakeEntra:
    """The tenant's endpoints as msal calls them. `tokens` are handed out in order, each
    with its expires_in; `error` (a dict) answers the token request with 401 instead;
    `down` makes every request fail as a network error would."""

    def __init__(self, tenant: str, tokens: list[tuple[str, int]]) -> None:
        self.base = f"https://login.microsoftonline.com/{tenant}"
        self.tokens = list(tokens)
        self.error: dict[str, str] | None = None
        self.down = False
        self.token_requests: list[dict[str, Any]] = []

    def get(self, url: str, params: Any = None, headers: Any = None, **_: Any) -> EntraResponse:
        if self.down:
            raise ConnectionError("login.microsoftonline.com: Name or service not known")
        if url == "https://login.microsoftonline.com/common/discovery/instance":
            aliases = ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com"]
            group = {
                "preferred_network": "login.microsoftonline.com",
                "preferred_cache": "login.windows.net",
                "aliases": aliases,
            }
            return EntraResponse(200, json.dumps({"api-version": "1.1", "metadata": [group]}))
        if url != f"{self.base}/v2.0/.well-known/openid-configuration":
            return EntraResponse(404, "{}")
        config = {
            "token_endpoint": f"{self.base}/oauth2/v2.0/token",
            "authorization_endpoint": f"{self.base}/oauth2/v2.0/authorize",
            "issuer": "https://login.microsoftonline.com/9f8e7d6c-0000-4000-8000-00000000abcd/v2.0",
        }
        return EntraResponse(200, json.dumps(config))

    def post(
        self, url: str, params: Any = None, data: Any = None, headers: Any = None, **_: Any
    ) -> EntraResponse:
        if self.down:
            raise ConnectionError("login.microsoftonline.com: Name or service not known")
        if url != f"{self.base}/oauth2/v2.0/token":
            return EntraResponse(404, "{}")
        form = dict(data) if isinstance(data, dict) else dict(urllib.parse.parse_qsl(str(data)))
        self.token_requests.append(form)
        if self.error is not None:
            return EntraResponse(401, json.dumps(self.error))
        token, expires_in = self.tokens.pop(0)
        body = {"token_type": "Bearer", "expires_in": expires_in, "access_token": token}
        return EntraResponse(200, json.dumps(body))


# --- Dovecot with an oauth2 passdb --------------------------------------------------------------


class Introspection:
    """An RFC 7662 token introspection endpoint on 127.0.0.1 (what Dovecot's oauth2 passdb
    asks with introspection_mode = post): active for the known tokens, each naming its user."""

    def __init__(self, tokens: dict[str, str]) -> None:
        self.tokens = tokens
        self.asked: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                token = form.get("token", [""])[0]
                outer.asked.append(token)
                user = outer.tokens.get(token)
                answer = {"active": True, "username": user} if user else {"active": False}
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/introspect"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


DOVECOT = shutil.which("dovecot") or (
    "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
)


@dataclass
class DovecotServer:
    port: int
    introspection: Introspection
    log: Path


def _dovecot_users() -> tuple[str, str, int, int]:
    """(internal user, login user, mail uid, mail gid): Debian's own users when run as root,
    else the one running the tests."""
    if os.geteuid() == 0:
        mail = pwd.getpwnam("dovecot")
        return "dovecot", "dovenull", mail.pw_uid, mail.pw_gid
    me = pwd.getpwuid(os.geteuid())
    return me.pw_name, me.pw_name, me.pw_uid, me.pw_gid


@contextmanager
def dovecot_xoauth2(tokens: dict[str, str]) -> Iterator[DovecotServer]:
    """Dovecot on 127.0.0.1 taking only AUTHENTICATE XOAUTH2, checking tokens (token -> user)
    at a local introspection endpoint; stopped (our own process, by its pid) afterwards."""
    assert DOVECOT, "dovecot-imapd is not installed (scripts/system-deps.sh)"
    introspection = Introspection(tokens)
    # Not pytest's tmp_path: Dovecot's own users must be able to reach the directory.
    root = Path(tempfile.mkdtemp(prefix="klu-oauth-dovecot-"))
    root.chmod(0o755)
    internal, login, uid, gid = _dovecot_users()
    (root / "mail").mkdir()
    os.chown(root / "mail", uid, gid)
    port = free_port()
    (root / "oauth2.conf.ext").write_text(
        "introspection_mode = post\n"
        f"introspection_url = {introspection.url}\n"
        "force_introspection = yes\n"
        "username_attribute = username\n"
        "active_attribute = active\n"
        "active_value = true\n"
    )
    (root / "dovecot.conf").write_text(
        f"""base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = xoauth2
default_internal_user = {internal}
default_login_user = {login}
first_valid_uid = {uid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = oauth2
  mechanisms = xoauth2
  args = {root}/oauth2.conf.ext
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
}}
service anvil {{
  chroot =
}}
"""
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(port, process, root / "dovecot.log")
        yield DovecotServer(port, introspection, root / "dovecot.log")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        introspection.close()
        shutil.rmtree(root, ignore_errors=True)


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode() if process.stderr else ""
            text = log.read_text() if log.exists() else ""
            raise AssertionError(f"dovecot stopped: {err}\n{text}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("dovecot did not listen within 15 s")
