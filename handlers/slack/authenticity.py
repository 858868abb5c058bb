"""Slack's request signature, checked before anything else sees the request.

Slack signs every request: X-Slack-Signature is "v0=" + hex HMAC-SHA256 of
"v0:<X-Slack-Request-Timestamp>:<body>" with the app's signing secret. A request is authentic
only when the timestamp is a plain number of seconds within five minutes of now and the
signature has exactly that shape and matches. Anything else — a missing header, a timestamp
such as "abc" or five thousand digits, a signature in another shape — is refused here with 401,
before Bolt parses the body, so nothing unauthenticated can reach a listener, the error
handler, the database or a response_url.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable

MAX_AGE = 60 * 5  # Slack's own window
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def authentic(
    body: bytes,
    timestamp: str | None,
    signature: str | None,
    secret: str,
    now: Callable[[], float] = time.time,
) -> str | None:
    """None when the request is Slack's; else a short reason (for the log, never the client)."""
    if not secret:
        return "no signing secret configured"
    if timestamp is None or signature is None:
        return "missing signature headers"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "malformed timestamp"
    if abs(now() - int(timestamp)) > MAX_AGE:
        return "stale timestamp"
    if not _SIGNATURE.fullmatch(signature):
        return "malformed signature"
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "signature mismatch"
    return None
