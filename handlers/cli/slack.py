"""`klu-bot serve` and `klu-bot socket`: run the Slack app."""

from __future__ import annotations

import argparse

from handlers.bootstrap import Container
from handlers.cli.files import CliCommand
from handlers.logs import configure as configure_logs

SERVE_REQUIRES = ("slack_bot_token", "slack_signing_secret", "database_url")
SOCKET_REQUIRES = ("slack_bot_token", "slack_app_token", "database_url")


def cmd_serve(args: argparse.Namespace, c: Container) -> str:
    """HTTP on --port or $PORT (default 3000): POST /slack/events, GET /healthz."""
    from handlers.slack.serve import serve

    configure_logs()
    serve(c, args.port or c.settings.port, host=args.host)
    return ""


def cmd_socket(args: argparse.Namespace, c: Container) -> str:
    """Socket Mode (SLACK_APP_TOKEN), for a laptop without a public URL."""
    from handlers.slack.socket import run_socket_mode

    configure_logs()
    run_socket_mode(c)
    return ""


COMMANDS: dict[str, CliCommand] = {
    "cmd_serve": cmd_serve,
    "cmd_socket": cmd_socket,
}
