"""App Home: published through the outbox when the member opens the Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.errors import KluError
from bot.topics.board import home_overview
from handlers.slack import blocks as b
from handlers.slack.deps import SlackDeps
from handlers.slack.identity import caller_for
from handlers.slack.listeners.topics import views
from handlers.slack.outgoing import send_later


def home_view_for(deps: SlackDeps, user_id: str) -> dict[str, Any]:
    """The Home view for a user (a hint for people the bot does not know)."""
    c = deps.container
    try:
        caller = caller_for(deps, user_id, None, direct=True)
    except KluError as exc:  # not linked yet, not on the roster, or no committee
        return views.hint_home(exc.message)
    return b.home_view(views.home_blocks(home_overview(c.uow(), caller, c.clock())))


def publish_home(deps: SlackDeps, user_id: str, key: str) -> bool:
    """Queue views.publish of the user's Home (idempotent by key)."""
    view = home_view_for(deps, user_id)
    payload = {"op": "home", "user": user_id, "view": view}
    return send_later(deps, key=key, kind="home", recipient=user_id, payload=payload)


def register(app: App, deps: SlackDeps) -> None:
    """app_home_opened -> publish the Home view."""

    @app.event("app_home_opened")
    def on_home(ack: Ack, body: dict[str, Any], event: dict[str, Any]) -> None:
        ack()
        if event.get("tab", "home") != "home":
            return
        user = event.get("user")
        if not isinstance(user, str) or not user.strip():
            return  # malformed: nobody to publish for (would fail for good and alarm)
        event_id = str(body.get("event_id") or event.get("event_ts") or "")
        publish_home(deps, user, key=f"home:{user}:{event_id}")
