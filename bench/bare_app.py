"""The plainest Bolt app, for comparison: it acknowledges `/klu` and events, nothing more.

Served exactly like KLU-bot (gunicorn, same workers and threads, /healthz, signed requests):
`gunicorn 'bench.bare_app:create_wsgi_app()'`. BENCH_BOLT_MODE picks Bolt's mode:
`default` (the listener runs in a thread and the request thread polls for ack() every
10 ms) or `pbr` (process_before_response=True: the listener runs in the request thread).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def create_app(mode: str, token: str, secret: str, api_url: str) -> App:
    """A Bolt app with one command listener and one event listener that only ack."""
    app = App(
        client=WebClient(token=token, base_url=api_url),
        signing_secret=secret,
        process_before_response=mode == "pbr",
        token_verification_enabled=False,
    )

    @app.command("/klu")
    def klu(ack: Ack) -> None:
        ack()

    @app.event("message")
    def message() -> None:
        pass

    return app


def create_wsgi_app() -> WsgiApp:
    """gunicorn's factory: the bare app on /slack/events, `ok` on /healthz."""
    env = os.environ
    app = create_app(
        env.get("BENCH_BOLT_MODE", "default"),
        env["SLACK_BOT_TOKEN"],
        env["SLACK_SIGNING_SECRET"],
        env.get("SLACK_API_URL", "https://slack.com/api/"),
    )
    slack = SlackRequestHandler(app, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"ok\n"]
        return slack(environ, start_response)

    return wsgi
