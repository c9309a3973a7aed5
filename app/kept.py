"""Small answers kept in each process, by key: lists kept a while that change only by an import or a seed (the
forms' districts and categories), so a form's GET and POST run no statement for them; and texts kept within a
bound of size (the map's whole-city cells, one body per data version)."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    """Values by key, each made by its maker at most once per `seconds` in this process."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self._values: dict[object, tuple[float, V]] = {}

    def get(self, key: object, make: Callable[[], V]) -> V:
        """The value kept for the key, or a fresh one from `make` once the kept one is older than `seconds`."""
        found = self._values.get(key)
        if found is not None and time.monotonic() - found[0] < self.seconds:
            return found[1]
        value = make()
        self._values[key] = (time.monotonic(), value)
        return value

    def clear(self) -> None:
        """Forget every value (after the data changed in this process)."""
        self._values.clear()


class LastUsed:
    """Texts by key, kept until together they hold more than `max_chars` characters: then the least recently used
    go first. Shared by a process's threads."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self._texts: OrderedDict[object, str] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: object) -> str | None:
        """The text kept for the key (now the most recently used), or None."""
        with self._lock:
            text = self._texts.get(key)
            if text is not None:
                self._texts.move_to_end(key)
            return text

    def put(self, key: object, text: str) -> None:
        """Keep a text, unless it alone would take more than an eighth of the room."""
        if len(text) > self.max_chars // 8:
            return
        with self._lock:
            self._size += len(text) - len(self._texts.pop(key, ""))
            self._texts[key] = text
            while self._size > self.max_chars:
                self._size -= len(self._texts.popitem(last=False)[1])

    def clear(self) -> None:
        """Forget every text."""
        with self._lock:
            self._texts.clear()
            self._size = 0
