"""`klu-bot`: parse the command line, then import and run the one command asked for."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import texts
from bot.config import DEFAULT_TIMEZONE, ConfigError, load_settings, require
from bot.errors import KluError
from bot.ports import Clock
from bot.time.parse import parse_local_datetime
from handlers.cli.parser import build
from handlers.cli.registry import handler
from handlers.logs import configure as configure_logs

if TYPE_CHECKING:
    from handlers.bootstrap import Container

log = logging.getLogger("klu-bot")


def build_parser() -> argparse.ArgumentParser:
    """The argument grammar; help texts are Danish, for the secretary."""
    return build()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `klu-bot` console script."""
    configure_logs(logging.WARNING)  # key=value from the first line; serve and clock say more
    parser = build()
    args = parser.parse_args(argv)
    if args.area == "demo":
        from handlers.demo.main import run_demo  # the demo needs no settings and no database

        return run_demo()
    if getattr(args, "command", None) is None:
        parser.print_help()
        return 2
    container: Container | None = None
    try:
        settings = load_settings()
        require(settings, getattr(args, "requires", ()))
        run = handler(args.command)
        from handlers.bootstrap import bootstrap  # the database is needed only now

        container = bootstrap(settings, clock=_clock(args))
        output = run(args, container)
    except ConfigError as exc:
        print(texts.CLI_ERROR.format(message=exc), file=sys.stderr)
        return 2
    except KluError as exc:
        print(texts.CLI_ERROR.format(message=exc.message), file=sys.stderr)
        return 1
    except Exception as exc:
        if os.environ.get("KLU_DEBUG"):
            log.exception("unexpected error")
        message = texts.CLI_UNEXPECTED.format(
            message=texts.UNEXPECTED_ERROR, kind=type(exc).__name__
        )
        print(texts.CLI_ERROR.format(message=message), file=sys.stderr)
        return 1
    finally:
        if container is not None:
            container.close()
    if output:
        print(output)
    return 0


def _clock(args: argparse.Namespace) -> Clock:
    """The system clock, or a fixed one from --now (local time in the default zone)."""
    if not getattr(args, "now", None):
        from handlers.bootstrap import system_clock

        return system_clock
    fixed = parse_local_datetime(args.now, ZoneInfo(DEFAULT_TIMEZONE))
    return lambda: fixed
