"""Typed domain errors. Each carries a Danish message that is safe to show to a user."""

from __future__ import annotations


class KluError(Exception):
    """Base of every error the bot expects; `message` is Danish and user-safe."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(KluError):
    """The user's input could not be understood or breaks a rule."""


class NotFoundError(KluError):
    """A person, meeting, topic or item the user named does not exist."""


class PermissionDeniedError(KluError):
    """The user may not do this (e.g. only the secretary may build agendas)."""


class ConflictError(KluError):
    """The request clashes with the current state (e.g. editing a cancelled meeting)."""
