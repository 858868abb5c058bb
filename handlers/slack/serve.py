"""HTTP serving: a WSGI app with POST /slack/events (Bolt) and GET /healthz.

Production: `gunicorn 'handlers.slack.serve:create_wsgi_app()'` (see Procfile); each worker
process builds its own app and outbox thread after the fork. Development: `klu-bot serve`
runs the same WSGI app in a threaded stdlib server.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.config import load_settings, require
from handlers.bootstrap import Container, bootstrap
from handlers.logs import NO_REQUEST, request_context
from handlers.logs import configure as configure_logs
from handlers.slack.app import create_app
from handlers.slack.identity import Linker
from handlers.slack.sender import make_client
from handlers.slack.worker import OutboxWorker, make_senders

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
REQUIRED = ("slack_bot_token", "slack_signing_secret", "database_url")

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def start_worker(container: Container, **options: Any) -> OutboxWorker:
    """The outbox/linking thread for this process, started."""
    settings = container.settings
    client = make_client(settings.slack_bot_token, settings.slack_api_url)
    worker = OutboxWorker(
        container, make_senders(settings), Linker(container.uow, client), **options
    )
    worker.start()
    return worker


def build_wsgi(container: Container, worker: OutboxWorker | None = None) -> WsgiApp:
    """Route /healthz to a database check and everything else to Bolt."""
    slack = SlackRequestHandler(create_app(container, background=worker), path=EVENTS_PATH)

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") == "GET":
            ok = container.healthy()
            status = "200 OK" if ok else "503 Service Unavailable"
            body = b"ok\n" if ok else b"database unavailable\n"
            start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
            return [body]
        with request_context(NO_REQUEST):  # Bolt's middleware sets the id; reset after
            return slack(environ, start_response)

    return app


def create_wsgi_app() -> WsgiApp:
    """gunicorn's factory: settings from the environment, schema already upgraded (release)."""
    settings = load_settings()
    require(settings, REQUIRED)
    configure_logs()
    container = bootstrap(settings, migrate=False)
    return build_wsgi(container, start_worker(container))


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s " + format, self.address_string(), *args)


def make_dev_server(app: WsgiApp, host: str, port: int) -> WSGIServer:
    """A threaded stdlib HTTP server for the WSGI app (development and tests)."""
    return make_server(host, port, app, server_class=_ThreadingServer, handler_class=_QuietHandler)


def serve(container: Container, port: int, host: str = "0.0.0.0") -> None:
    """`klu-bot serve`: run until interrupted."""
    worker = start_worker(container)
    server = make_dev_server(build_wsgi(container, worker), host, port)
    log.warning("KLU-bot lytter på http://%s:%d%s", host, port, EVENTS_PATH)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        worker.stop()
