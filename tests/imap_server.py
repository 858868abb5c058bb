"""A real IMAP server for the tests: Debian's Dovecot (scripts/system-deps.sh installs
dovecot-imapd), started from a config written into a temporary directory, listening on a free
loopback port, one Maildir per test user, plain-text login (ssl = no; loopback only).

On CI a missing Dovecot fails the test; elsewhere it is skipped with the command to run.
"""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


USERS = 200  # written before Dovecot starts: it may not notice a file changed within a second


@dataclass
class ImapServer:
    """A running Dovecot: where it listens and how to make a fresh mailbox on it."""

    port: int
    root: Path
    users: list[tuple[str, str]]

    def mailbox(self) -> tuple[str, str]:
        """A user not handed out before, with an empty INBOX: (user, password)."""
        return self.users.pop()

    def url(self, user: str, password: str, folder: str = "INBOX", query: str = "") -> str:
        """IMAP_URL for that user (imap://, loopback: no STARTTLS needed)."""
        tail = f"?{query}" if query else ""
        return f"imap://{user}:{password}@127.0.0.1:{self.port}/{folder}{tail}"

    def client(self, user: str, password: str) -> IMAPClient:
        """A logged-in client, as a mail client (or the test) would use it."""
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(user, password)
        return client


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _config(root: Path, port: int) -> str:
    me = pwd.getpwuid(os.getuid()).pw_name
    if os.getuid() == 0:  # Dovecot will not run logins or mail access as root
        internal, login, mail = "dovecot", "dovenull", pwd.getpwnam("dovecot")
    else:
        internal, login, mail = me, me, pwd.getpwuid(os.getuid())
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
first_valid_uid = 0
mail_location = maildir:{root}/mail/%u
mail_uid = {mail.pw_uid}
mail_gid = {mail.pw_gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid={mail.pw_uid} gid={mail.pw_gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


def _wait(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                if s.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            time.sleep(0.1)
    text = log.read_text(errors="replace") if log.exists() else ""
    process.kill()
    raise RuntimeError(f"dovecot did not start:\n{text[-3000:]}")


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    """Dovecot on a free loopback port for the whole session, stopped at the end."""
    if not Path(DOVECOT).exists():
        if os.environ.get("CI"):
            pytest.fail("dovecot is missing on CI (scripts/system-deps.sh installs dovecot-imapd)")
        pytest.skip("dovecot missing (bash scripts/system-deps.sh)")
    # Its own directory, readable by Dovecot's unprivileged processes (pytest's are 0700).
    root = Path(tempfile.mkdtemp(prefix="klu-dovecot-"))
    root.chmod(0o755)
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    users = [(f"klu{n}", secrets.token_hex(8)) for n in range(USERS)]
    (root / "users").write_text("".join(f"{u}:{{PLAIN}}{p}\n" for u, p in users))
    if os.getuid() == 0:
        mail = pwd.getpwnam("dovecot")
        os.chown(root / "mail", mail.pw_uid, mail.pw_gid)
    port = _free_port()
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, port))
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _wait(port, process, root / "dovecot.log")
        yield ImapServer(port, root, users)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)
