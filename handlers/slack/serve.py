"""HTTP serving: a WSGI app with POST /slack/events (Bolt) and GET /healthz.

Production: `gunicorn 'handlers.slack.serve:create_wsgi_app()'` (see Procfile); each worker
process builds its own app and outbox thread after the fork. Development: `klu-bot serve`
runs the same WSGI app in a threaded stdlib server.
"""

from __future__ import annotations

import atexit
import io
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot import texts
from bot.config import ConfigError, load_settings, require
from handlers.bootstrap import Container, bootstrap
from handlers.documents.source import document_source
from handlers.logs import NO_REQUEST, request_context
from handlers.logs import configure as configure_logs
from handlers.slack.app import create_app
from handlers.slack.authenticity import authentic
from handlers.slack.identity import Linker
from handlers.slack.installation import Installation, claims_of
from handlers.slack.listeners.attendance import slack_event_handlers
from handlers.slack.sender import make_client
from handlers.slack.shape import misshapen
from handlers.slack.worker import OutboxWorker, make_senders

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
SERVE_SETTINGS = ("slack_bot_token", "slack_signing_secret", "database_url")
MAX_BODY = 1024 * 1024  # Slack's own requests are far smaller
BAD_REQUEST = ("400 Bad Request", b"bad request\n")
UNAUTHORIZED = ("401 Unauthorized", b"invalid request\n")
APP_LOAD_ERROR = 4  # gunicorn.arbiter.Arbiter.APP_LOAD_ERROR

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def start_worker(container: Container, **options: Any) -> OutboxWorker:
    """The outbox/linking thread for this process, started."""
    settings = container.settings
    client = make_client(settings.slack_bot_token, settings.slack_api_url)
    worker = OutboxWorker(
        container,
        make_senders(settings, document_source(container)),
        Linker(container.uow, client),
        inbox=lambda background: slack_event_handlers(container, background),
        **options,
    )
    worker.start()
    atexit.register(worker.stop)  # gunicorn's graceful exit: hand back claims, finish the send
    return worker


def build_wsgi(container: Container, worker: OutboxWorker | None = None) -> WsgiApp:
    """Route /healthz to a database check and everything else to Bolt."""
    slack = SlackRequestHandler(create_app(container, background=worker), path=EVENTS_PATH)
    settings = container.settings
    installation = Installation(
        settings.slack_bot_token, settings.slack_api_url, settings.slack_app_id
    )
    installation.load()  # at start-up, so no request waits for auth.test
    traffic = worker.traffic.request if worker is not None else nullcontext

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") == "GET":
            ok = container.healthy()
            status = "200 OK" if ok else "503 Service Unavailable"
            body = b"ok\n" if ok else b"database unavailable\n"
            start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
            return [body]
        return guarded(environ, start_response)

    def guarded(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        body = _body(environ)
        if isinstance(body, tuple):
            return _plain(start_response, *body)
        refused = authentic(
            body,
            environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
            environ.get("HTTP_X_SLACK_SIGNATURE"),
            container.settings.slack_signing_secret or "",
        )
        if refused is not None:  # before Bolt: nothing unauthenticated is parsed or answered
            log.warning("request refused: %s", refused)
            return _plain(start_response, *UNAUTHORIZED)
        content_type = str(environ.get("CONTENT_TYPE") or "")
        elsewhere = installation.refusal(claims_of(body, content_type))
        if elsewhere is not None:  # signed, but for another workspace or app: act on nothing
            log.warning("request for another installation refused: %s", elsewhere)
            return _elsewhere(start_response, body, content_type)
        shape = misshapen(body, content_type)
        if shape is not None:  # signed, but not what Slack sends: refuse before Bolt reads it
            log.warning("malformed request refused: %s", shape)
            return _plain(start_response, *BAD_REQUEST)
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        started = time.monotonic()
        answered: list[str] = []

        def recording(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            answered.append(status)
            return start_response(status, headers, *exc)

        with request_context(NO_REQUEST), traffic():  # Bolt's middleware sets the id
            try:
                return slack(environ, recording)
            except Exception:  # Bolt itself choked on the body's shape: the sender's fault
                log.warning("malformed request refused", exc_info=True)
                return _plain(start_response, *BAD_REQUEST)
            finally:
                ms = (time.monotonic() - started) * 1000
                log.info("answered %s in %.0f ms", (answered or ["-"])[0][:3], ms)

    return app


def _body(environ: dict[str, Any]) -> bytes | tuple[str, bytes]:
    """The request body, or the status and text to refuse it with (too large, not UTF-8)."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return BAD_REQUEST
    if length > MAX_BODY:
        if length <= 8 * MAX_BODY:  # read it away so the client sees the answer, not a reset
            for start in range(0, length, 65536):
                environ["wsgi.input"].read(min(65536, length - start))
        return ("413 Payload Too Large", b"request too large\n")
    body: bytes = environ["wsgi.input"].read(length) if length > 0 else b""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return BAD_REQUEST
    return body


def _elsewhere(start_response: StartResponse, body: bytes, content_type: str) -> Iterable[bytes]:
    """200, so Slack does not retry: a slash command is told why; anything else gets nothing."""
    if "json" not in content_type and b"command=" in body and b"payload=" not in body:
        answer = json.dumps(
            {"response_type": "ephemeral", "text": texts.SLACK_OTHER_WORKSPACE}, ensure_ascii=False
        )
        start_response("200 OK", [("Content-Type", "application/json; charset=utf-8")])
        return [answer.encode("utf-8")]
    return _plain(start_response, "200 OK", b"")


def _plain(start_response: StartResponse, status: str, text: bytes) -> Iterable[bytes]:
    start_response(status, [("Content-Type", "text/plain; charset=utf-8")])
    return [text]


def create_wsgi_app() -> WsgiApp:
    """gunicorn's factory: settings from the environment, schema already upgraded (release).
    A wrong setting stops it with the same Danish line as the CLI; the exit code is gunicorn's
    "app failed to load" (4), which stops the master too instead of restarting workers."""
    configure_logs()
    try:
        settings = load_settings()
        require(settings, SERVE_SETTINGS)
        container = bootstrap(settings, migrate=False)
    except ConfigError as exc:
        print(texts.CLI_ERROR.format(message=exc), file=sys.stderr, flush=True)
        raise SystemExit(APP_LOAD_ERROR) from None
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
    log.warning(texts.LOG_SERVING, host, port, EVENTS_PATH)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        worker.stop()
