"""The load generator: N client threads, each with one persistent HTTP/1.1 connection,
sending pre-built signed Slack requests back to back; latency from send to last byte."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import itertools
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.seed import CHANNEL
from bench.servers import SECRET

Request = tuple[bytes, dict[str, str]]
Unsigned = tuple[bytes, str]
Factory = Callable[[int], Unsigned]
PATH = "/slack/events"


def signed(body: bytes, content_type: str) -> Request:
    """The body with Slack's v0 signature headers (valid for five minutes)."""
    ts = str(int(time.time()))
    base = b"v0:" + ts.encode() + b":" + body
    sig = "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sig,
    }
    return body, headers


_FACTORIES = itertools.count(1)


def command(text: str, user: str) -> Factory:
    """`/klu <text>` from a user in the committee's channel ({i} in text is the number,
    {run} this factory's own: a text made twice would be a retyped topic, which adds nothing)."""
    run = next(_FACTORIES)

    def make(i: int) -> Unsigned:
        fields = {
            "token": "legacy",
            "team_id": "T0KLU",  # the stand-in's workspace (auth.test): others are refused
            "channel_id": CHANNEL,
            "channel_name": "klu",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/klu",
            "text": text.format(i=i, run=run),
            "api_app_id": "A0KLU",
            "response_url": f"http://127.0.0.1:9/respond/{i}",
            "trigger_id": f"trigger.{i}",
        }
        return urlencode(fields).encode(), "application/x-www-form-urlencoded"

    return make


def dm_event(text: str, user: str, channel: str = "D_SOFIE") -> Factory:
    """A message.im event (a reply to the bot), each with its own event id."""

    def make(i: int) -> Unsigned:
        body = {
            "token": "legacy",
            "team_id": "T0KLU",
            "api_app_id": "A0KLU",
            "type": "event_callback",
            "event_id": f"EvBench{time.time_ns()}_{i}",
            "event_time": int(time.time()),
            "event": {
                "type": "message",
                "channel_type": "im",
                "channel": channel,
                "user": user,
                "text": text,
                "ts": f"{1_700_000_000 + i}.000100",
            },
        }
        return json.dumps(body).encode(), "application/json"

    return make


@dataclass
class Result:
    """One load run: latencies in seconds, wall time, failures."""

    clients: int
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    errors: int = 0
    error_sample: str = ""

    def pct(self, p: float) -> float:
        """The p-th percentile latency in ms (nearest rank)."""
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000

    @property
    def rps(self) -> float:
        """Completed requests per second."""
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0


def run(
    port: int, make: Factory, *, clients: int, per_client: int, warmup: int = 5, start: int = 0
) -> Result:
    """`clients` threads send `per_client` requests each after `warmup` untimed ones."""
    total = warmup + per_client
    plans = [[make(start + c * total + i) for i in range(total)] for c in range(clients)]
    # signed just before sending: a slow run must not outlive Slack's five-minute window
    result = Result(clients)
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)
    go = threading.Event()

    def client(plan: list[Unsigned]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        errors, sample = 0, ""
        for n, (body, content_type) in enumerate(plan):
            if n == warmup:
                ready.wait()
                go.wait()
            headers = signed(body, content_type)[1]
            t0 = time.perf_counter()
            try:
                conn.request("POST", PATH, body=body, headers=headers)
                reply = conn.getresponse()
                data = reply.read()
                ok = reply.status == 200
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok, data = False, repr(exc).encode()
            t1 = time.perf_counter()
            if n >= warmup:
                if ok:
                    mine.append(t1 - t0)
                else:
                    errors += 1
                    sample = sample or data[:200].decode(errors="replace")
        conn.close()
        with lock:
            result.latencies.extend(mine)
            result.errors += errors
            result.error_sample = result.error_sample or sample

    threads = [threading.Thread(target=client, args=(p,)) for p in plans]
    for th in threads:
        th.start()
    ready.wait()
    t_start = time.perf_counter()
    go.set()
    for th in threads:
        th.join()
    result.elapsed = time.perf_counter() - t_start
    return result


def check_once(port: int, make: Factory, expect: str) -> str:
    """Send one request and return the body; raise when `expect` is not in it."""
    body, headers = signed(*make(10**9))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("POST", PATH, body=body, headers=headers)
    reply = conn.getresponse()
    text = reply.read().decode()
    conn.close()
    if reply.status != 200 or expect not in text:
        raise RuntimeError(f"unexpected answer {reply.status}: {text[:300]}")
    return text
