"""A local stand-in of the Slack Web API, served over real HTTP on 127.0.0.1.

The bot's real ``slack_sdk.WebClient`` is pointed at it with
``WebClient(token="xoxb-test", base_url=standin.base_url)``; nothing in the client is
patched.  Every request is recorded as a :class:`Call`, file bytes sent through
``files_upload_v2`` are kept as :class:`Upload` entries, and faults (HTTP errors, rate
limits, Slack-level ``ok: false`` errors, slow responses) can be injected.

The module only uses the standard library and does not need pytest, so the
``klu-bot demo`` command can run it as a local Slack too::

    with SlackStandIn() as slack:
        client = WebClient(token="xoxb-test", base_url=slack.base_url)
        client.chat_postMessage(channel="C1", text="hi")
        assert slack.calls_to("chat.postMessage")[0].args["text"] == "hi"

How slack_sdk (3.x) talks to it, which the parsing below follows:

* every Web API method is a ``POST`` to ``base_url + method`` with
  ``Authorization: Bearer <token>``;
* methods carrying blocks/views (``chat.postMessage``, ``chat.update``, ``views.*``) send a
  JSON body, most others send ``application/x-www-form-urlencoded`` fields (structured
  fields such as ``files`` for ``files.completeUploadExternal`` are JSON-encoded strings),
  a few legacy ones send ``multipart/form-data``;
* ``files_upload_v2`` calls ``files.getUploadURLExternal`` (expects ``upload_url`` and
  ``file_id``), POSTs the raw bytes to ``upload_url`` without a token (expects HTTP 200),
  then calls ``files.completeUploadExternal`` (expects a ``files`` list).
"""

from __future__ import annotations

import contextlib
import copy
import email.parser
import email.policy
import json
import mimetypes
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Final, Self
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["JSON_FIELDS", "UPLOAD_METHOD", "Call", "SlackStandIn", "Upload"]

UPLOAD_METHOD: Final = "upload"
"""Pseudo method name under which the raw byte upload to ``upload_url`` is recorded
(and can be targeted by :meth:`SlackStandIn.fail_next` / :meth:`SlackStandIn.delay`)."""

JSON_FIELDS: Final = frozenset(
    {
        "attachments",
        "blocks",
        "files",
        "inputs",
        "metadata",
        "option_groups",
        "options",
        "outputs",
        "profile",
        "unfurls",
        "user_auth_blocks",
        "view",
    }
)
"""Fields that slack_sdk sends JSON-encoded in form bodies; they are decoded in Call.args."""

_API_PREFIX: Final = "/api/"
_UPLOAD_PREFIX: Final = "/upload/v1/"
_FAULT_ERRORS: Final = {429: "ratelimited", 500: "internal_error", 503: "service_unavailable"}

