"""Small answers kept a while in each process, by key: lists that change only by an import or a seed (the forms'
districts and categories), so a form's GET and POST run no statement for them."""

from __future__ import annotations

import time
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
