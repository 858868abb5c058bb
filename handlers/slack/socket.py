"""`klu-bot socket`: the same app over Socket Mode (a laptop, no public URL needed)."""

from __future__ import annotations

import logging

from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot import texts
from handlers.bootstrap import Container
from handlers.slack.app import create_app
from handlers.slack.serve import start_worker

log = logging.getLogger(__name__)
SOCKET_SETTINGS = ("slack_bot_token", "slack_app_token", "database_url")


def run_socket_mode(container: Container) -> None:
    """Connect to Slack over a WebSocket and serve until interrupted."""
    worker = start_worker(container)
    app = create_app(container, background=worker)
    log.warning(texts.LOG_SOCKET_MODE)
    try:
        SocketModeHandler(app, container.settings.slack_app_token).start()  # type: ignore[no-untyped-call]
    finally:
        worker.stop()
