"""Short-lived per-process memos for the look-ups every API write repeats (issue 19).

An Open311 POST looks up its API key, its category and its grid before it writes: three
round trips of the seven it makes on PostgreSQL. Each process keeps what it looked up for a
few seconds (`seconds`), and forgets a key as soon as this process saves or deletes the row
behind it (the apps connect the model signals). Another process's change reaches this one
within `seconds`: a revoked API key stops working everywhere within OPEN311_MEMO_SECONDS
(docs/decisions.md, "Per-process memos"). Thread-safe; values are shared between threads
and must be treated as read-only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import Any

_ALL: list[Memo] = []


class Memo:
    def __init__(self, name: str, seconds: float, maxsize: int = 2048) -> None:
        self.name, self.seconds, self.maxsize = name, seconds, maxsize
        self._rows: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        _ALL.append(self)

    def get(self, key: Hashable, load: Callable[[], Any]) -> Any:
        """The remembered value, or `load()` remembered (a None result is not kept)."""
        now = time.monotonic()
        row = self._rows.get(key)
        if row is not None and row[0] > now and self.seconds > 0:
            return row[1]
        value = load()
        if value is not None and self.seconds > 0:
            with self._lock:
                if len(self._rows) >= self.maxsize:
                    self._rows.clear()
                self._rows[key] = (now + self.seconds, value)
        return value

    def forget(self, key: Hashable | None = None) -> None:
        """Drop one key, or everything."""
        with self._lock:
            if key is None:
                self._rows.clear()
            else:
                self._rows.pop(key, None)


def forget_all() -> None:
    """Every memo of this process empty (tests, and after bulk changes)."""
    for memo in _ALL:
        memo.forget()
