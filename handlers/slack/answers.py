"""Answers remembered while the data they show is unchanged.

Looking up who is asking, and the read-only answers `/klu bruttoliste` and `/klu næste`,
cost several queries each, and the same person asks the same thing many times between two
changes. Each entry is keyed by everything its answer depends on (who asks, where, the
question, the minute of the clock) and by the data revisions (storage/revisions.py) read
*before* the answer was computed: once any change is committed, in this process or another,
the revisions differ and the entry is simply never found again. Errors are not remembered.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")
MAX_ENTRIES = 512  # a bruttoliste page is up to ~30 KB: at most ~15 MB in all


class AnswerCache:
    """A bounded, thread-safe map from (revisions, key) to an answer; oldest out first."""

    def __init__(
        self, revision: Callable[[], tuple[int, int]], max_entries: int = MAX_ENTRIES
    ) -> None:
        self._revision = revision
        self._max = max_entries
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T], *, roster_only: bool = False) -> T:
        """The remembered answer for `key` at the current revisions, else compute() and keep
        it. roster_only: the answer depends on the roster alone (who is asking), so changes
        to topics or meetings do not make it old."""
        roster, content = self._revision()
        full = (roster, None if roster_only else content, key)
        with self._lock:
            if full in self._entries:
                self._entries.move_to_end(full)
                self.hits += 1
                return self._entries[full]  # type: ignore[return-value]
            self.misses += 1
        value = compute()
        with self._lock:
            self._entries[full] = value
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return value


class NoCache:
    """Computes every time (KLU_ANSWER_CACHE=0, or a process without a database)."""

    hits = misses = 0

    def get(self, key: Hashable, compute: Callable[[], T], *, roster_only: bool = False) -> T:
        """compute()."""
        return compute()
