"""What every CLI area shares: the handler type and reading a file the secretary named."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot import texts
from bot.errors import InputError

if TYPE_CHECKING:
    from handlers.bootstrap import Container

CliCommand = Callable[[argparse.Namespace, "Container"], str]


def read_file(path: str) -> bytes:
    """The file's bytes, or a Danish InputError naming the path."""
    try:
        return Path(path).read_bytes()
    except OSError:
        raise InputError(texts.CLI_CANNOT_READ.format(path=path)) from None
