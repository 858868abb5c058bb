"""manifest.yml is valid YAML and agrees with the app: one URL path, the events it listens to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from handlers.slack.serve import EVENTS_PATH

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def load() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_every_request_url_is_the_events_path_over_https() -> None:
    data = load()
    settings = data["settings"]
    urls = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        *(c["url"] for c in data["features"]["slash_commands"]),
    ]
    for url in urls:
        assert url == f"https://YOUR-HOST{EVENTS_PATH}"
    assert [c["command"] for c in data["features"]["slash_commands"]] == ["/klu"]
    assert settings["socket_mode_enabled"] is False
    assert settings["interactivity"]["is_enabled"] is True


def test_events_and_scopes_cover_what_the_app_uses() -> None:
    data = load()
    events = set(data["settings"]["event_subscriptions"]["bot_events"])
    scopes = set(data["oauth_config"]["scopes"]["bot"])
    # only what the app handles: App Home and DMs (regrets); no channel messages
    assert events == {"app_home_opened", "message.im"}
    history = {
        "message.im": "im:history",
        "message.channels": "channels:history",
        "message.groups": "groups:history",
    }
    assert {history[e] for e in events if e in history} <= scopes
    assert {
        "commands",
        "chat:write",
        "im:write",
        "users:read",
        "users:read.email",
        "files:write",
        "channels:history",  # SlackSender.recover: find a post a killed clock already made
        "groups:history",
    } <= scopes
    home = data["features"]["app_home"]
    assert home["home_tab_enabled"] and home["messages_tab_enabled"]
    assert home["messages_tab_read_only_enabled"] is False
