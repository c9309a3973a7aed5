"""Redirect targets a visitor may choose: only paths on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

HOME = "/"


def safe_next(target: str | None, default: str = HOME) -> str:
    """A local path to go to after an action, or the default for anything else.

    Refuses absolute and scheme-relative URLs, backslashes (browsers read "/\\x" as
    "//x"), and control characters (a newline would split the Location header).
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