Json = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One request the stand-in received (recorded even when it failed)."""

    method: str
    """Slack method name, e.g. ``"chat.postMessage"`` (or :data:`UPLOAD_METHOD`)."""
    args: dict[str, Any]
    """Query, form and JSON fields merged; JSON-encoded fields (``blocks``, ``view``, …)
    decoded. The token is not included (see :attr:`token`)."""
    token: str | None
    """The Bearer token (or legacy ``token`` form field), if any."""
    at: float
    """``time.time()`` when the request arrived."""
    status: int = 200
    """HTTP status that was answered."""
    response: dict[str, Any] | None = None
    """The JSON body that was answered (``None`` for the raw upload endpoint)."""

    @property
    def ok(self) -> bool:
        """True when the call got HTTP 200 and (for API methods) ``ok: true``."""
        return self.status == 200 and (self.response is None or self.response.get("ok") is True)

    @property
    def error(self) -> str | None:
        """The Slack ``error`` code that was answered, if any."""
        if self.response is None:
            return None
        value = self.response.get("error")
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class Upload:
    """A file shared through ``files_upload_v2`` (added at ``files.completeUploadExternal``)."""

    filename: str
    title: str
    channel_id: str | None
    content: bytes
    initial_comment: str | None
    file_id: str = ""
    thread_ts: str | None = None


@dataclass
class _Fault:
    method: str | None
    status: int
    remaining: int
    retry_after: int | None
    error: str | None


@dataclass
class _PendingFile:
    file_id: str
    filename: str
    length: int | None
    alt_txt: str | None
    snippet_type: str | None
    content: bytes | None = None


@dataclass
class _User:
    user_id: str
    email: str
    name: str
    real_name: str
    tz: str
    is_admin: bool


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def _ok(**fields: Any) -> Json:
    return {"ok": True, **fields}


def _err(error: str, **fields: Any) -> Json:
    return {"ok": False, "error": error, **fields}


def _opt_str(args: dict[str, Any], key: str) -> str | None:
    value = args.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else str(value)


def _csv(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _ts_key(ts: str) -> tuple[int, int]:
    seconds, _, fraction = ts.partition(".")
    try:
        return int(seconds), int(fraction or "0")
    except ValueError:
        return 0, 0


def _decode_json_fields(args: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_FIELDS & args.keys():
        value = args[key]
        if isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
            with contextlib.suppress(json.JSONDecodeError):
                args[key] = json.loads(value)
    return args


def _parse_form(text: str) -> dict[str, Any]:
    parsed = parse_qs(text, keep_blank_values=True)
    return {key: values[0] if len(values) == 1 else values for key, values in parsed.items()}


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    raw = b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    result: dict[str, Any] = {}
    if not isinstance(message, EmailMessage):  # pragma: no cover - policy.HTTP guarantees it
        return result
    for part in message.iter_parts():
        if not isinstance(part, EmailMessage):  # pragma: no cover
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        result[name] = data if part.get_filename() is not None else data.decode("utf-8")
    return result


def _tz_offset(tz: str) -> tuple[int, str]:
    try:
        offset = datetime.now(ZoneInfo(tz)).utcoffset()
        label = datetime.now(ZoneInfo(tz)).tzname() or tz
    except (ZoneInfoNotFoundError, ValueError):
        return 0, tz
    return (int(offset.total_seconds()) if offset is not None else 0), label


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, standin: SlackStandIn) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.standin = standin


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "SlackStandIn/1.0"

    def do_POST(self) -> None:
        body = self._read_body()
        reply = self.server.standin._dispatch(self.path, self.headers, body)
        self._send(reply)

    def do_GET(self) -> None:
        self.do_POST()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks: list[bytes] = []
            while True:
                size_line = self.rfile.readline()
                size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, reply: _Reply) -> None:
        if reply.delay > 0:
            self.server.standin._stopping.wait(reply.delay)
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):  # client gave up (e.g. its timeout)
            pass


class SlackStandIn:
    """Local fake of the Slack Web API for tests and the demo (stdlib only, thread-safe).

    ``calls``/``uploads`` are snapshots taken under the lock. All state changes happen
    under one lock; responses made slow with :meth:`delay` sleep outside of it.

    Behaviour worth knowing:

    * a request without a token starting with ``xox`` gets HTTP 200 ``not_authed``;
    * an unknown method gets HTTP 200 ``unknown_method`` (and is recorded);
    * ``users.info`` answers for seeded users, the bot, and any other ``U…``/``W…`` id
      (a synthesized profile); ``users.lookupByEmail`` only knows seeded users;
    * ``chat.update``/``chat.delete``/``views.update`` are lenient about ids the stand-in
      has not seen (tests often start from a ts or view id they made up);
    * message ``ts`` values count up from ``ts_epoch`` in 100 µs steps, or follow
      ``ts_clock()`` (epoch seconds, e.g. ``time.time`` or a fake clock) when given;
    * ``conversations.history`` lists a channel's top-level messages newest first,
      ``conversations.replies`` a thread's, parent first then oldest first; both filtered
      by ``oldest``/``latest`` (exclusive unless ``inclusive``), paged by
      ``limit``/``cursor``; ``metadata`` only with ``include_all_metadata``.
    """

    def __init__(
        self,
        *,
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        team_id: str = "T0KLU",
        team_name: str = "KLU",
        app_id: str = "A0KLU",
        ts_epoch: int = 1_700_000_000,
        ts_clock: Callable[[], float] | None = None,
    ) -> None:
        self._bot_user_id = bot_user_id
        self._bot_id = bot_id
        self._team_id = team_id
        self._team_name = team_name
        self._app_id = app_id
        self._ts_epoch = ts_epoch
        self._ts_clock = ts_clock
        self._last_micros = 0

        self._cond = threading.Condition(threading.Lock())
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

        self._calls: list[Call] = []
        self._uploads: list[Upload] = []
        self._faults: list[_Fault] = []
        self._delays: dict[str | None, float] = {}
        self._users: dict[str, _User] = {}
        self._channels: dict[str, Json] = {}
        self._messages: dict[tuple[str, str], Json] = {}
        self._views: dict[str, Json] = {}
        self._home_views: dict[str, str] = {}
        self._opened: set[str] = set()
        self._reactions: set[tuple[str, str, str]] = set()
        self._pending_files: dict[str, _PendingFile] = {}
        self._ts_seq = 0
        self._id_seq = 0

        self._methods: dict[str, Callable[[dict[str, Any]], Json]] = {
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.update": self._chat_update,
            "chat.delete": self._chat_delete,
            "conversations.open": self._conversations_open,
            "conversations.info": self._conversations_info,
            "conversations.history": self._conversations_history,
            "conversations.replies": self._conversations_replies,
            "users.info": self._users_info,
            "users.lookupByEmail": self._users_lookup_by_email,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
            "reactions.add": self._reactions_add,
        }

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        """Bind 127.0.0.1 on a free port and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("SlackStandIn is already running")
        self._stopping.clear()
        server = _Server(self)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"slack-standin-{server.server_address[1]}",
            daemon=True,
        )
        self._server = server
        self._thread = thread
        thread.start()

    def stop(self) -> None:
        """Stop serving and release the port (idempotent)."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)
        self._server = None
        self._thread = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> Self:
        if self._server is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ------------------------------------------------------------------ identity

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("SlackStandIn is not running; call start() first")
        return int(self._server.server_address[1])

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/api/`` — pass as ``WebClient(base_url=...)``."""
        return f"{self.origin}{_API_PREFIX}"

    @property
    def bot_user_id(self) -> str:
        return self._bot_user_id

    @property
    def bot_id(self) -> str:
        return self._bot_id

    @property
    def team_id(self) -> str:
        return self._team_id

    @property
    def app_id(self) -> str:
        return self._app_id

    # ------------------------------------------------------------------ seeding

    def add_user(
        self,
        user_id: str,
        email: str,
        name: str,
        *,
        real_name: str | None = None,
        tz: str = "Europe/Copenhagen",
        is_admin: bool = False,
    ) -> None:
        """Put a user in the directory (``users.info``, ``users.lookupByEmail``)."""
        with self._cond:
            self._users[user_id] = _User(
                user_id=user_id,
                email=email,
                name=name,
                real_name=real_name if real_name is not None else name,
                tz=tz,
                is_admin=is_admin,
            )

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_private: bool = False,
        is_archived: bool = False,
    ) -> None:
        """Give ``conversations.info`` a named channel (unknown ids get a generic one)."""
        with self._cond:
            self._channels[channel_id] = {
                "name": name,
                "is_private": is_private,
                "is_archived": is_archived,
            }

    # ------------------------------------------------------------------ inspection

    @property
    def calls(self) -> list[Call]:
        """Snapshot of every recorded call, oldest first."""
        with self._cond:
            return list(self._calls)

    @property
    def uploads(self) -> list[Upload]:
        """Snapshot of the files shared through ``files_upload_v2``."""
        with self._cond:
            return list(self._uploads)

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [call for call in self._calls if call.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until ``count`` calls to ``method`` were recorded; return all calls to it.

        Raises :class:`TimeoutError` when they do not arrive within ``timeout`` seconds.
        """

        def matching() -> list[Call]:
            return [call for call in self._calls if call.method == method]

        with self._cond:
            arrived = self._cond.wait_for(lambda: len(matching()) >= count, timeout=timeout)
            found = matching()
            seen = [call.method for call in self._calls]
        if not arrived:
            raise TimeoutError(
                f"expected {count} call(s) to {method!r} within {timeout}s, got {len(found)}; "
                f"calls so far: {seen}"
            )
        return found

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Current (posted, updated, not deleted) messages, oldest first, as copies.

        Each message dict carries its ``channel`` too.
        """
        with self._cond:
            items = [
                {**copy.deepcopy(message), "channel": chan}
                for (chan, _ts), message in self._messages.items()
                if channel is None or chan == channel
            ]
        return sorted(items, key=lambda m: _ts_key(str(m["ts"])))

    def view(self, view_id: str) -> dict[str, Any] | None:
        """The latest state of a view opened/pushed/updated/published here."""
        with self._cond:
            found = self._views.get(view_id)
            return copy.deepcopy(found) if found is not None else None

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The App Home view last published for ``user_id``."""
        with self._cond:
            view_id = self._home_views.get(user_id)
            found = self._views.get(view_id) if view_id is not None else None
            return copy.deepcopy(found) if found is not None else None

    def reset(self) -> None:
        """Forget calls, uploads, faults, delays and message/view/reaction state.

        Seeded users and channels are kept; ts and ids keep increasing.
        """
        with self._cond:
            self._calls.clear()
            self._uploads.clear()
            self._faults.clear()
            self._delays.clear()
            self._messages.clear()
            self._views.clear()
            self._home_views.clear()
            self._opened.clear()
            self._reactions.clear()
            self._pending_files.clear()

    # ------------------------------------------------------------------ faults

    def fail_next(
        self,
        method: str | None,
        *,
        status: int = 500,
        times: int = 1,
        retry_after: int | None = None,
        error: str | None = None,
    ) -> None:
        """Make the next ``times`` calls to ``method`` (``None``: any method) fail.

        Without ``error`` they get HTTP ``status`` with ``{"ok": false, "error": ...}``
        (``ratelimited`` for 429, ``internal_error`` for 500, ...). With ``error`` they get
        HTTP 200 ``{"ok": false, "error": error}`` instead (``status`` is ignored).
        ``retry_after`` adds a ``Retry-After`` header (use it with ``status=429``).
        Faults are consumed in the order they were registered.
        """
        if times < 1:
            raise ValueError("times must be >= 1")
        if error is None and not 100 <= status <= 599:
            raise ValueError(f"invalid HTTP status {status}")
        with self._cond:
            self._faults.append(
                _Fault(
                    method=method,
                    status=200 if error is not None else status,
                    remaining=times,
                    retry_after=retry_after,
                    error=error,
                )
            )

    def delay(self, method: str | None, seconds: float) -> None:
        """Answer calls to ``method`` (``None``: any method) only after ``seconds``.

        Stays in effect until ``reset()`` or ``delay(method, 0)``. A method-specific delay
        wins over the ``None`` one. Calls are recorded when they arrive, before the delay.
        """
        with self._cond:
            if seconds <= 0:
                self._delays.pop(method, None)
            else:
                self._delays[method] = seconds

    # ------------------------------------------------------------------ dispatch

    def _dispatch(self, path: str, headers: Any, body: bytes) -> _Reply:
        split = urlsplit(path)
        if split.path.startswith(_UPLOAD_PREFIX):
            return self._handle_upload(split.path[len(_UPLOAD_PREFIX) :], body)
        if not split.path.startswith(_API_PREFIX) or len(split.path) == len(_API_PREFIX):
            return _Reply(404, b"Not Found", content_type="text/plain; charset=utf-8")
        method = split.path[len(_API_PREFIX) :]
        content_type = str(headers.get("Content-Type") or "")
        args: dict[str, Any] = {}
        error: Json | None = None
        try:
            args.update(_parse_form(split.query))
            args.update(self._parse_body(content_type, body))
        except (ValueError, UnicodeDecodeError) as exc:
            error = _err("invalid_form_data", detail=str(exc))
        _decode_json_fields(args)

        token: str | None = None
        authorization = str(headers.get("Authorization") or "")
        if authorization.lower().startswith("bearer "):
            token = authorization[len("bearer ") :].strip() or None
        form_token = args.pop("token", None)
        if token is None and isinstance(form_token, str) and form_token:
            token = form_token

        extra_headers: dict[str, str] = {}
        with self._cond:
            arrived = time.time()
            status = 200
            fault = self._take_fault(method)
            if fault is not None:
                status = fault.status
                if fault.retry_after is not None:
                    extra_headers["Retry-After"] = str(fault.retry_after)
                response = _err(fault.error or _FAULT_ERRORS.get(status, "fatal_error"))
            elif error is not None:
                response = error
            elif token is None or not token.startswith("xox"):
                response = _err("not_authed")
            elif (handler := self._methods.get(method)) is None:
                response = _err("unknown_method", req_method=method)
            else:
                try:
                    response = handler(args)
                except Exception as exc:  # a bug in the stand-in: make it visible
                    status = 500
                    response = _err("standin_internal_error", detail=repr(exc))
            if status == 429:
                response.setdefault("warning", "ratelimited")
            self._record(method, args, token, arrived, status, response)
            delay = self._delay_for(method)
            extra_headers["X-Slack-Req-Id"] = f"standin-{len(self._calls)}"
        return _Reply(
            status,
            json.dumps(response).encode("utf-8"),
            headers=extra_headers,
            delay=delay,
        )

    @staticmethod
    def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
        if not body:
            return {}
        kind = content_type.split(";", 1)[0].strip().lower()
        if kind == "application/json":
            decoded = json.loads(body.decode("utf-8"))
            if not isinstance(decoded, dict):
                raise ValueError("JSON body must be an object")
            return decoded
        if kind == "multipart/form-data":
            return _parse_multipart(content_type, body)
        return _parse_form(body.decode("utf-8"))

    def _take_fault(self, method: str) -> _Fault | None:
        for fault in self._faults:
            if fault.method is None or fault.method == method:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _delay_for(self, method: str) -> float:
        return self._delays.get(method, self._delays.get(None, 0.0))

    def _record(
        self,
        method: str,
        args: dict[str, Any],
        token: str | None,
        arrived: float,
        status: int,
        response: Json | None,
    ) -> None:
        self._calls.append(
            Call(
                method=method,
                args=copy.deepcopy(args),
                token=token,
                at=arrived,
                status=status,
                response=copy.deepcopy(response),
            )
        )
        self._cond.notify_all()

    def _handle_upload(self, file_id: str, body: bytes) -> _Reply:
        file_id = file_id.strip("/")
        with self._cond:
            arrived = time.time()
            pending = self._pending_files.get(file_id)
            args: dict[str, Any] = {"file_id": file_id, "length": len(body)}
            if pending is not None:
                args["filename"] = pending.filename
            fault = self._take_fault(UPLOAD_METHOD)
            headers: dict[str, str] = {}
            if fault is not None and fault.error is None:
                status, text = fault.status, f"error - {fault.status}"
                if fault.retry_after is not None:
                    headers["Retry-After"] = str(fault.retry_after)
            elif fault is not None:
                status, text = 200, f"error - {fault.error}"
            elif pending is None:
                status, text = 404, "file_not_found"
            else:
                pending.content = body
                status, text = 200, f"OK - {len(body)}"
            self._record(UPLOAD_METHOD, args, None, arrived, status, None)
            delay = self._delay_for(UPLOAD_METHOD)
        return _Reply(
            status,
            text.encode("utf-8"),
            content_type="text/plain; charset=utf-8",
            headers=headers,
            delay=delay,
        )

    # ------------------------------------------------------------------ helpers (locked)

    def _next_ts(self) -> str:
        self._ts_seq += 1
        if self._ts_clock is None:
            micros = self._ts_seq * 100
            return f"{self._ts_epoch + micros // 1_000_000}.{micros % 1_000_000:06d}"
        now = max(round(self._ts_clock() * 1_000_000), self._last_micros + 100)
        self._last_micros = now
        return f"{now // 1_000_000}.{now % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        self._id_seq += 1
        return f"{prefix}{self._id_seq:010d}"

    def _dm_channel_for(self, user_ids: list[str]) -> str:
        if len(user_ids) == 1:
            return f"D{user_ids[0]}"
        return "G" + "".join(sorted(user_ids))

    def _resolve_channel(self, channel: str) -> str:
        """Posting to a user id goes to the DM with that user, as in Slack."""
        if channel[:1] in ("U", "W"):
            return self._dm_channel_for([channel])
        return channel

    def _user_json(self, user: _User) -> Json:
        tz_offset, tz_label = _tz_offset(user.tz)
        return {
            "id": user.user_id,
            "team_id": self._team_id,
            "name": user.name,
            "deleted": False,
            "color": "9f69e7",
            "real_name": user.real_name,
            "tz": user.tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "is_admin": user.is_admin,
            "is_owner": False,
            "is_primary_owner": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_bot": False,
            "is_app_user": False,
            "updated": self._ts_epoch,
            "profile": {
                "real_name": user.real_name,
                "real_name_normalized": user.real_name,
                "display_name": user.name,
                "display_name_normalized": user.name,
                "email": user.email,
                "team": self._team_id,
            },
        }

    def _bot_user_json(self) -> Json:
        return {
            "id": self._bot_user_id,
            "team_id": self._team_id,
            "name": "klu-bot",
            "deleted": False,
            "real_name": "KLU-bot",
            "tz": "Europe/Copenhagen",
            "is_admin": False,
            "is_bot": True,
            "is_app_user": False,
            "updated": self._ts_epoch,
            "profile": {
                "real_name": "KLU-bot",
                "display_name": "klu-bot",
                "bot_id": self._bot_id,
                "api_app_id": self._app_id,
                "team": self._team_id,
            },
        }

    def _channel_json(self, channel_id: str) -> Json:
        created = self._ts_epoch
        if channel_id.startswith("D"):
            return {
                "id": channel_id,
                "created": created,
                "is_im": True,
                "is_org_shared": False,
                "user": channel_id[1:],
                "is_user_deleted": False,
                "priority": 0,
            }
        seeded = self._channels.get(channel_id, {})
        name = str(seeded.get("name", channel_id.lower()))
        is_private = bool(seeded.get("is_private", channel_id.startswith("G")))
        return {
            "id": channel_id,
            "name": name,
            "name_normalized": name,
            "is_channel": not is_private,
            "is_group": False,
            "is_im": False,
            "is_mpim": False,
            "is_private": is_private,
            "is_archived": bool(seeded.get("is_archived", False)),
            "is_general": False,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_member": True,
            "created": created,
            "creator": self._bot_user_id,
            "context_team_id": self._team_id,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }

    def _message_json(self, args: dict[str, Any], ts: str) -> Json:
        message: Json = {
            "type": "message",
            "user": self._bot_user_id,
            "bot_id": self._bot_id,
            "app_id": self._app_id,
            "team": self._team_id,
            "text": _opt_str(args, "text") or _opt_str(args, "markdown_text") or "",
            "ts": ts,
            "bot_profile": {
                "id": self._bot_id,
                "app_id": self._app_id,
                "name": "KLU-bot",
                "deleted": False,
                "team_id": self._team_id,
            },
        }
        for key in ("blocks", "attachments", "metadata"):
            if args.get(key) is not None:
                message[key] = copy.deepcopy(args[key])
        thread_ts = _opt_str(args, "thread_ts")
        if thread_ts:
            message["thread_ts"] = thread_ts
            message["parent_user_id"] = self._bot_user_id
        return message

    @staticmethod
    def _has_content(args: dict[str, Any]) -> bool:
        return any(args.get(key) for key in ("text", "markdown_text", "blocks", "attachments"))

    def _view_json(self, view: Json, view_id: str, previous_view_id: str | None) -> Json:
        result = copy.deepcopy(view)
        result.setdefault("blocks", [])
        result.setdefault("private_metadata", "")
        result.setdefault("callback_id", "")
        result.setdefault("external_id", "")
        result.setdefault("clear_on_close", False)
        result.setdefault("notify_on_close", False)
        result.setdefault("state", {"values": {}})
        result.update(
            {
                "id": view_id,
                "team_id": self._team_id,
                "hash": f"{self._ts_epoch}.{self._next_id('')}",
                "root_view_id": view_id if previous_view_id is None else previous_view_id,
                "previous_view_id": previous_view_id,
                "app_id": self._app_id,
                "app_installed_team_id": self._team_id,
                "bot_id": self._bot_id,
            }
        )
        return result

    @staticmethod
    def _view_arg(args: dict[str, Any]) -> Json | None:
        view = args.get("view")
        if isinstance(view, dict) and isinstance(view.get("type"), str):
            return view
        return None

    # ------------------------------------------------------------------ methods (locked)

    def _auth_test(self, args: dict[str, Any]) -> Json:
        return _ok(
            url=f"https://{self._team_name.lower()}.slack.com/",
            team=self._team_name,
            user="klu-bot",
            team_id=self._team_id,
            user_id=self._bot_user_id,
            bot_id=self._bot_id,
            is_enterprise_install=False,
        )

    def _chat_post_message(self, args: dict[str, Any]) -> Json:
        channel = _opt_str(args, "channel")
        if not channel:
            return _err("channel_not_found")
        if not self._has_content(args):
            return _err("no_text")
        channel_id = self._resolve_channel(channel)
        ts = self._next_ts()
        message = self._message_json(args, ts)
        self._messages[(channel_id, ts)] = message
        return _ok(channel=channel_id, ts=ts, message=copy.deepcopy(message))

    def _chat_post_ephemeral(self, args: dict[str, Any]) -> Json:
        channel = _opt_str(args, "channel")
        if not channel:
            return _err("channel_not_found")
        if not _opt_str(args, "user"):
            return _err("user_not_in_channel")
        if not self._has_content(args):
            return _err("no_text")
        return _ok(message_ts=self._next_ts())

    def _chat_update(self, args: dict[str, Any]) -> Json:
        channel = _opt_str(args, "channel")
        ts = _opt_str(args, "ts")
        if not channel:
            return _err("channel_not_found")
        if not ts:
            return _err("message_not_found")
        channel_id = self._resolve_channel(channel)
        if not self._has_content(args):
            return _err("no_text")
        message = self._message_json(args, ts)
        previous = self._messages.get((channel_id, ts))
        if previous is not None and "thread_ts" in previous:
            message["thread_ts"] = previous["thread_ts"]
        message["edited"] = {"user": self._bot_user_id, "ts": self._next_ts()}
        self._messages[(channel_id, ts)] = message
        return _ok(
            channel=channel_id,
            ts=ts,
            text=message["text"],
            message=copy.deepcopy(message),
        )

    def _chat_delete(self, args: dict[str, Any]) -> Json:
        channel = _opt_str(args, "channel")
        ts = _opt_str(args, "ts")
        if not channel:
            return _err("channel_not_found")
        if not ts:
            return _err("message_not_found")
        channel_id = self._resolve_channel(channel)
        self._messages.pop((channel_id, ts), None)
        return _ok(channel=channel_id, ts=ts)

    def _conversations_open(self, args: dict[str, Any]) -> Json:
        channel = _opt_str(args, "channel")
        users = _csv(args.get("users"))
        if channel:
            channel_id = channel
        elif users:
            channel_id = self._dm_channel_for(users)
        else:
            return _err("users_list_not_supplied")
        already_open = channel_id in self._opened
        self._opened.add(channel_id)
        if args.get("return_im") in (True, "true", "1", 1):
            info = self._channel_json(channel_id)
        else:
            info = {"id": channel_id}
        return _ok(no_op=already_open, already_open=already_open, channel=info)

    def _conversations_history(self, args: dict[str, Any]) -> Json:
        channel = _opt_str(args, "channel")
        if not channel:
            return _err("channel_not_found")
        channel_id = self._resolve_channel(channel)
        found = [
            message
            for (chan, ts), message in self._messages.items()
            if chan == channel_id and message.get("thread_ts", ts) == ts
        ]
        return self._message_page(found, args)

    def _conversations_replies(self, args: dict[str, Any]) -> Json:
        channel = _opt_str(args, "channel")
        parent = _opt_str(args, "ts")
        if not channel:
            return _err("channel_not_found")
        if not parent:
            return _err("thread_not_found")
        channel_id = self._resolve_channel(channel)
        found = [
            message
            for (chan, ts), message in self._messages.items()
            if chan == channel_id and (ts == parent or message.get("thread_ts") == parent)
        ]
        return self._message_page(found, args, newest_first=False)

    @staticmethod
    def _message_page(found: list[Json], args: dict[str, Any], newest_first: bool = True) -> Json:
        """Sorted by ts, oldest/latest (exclusive unless inclusive), limit and cursor."""
        inclusive = args.get("inclusive") in (True, "true", "1", 1)
        oldest, latest = _opt_str(args, "oldest"), _opt_str(args, "latest")

        def within(ts: str) -> bool:
            key = _ts_key(ts)
            if oldest and (key < _ts_key(oldest) or (key == _ts_key(oldest) and not inclusive)):
                return False
            return not (
                latest and (key > _ts_key(latest) or (key == _ts_key(latest) and not inclusive))
            )

        ordered = sorted(
            (m for m in found if within(str(m["ts"]))),
            key=lambda m: _ts_key(str(m["ts"])),
            reverse=newest_first,
        )
        start = int(_opt_str(args, "cursor") or "0")
        limit = max(1, min(int(_opt_str(args, "limit") or "100"), 999))
        page = [copy.deepcopy(m) for m in ordered[start : start + limit]]
        if args.get("include_all_metadata") not in (True, "true", "1", 1):
            for message in page:
                message.pop("metadata", None)
        more = start + limit < len(ordered)
        return _ok(
            messages=page,
            has_more=more,
            pin_count=0,
            response_metadata={"next_cursor": str(start + limit) if more else ""},
        )

    def _conversations_info(self, args: dict[str, Any]) -> Json:
        channel = _opt_str(args, "channel")
        if not channel:
            return _err("channel_not_found")
        return _ok(channel=self._channel_json(channel))

    def _users_info(self, args: dict[str, Any]) -> Json:
        user_id = _opt_str(args, "user")
        if not user_id:
            return _err("user_not_found")
        if user_id == self._bot_user_id:
            return _ok(user=self._bot_user_json())
        user = self._users.get(user_id)
        if user is None:
            if user_id[:1] not in ("U", "W"):
                return _err("user_not_found")
            user = _User(user_id, "", user_id.lower(), user_id, "Europe/Copenhagen", False)
            user_json = self._user_json(user)
            del user_json["profile"]["email"]
            return _ok(user=user_json)
        return _ok(user=self._user_json(user))

    def _users_lookup_by_email(self, args: dict[str, Any]) -> Json:
        email = (_opt_str(args, "email") or "").strip().lower()
        if not email:
            return _err("invalid_arguments")
        for user in self._users.values():
            if user.email.lower() == email:
                return _ok(user=self._user_json(user))
        return _err("users_not_found")

    def _views_open(self, args: dict[str, Any]) -> Json:
        view = self._view_arg(args)
        if not _opt_str(args, "trigger_id") and not _opt_str(args, "interactivity_pointer"):
            return _err("invalid_arguments")
        if view is None:
            return _err("invalid_arguments")
        view_id = self._next_id("V")
        result = self._view_json(view, view_id, None)
        self._views[view_id] = result
        return _ok(view=copy.deepcopy(result))

    def _views_push(self, args: dict[str, Any]) -> Json:
        view = self._view_arg(args)
        if not _opt_str(args, "trigger_id") and not _opt_str(args, "interactivity_pointer"):
            return _err("invalid_arguments")
        if view is None:
            return _err("invalid_arguments")
        view_id = self._next_id("V")
        previous = next(reversed(self._views), None) if self._views else None
        result = self._view_json(view, view_id, previous)
        if previous is not None:
            result["root_view_id"] = self._views[previous].get("root_view_id", previous)
        self._views[view_id] = result
        return _ok(view=copy.deepcopy(result))

    def _views_update(self, args: dict[str, Any]) -> Json:
        view = self._view_arg(args)
        if view is None:
            return _err("invalid_arguments")
        view_id = _opt_str(args, "view_id")
        external_id = _opt_str(args, "external_id")
        if not view_id and external_id:
            view_id = next(
                (vid for vid, v in self._views.items() if v.get("external_id") == external_id),
                None,
            )
            if view_id is None:
                return _err("not_found")
        if not view_id:
            return _err("invalid_arguments")
        existing = self._views.get(view_id)
        expected_hash = _opt_str(args, "hash")
        if existing is not None and expected_hash and existing.get("hash") != expected_hash:
            return _err("hash_conflict")
        previous = existing.get("previous_view_id") if existing is not None else None
        result = self._view_json(view, view_id, previous if isinstance(previous, str) else None)
        if existing is not None:
            result["root_view_id"] = existing.get("root_view_id", view_id)
        self._views[view_id] = result
        return _ok(view=copy.deepcopy(result))

    def _views_publish(self, args: dict[str, Any]) -> Json:
        user_id = _opt_str(args, "user_id")
        view = self._view_arg(args)
        if not user_id:
            return _err("invalid_arguments")
        if view is None or view.get("type") != "home":
            return _err("invalid_arguments")
        existing_id = self._home_views.get(user_id)
        expected_hash = _opt_str(args, "hash")
        if existing_id is not None and expected_hash:
            current_hash = self._views[existing_id].get("hash")
            if current_hash != expected_hash:
                return _err("hash_conflict")
        view_id = existing_id or self._next_id("V")
        result = self._view_json(view, view_id, None)
        self._views[view_id] = result
        self._home_views[user_id] = view_id
        return _ok(view=copy.deepcopy(result))

    def _files_get_upload_url_external(self, args: dict[str, Any]) -> Json:
        filename = _opt_str(args, "filename")
        length_text = _opt_str(args, "length")
        if not filename or not length_text:
            return _err("invalid_arguments")
        try:
            length = int(length_text)
        except ValueError:
            return _err("invalid_arguments")
        file_id = self._next_id("F")
        self._pending_files[file_id] = _PendingFile(
            file_id=file_id,
            filename=filename,
            length=length,
            alt_txt=_opt_str(args, "alt_txt"),
            snippet_type=_opt_str(args, "snippet_type"),
        )
        return _ok(upload_url=f"{self.origin}{_UPLOAD_PREFIX}{file_id}", file_id=file_id)

    def _files_complete_upload_external(self, args: dict[str, Any]) -> Json:
        entries = args.get("files")
        if not isinstance(entries, list) or not entries:
            return _err("invalid_arguments")
        channel_id = _opt_str(args, "channel_id")
        channels = _csv(args.get("channels"))
        if channel_id:
            channels = [channel_id, *(c for c in channels if c != channel_id)]
        initial_comment = _opt_str(args, "initial_comment")
        thread_ts = _opt_str(args, "thread_ts")
        ready: list[tuple[_PendingFile, bytes, str]] = []
        for entry in entries:
            if not isinstance(entry, dict):
                return _err("invalid_arguments")
            pending = self._pending_files.get(str(entry.get("id")))
            if pending is None or pending.content is None:
                return _err("file_not_found")
            title = entry.get("title")
            ready.append(
                (pending, pending.content, title if isinstance(title, str) else pending.filename)
            )
        now = int(time.time())
        files: list[Json] = []
        for pending, content, title in ready:
            del self._pending_files[pending.file_id]
            self._uploads.append(
                Upload(
                    filename=pending.filename,
                    title=title,
                    channel_id=channels[0] if channels else None,
                    content=content,
                    initial_comment=initial_comment,
                    file_id=pending.file_id,
                    thread_ts=thread_ts,
                )
            )
            mimetype = mimetypes.guess_type(pending.filename)[0] or "application/octet-stream"
            _stem, dot, extension = pending.filename.rpartition(".")
            filetype = extension.lower() if dot else ""
            files.append(
                {
                    "id": pending.file_id,
                    "created": now,
                    "timestamp": now,
                    "name": pending.filename,
                    "title": title,
                    "mimetype": mimetype,
                    "filetype": filetype or "binary",
                    "pretty_type": (filetype or "binary").upper(),
                    "user": self._bot_user_id,
                    "user_team": self._team_id,
                    "editable": False,
                    "size": len(content),
                    "mode": "hosted",
                    "is_external": False,
                    "is_public": False,
                    "url_private": f"{self.origin}/files/{pending.file_id}/{pending.filename}",
                    "permalink": (
                        f"https://{self._team_name.lower()}.slack.com/files/"
                        f"{self._bot_user_id}/{pending.file_id}/{pending.filename}"
                    ),
                    "alt_txt": pending.alt_txt,
                    "channels": [c for c in channels if c[:1] == "C"],
                    "groups": [c for c in channels if c[:1] == "G"],
                    "ims": [c for c in channels if c[:1] == "D"],
                    "comments_count": 0,
                }
            )
        return _ok(files=files)

    def _reactions_add(self, args: dict[str, Any]) -> Json:
        channel = _opt_str(args, "channel")
        timestamp = _opt_str(args, "timestamp")
        name = _opt_str(args, "name")
        if not channel:
            return _err("channel_not_found")
        if not timestamp:
            return _err("message_not_found")
        if not name:
            return _err("invalid_name")
        key = (self._resolve_channel(channel), timestamp, name.strip(":"))
        if key in self._reactions:
            return _err("already_reacted")
        self._reactions.add(key)
        return _ok()


if __name__ == "__main__":  # pragma: no cover - manual poking: python -m tests.slack_standin
    standin = SlackStandIn()
    standin.start()
    print(f"Slack stand-in listening on {standin.base_url} (Ctrl-C to stop)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()
        print(f"{len(standin.calls)} call(s) recorded")
