"""Only the workspace the app is installed in: a signed request that claims another team,
enterprise or app is refused before anything acts on it.

The installation is what the bot token says of itself (auth.test: team_id, enterprise_id),
asked once when the web process starts, and SLACK_APP_ID when it is configured. A request's
claims are read from where Slack puts them: the form fields of a slash command, the JSON of
an event, the `payload` JSON of an interaction.
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.errors import SlackApiError

from handlers.slack.sender import make_client

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claims:
    """What a request says about where it comes from (empty when it does not say)."""

    team_id: str = ""
    enterprise_id: str = ""
    app_id: str = ""


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _from_json(data: dict[str, Any]) -> Claims:
    team = data.get("team")
    enterprise = data.get("enterprise")
    team_id = _text(data.get("team_id")) or (
        _text(team.get("id")) if isinstance(team, dict) else _text(team)
    )
    enterprise_id = _text(data.get("enterprise_id")) or (
        _text(enterprise.get("id")) if isinstance(enterprise, dict) else _text(enterprise)
    )
    return Claims(team_id, enterprise_id, _text(data.get("api_app_id")))


def claims_of(body: bytes, content_type: str) -> Claims:
    """The team, enterprise and app a request claims; Claims() for a body that says nothing."""
    text = body.decode("utf-8", errors="replace")
    try:
        if "json" in content_type:
            data = json.loads(text)
            return _from_json(data) if isinstance(data, dict) else Claims()
        form = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items() if v}
        if "payload" in form:
            data = json.loads(form["payload"])
            return _from_json(data) if isinstance(data, dict) else Claims()
        return _from_json(form)
    except ValueError:
        return Claims()


class Installation:
    """The team (and enterprise) of the bot token, from auth.test, and the configured app id."""

    def __init__(self, token: str, api_url: str, app_id: str = "") -> None:
        self._token, self._api_url, self.app_id = token, api_url, app_id
        self._lock = threading.Lock()
        self.team_id = ""
        self.enterprise_id = ""

    def load(self) -> bool:
        """Ask Slack who the token belongs to; False when it cannot be asked now."""
        with self._lock:
            if self.team_id:
                return True
            try:
                answer = make_client(self._token, self._api_url).auth_test()
            except (SlackApiError, OSError) as exc:
                log.warning("auth.test failed, the workspace is not known yet: %s", exc)
                return False
            self.team_id = _text(answer.get("team_id"))
            self.enterprise_id = _text(answer.get("enterprise_id"))
            return bool(self.team_id)

    def load_later(self) -> None:
        """Ask again in the background (a request never waits for the Web API)."""
        threading.Thread(target=self.load, name="auth-test", daemon=True).start()

    def refusal(self, claims: Claims) -> str | None:
        """None when the request is for this installation; else why not (for the log)."""
        if not self.team_id:
            self.load_later()
            return "workspace unknown yet (auth.test has not answered)"
        same_grid = bool(self.enterprise_id) and claims.enterprise_id == self.enterprise_id
        if claims.team_id and claims.team_id != self.team_id and not same_grid:
            return f"team {claims.team_id!r} is not {self.team_id!r}"
        if claims.enterprise_id and claims.enterprise_id != self.enterprise_id:
            return f"enterprise {claims.enterprise_id!r} is not this installation's"
        if self.app_id and claims.app_id and claims.app_id != self.app_id:
            return f"app {claims.app_id!r} is not {self.app_id!r}"
        return None
