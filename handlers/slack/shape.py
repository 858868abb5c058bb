"""Signed requests whose JSON has the wrong shape where Bolt reads it without checking
(an event that is a string, a view that is a list): refused before Bolt, with a warning,
instead of Bolt's matcher raising into the error handler, which logs an ERROR."""

from __future__ import annotations

from handlers.slack.installation import request_data

# The fields Bolt reads as objects (dict) or lists of objects, by the request's type.
_OBJECTS: dict[str, tuple[str, ...]] = {
    "event_callback": ("event",),
    "view_submission": ("view", "user"),
    "view_closed": ("view", "user"),
    "block_actions": ("user",),
    "shortcut": ("user",),
    "message_action": ("user",),
    "block_suggestion": ("user",),
}
_LISTS: dict[str, tuple[str, ...]] = {"block_actions": ("actions",)}


def misshapen(body: bytes, content_type: str) -> str | None:
    """Why the request's JSON cannot be what its type says, or None when it can (or when
    it is not JSON at all: slash commands are forms, and Bolt answers other bodies itself)."""
    data = request_data(body, content_type)
    if not isinstance(data, dict):
        return None
    kind = str(data.get("type") or "")
    for field in _OBJECTS.get(kind, ()):
        if field in data and not isinstance(data[field], dict):
            return f"{kind}: {field} is not an object"
    for field in _LISTS.get(kind, ()):
        value = data.get(field)
        if value is not None and not (
            isinstance(value, list) and all(isinstance(v, dict) for v in value)
        ):
            return f"{kind}: {field} is not a list of objects"
    return None
