"""Processes the benchmark runs: the Slack stand-in and gunicorn (KLU-bot or the bare app)."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
# The Procfile's web process: 2 workers x 4 threads (gthread), here on loopback.
WORKERS = 2
THREADS = 4
KLU_APP = "handlers.slack.serve:create_wsgi_app()"
BARE_APP = "bench.bare_app:create_wsgi_app()"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class StandIn:
    """`python -m bench.standin` as a child process."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.standin"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.base_url = self.proc.stdout.readline().strip()

    def finish(self) -> dict[str, Any]:
        """Stop it and return its summary of chat.postMessage calls."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()
        line = self.proc.stdout.readline()
        self.proc.wait(timeout=30)
        return dict(json.loads(line)) if line.strip() else {}


class Gunicorn:
    """A gunicorn master with WORKERS x THREADS serving one WSGI factory on loopback."""

    def __init__(self, app: str, env: dict[str, str]) -> None:
        self.port = free_port()
        full = {**os.environ, **env, "SLACK_SIGNING_SECRET": SECRET, "SLACK_BOT_TOKEN": TOKEN}
        self.proc = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", str(WORKERS), "--threads", str(THREADS),
                "--timeout", "30", "--log-level", "warning",
                app,
            ],
            cwd=ROOT,
            env=full,
        )  # fmt: skip
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200 and len(self.worker_pids()) == WORKERS:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not become healthy")

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the master)."""
        path = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def peak_rss_mb(self) -> float:
        """The largest peak resident set (VmHWM) of any worker, in MB."""
        peak = 0
        for pid in self.worker_pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
            except OSError:
                continue
        return peak / 1024

    def stop(self) -> None:
        """Graceful stop (SIGTERM to the master), then wait."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
