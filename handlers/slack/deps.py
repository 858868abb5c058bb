"""What every listener module receives in `register(app, deps)`."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from slack_sdk import WebClient

from handlers.bootstrap import Container
from handlers.slack.answers import NoCache

T = TypeVar("T")


class Answers(Protocol):
    """Remembered answers (handlers/slack/answers.py)."""

    def get(self, key: Hashable, compute: Callable[[], T], *, roster_only: bool = False) -> T:
        """The answer for key at the current data revisions."""
        ...


class Background(Protocol):
    """The web process's background worker (handlers/slack/worker.py)."""

    def notify(self) -> None:
        """Something was enqueued: dispatch the outbox now rather than at the next tick."""
        ...

    def link_user(self, user_id: str) -> None:
        """Try to link this Slack user to the roster by e-mail, in the background."""
        ...

    def link_now(self, user_id: str) -> bool:
        """Link this Slack user by e-mail now, from the worker's own thread; True if linked."""
        ...


class NoBackground:
    """For processes without a worker: rows wait in the outbox for one that has."""

    def notify(self) -> None:
        """Do nothing."""

    def link_user(self, user_id: str) -> None:
        """Do nothing."""

    def link_now(self, user_id: str) -> bool:
        """Nothing to link with."""
        return False


@dataclass(frozen=True)
class SlackDeps:
    """The container, Web API clients, and the background worker.

    `interactive` has a short timeout: it is for the few calls that must happen inside the
    request (views.open with a trigger_id). Everything else goes through the outbox.
    """

    container: Container
    client: WebClient
    interactive: WebClient
    background: Background
    answers: Answers = field(default_factory=NoCache)
