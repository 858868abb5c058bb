"""Profile one request kind in-process (no HTTP): `python -m bench.profile bruttoliste
[--topics N] [--meetings N] [--count N] [--no-cache]`; prints a pyinstrument tree (dev
extra). Regrets are profiled up to the answer; the work after it runs in
handlers.slack.listeners.attendance.process_message."""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from collections.abc import Callable
from typing import Any

from bench import load, seed
from bench.http_bench import REGRETS_TEXT
from bench.servers import SECRET, TOKEN, StandIn
from bot.config import Settings
from handlers.bootstrap import bootstrap
from handlers.slack.serve import build_wsgi


def call(app: Callable[..., Any], request: load.Request) -> bytes:
    """One WSGI call, as gunicorn would make it."""
    body, headers = request
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": load.PATH,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "CONTENT_TYPE": headers["Content-Type"],
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": headers["X-Slack-Request-Timestamp"],
        "HTTP_X_SLACK_SIGNATURE": headers["X-Slack-Signature"],
    }
    out: list[str] = []
    chunks = app(environ, lambda status, hdrs, exc=None: out.append(status))
    return b"".join(chunks)


def main() -> None:
    """Seed, build the app, warm up, profile `count` requests."""
    from pyinstrument import Profiler

    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["bruttoliste", "næste", "emne", "regrets"])
    p.add_argument("--topics", type=int, default=100)
    p.add_argument("--meetings", type=int, default=10)
    p.add_argument("--count", type=int, default=200)
    p.add_argument("--url", default="")
    p.add_argument("--interval", type=float, default=0.001)
    p.add_argument(
        "--no-cache", action="store_true", help="compute every answer (KLU_ANSWER_CACHE=0)"
    )
    args = p.parse_args()
    now = seed.utcnow()
    url = args.url or f"sqlite:///{tempfile.mkdtemp(prefix='klu-prof-')}/klu.db"
    c = seed.committee_db(url, now)
    seed.add_topics(c._engine, args.topics, now)
    seed.add_meetings(c._engine, args.meetings, now)
    seed.analyze(c._engine)
    c.close()
    standin = StandIn()
    settings = Settings(
        database_url=url,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=standin.base_url,
        answer_cache=not args.no_cache,
    )
    app = build_wsgi(bootstrap(settings, migrate=False))
    make = {
        "bruttoliste": load.command("bruttoliste", seed.SECRETARY[0]),
        "næste": load.command("næste", seed.MEMBER[0]),
        "emne": load.command("emne Profil {i}", seed.MEMBER[0]),
        "regrets": load.dm_event(REGRETS_TEXT, seed.MEMBER[0]),
    }[args.what]
    for i in range(10):
        answer = call(app, load.signed(*make(i)))
    print("sample answer:", answer[:200])
    requests = [load.signed(*make(100 + i)) for i in range(args.count)]
    profiler = Profiler(interval=args.interval)
    t0, c0 = time.perf_counter(), time.process_time()
    with profiler:
        for r in requests:
            call(app, r)
    per = (time.perf_counter() - t0) / args.count * 1000
    cpu = (time.process_time() - c0) / args.count * 1000
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    standin.finish()
    print(f"{args.what}: {per:.2f} ms wall, {cpu:.2f} ms CPU per request (profiled)")


if __name__ == "__main__":
    main()
