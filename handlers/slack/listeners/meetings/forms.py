"""Reading modal submissions and turning KluErrors into per-block Danish error messages."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from bot.errors import KluError
from handlers.slack.inbound import submitted

T = TypeVar("T")


class Form:
    """The values of a submitted view, plus the errors found while checking them."""

    def __init__(self, view: Mapping[str, Any]) -> None:
        self.values: Mapping[str, Any] = (view.get("state") or {}).get("values") or {}
        self.errors: dict[str, str] = {}
        raw = view.get("private_metadata") or "{}"
        try:
            meta = json.loads(raw)
        except ValueError:
            meta = {}
        self.meta: dict[str, Any] = meta if isinstance(meta, dict) else {}

    def _element(self, block_id: str) -> Mapping[str, Any]:
        block = self.values.get(block_id) or {}
        element: Any = block.get("value") or next(iter(block.values()), {})
        return element if isinstance(element, Mapping) else {}

    def text(self, block_id: str) -> str:
        """A plain_text_input's value ('' when empty)."""
        return submitted(self._element(block_id).get("value"))

    def choice(self, block_id: str) -> str:
        """A static_select's chosen value ('' when none)."""
        selected = self._element(block_id).get("selected_option") or {}
        return str(selected.get("value") or "")

    def users(self, block_id: str) -> list[str]:
        """A multi_users_select's chosen user ids."""
        return [str(u) for u in self._element(block_id).get("selected_users") or []]

    def meta_int(self, key: str) -> int | None:
        """An integer from the view's private_metadata."""
        value = self.meta.get(key)
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**31
        return value if ok else None

    def check(self, block_id: str, func: Callable[[], T]) -> T | None:
        """Run a validation; on a KluError remember its message under the block id."""
        try:
            return func()
        except KluError as exc:
            self.errors.setdefault(block_id, exc.message)
            return None

    def fail(self, block_id: str, message: str) -> None:
        """Record an error for a block."""
        self.errors.setdefault(block_id, message)

    @property
    def ok(self) -> bool:
        """True when no field had an error."""
        return not self.errors

    def response(self) -> dict[str, Any]:
        """The ack body Slack shows next to the fields."""
        return {"response_action": "errors", "errors": dict(self.errors)}
