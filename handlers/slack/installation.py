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
    """Every team, enterprise and app a request names (empty sets when it names none)."""

    teams: frozenset[str] = frozenset()
    enterprises: frozenset[str] = frozenset()
    apps: frozenset[str] = frozenset()
    probe: bool = False  # Slack's url_verification or ssl_check: names no team


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _add(found: set[str], value: Any) -> None:
    if _text(value):
        found.add(_text(value))


def _from_json(data: dict[str, Any]) -> Claims:
    teams: set[str] = set()
    enterprises: set[str] = set()
    apps: set[str] = set()
    _add(teams, data.get("team_id"))
    _add(enterprises, data.get("enterprise_id"))
    _add(apps, data.get("api_app_id"))
    team, enterprise, view = data.get("team"), data.get("enterprise"), data.get("view")
    if isinstance(team, dict):
        _add(teams, team.get("id"))
        _add(enterprises, team.get("enterprise_id"))
    else:
        _add(teams, team)
    if isinstance(enterprise, dict):
        _add(enterprises, enterprise.get("id"))
    else:
        _add(enterprises, enterprise)
    if isinstance(view, dict):
        _add(teams, view.get("team_id"))
        _add(teams, view.get("app_installed_team_id"))
        _add(apps, view.get("app_id"))
    for grant in data.get("authorizations") or []:
        if isinstance(grant, dict):
            _add(teams, grant.get("team_id"))
            _add(enterprises, grant.get("enterprise_id"))
    probe = data.get("type") == "url_verification" or _text(data.get("ssl_check")) == "1"
    return Claims(frozenset(teams), frozenset(enterprises), frozenset(apps), probe)


def request_data(body: bytes, content_type: str) -> Any:
    """A Slack request's JSON: the body (events), the form's `payload` (interactivity), the
    form itself (slash commands), or None when it cannot be read."""
    text = body.decode("utf-8", errors="replace")
    try:
        if "json" in content_type:
            return json.loads(text)
        form = {k: v[0] for k, v in parse_qs(text, keep_blank_values=True).items() if v}
        return json.loads(form["payload"]) if "payload" in form else form
    except ValueError:
        return None


def claims_of(body: bytes, content_type: str) -> Claims:
    """The teams, enterprises and apps a request names; Claims() for a body that says nothing."""
    data = request_data(body, content_type)
    return _from_json(data) if isinstance(data, dict) else Claims()


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
        if claims.probe:
            return None
        if not self.team_id:
            self.load_later()
            return "workspace unknown yet (auth.test has not answered)"
        if not claims.teams:
            return "the request names no team"
        grid = bool(self.enterprise_id) and claims.enterprises == {self.enterprise_id}
        others = claims.teams - {self.team_id}
        if others and not grid:
            return f"team {sorted(others)!r} is not {self.team_id!r}"
        if claims.enterprises - ({self.enterprise_id} if self.enterprise_id else set()):
            return f"enterprise {sorted(claims.enterprises)!r} is not this installation's"
        if self.app_id and claims.apps - {self.app_id}:
            return f"app {sorted(claims.apps)!r} is not {self.app_id!r}"
        return None
