"""Filer tokens in the browser: `?t=<token>` once, then an item-scoped cookie.

The token in a tracking link proves filer rights on one item. The first visit
checks it, sets a cookie whose path is the item's URL, and redirects to the URL
without the token, so it leaves the address bar, history and access logs.
"""

from __future__ import annotations

import hmac

from flask import Response, current_app, request

from signals.models import Signal
from signals.services import hash_token

COOKIE_PREFIX = "ft_"
MAX_AGE = 2 * 365 * 86400


def cookie_name(signal: Signal) -> str:
    """The cookie that holds this item's token."""
    return COOKIE_PREFIX + signal.number.replace("-", "_")


def matches(signal: Signal, token: str | None) -> bool:
    """Whether a token is this item's current filer token (constant-time)."""
    if not token or not signal.filer_token_hash:
        return False
    return hmac.compare_digest(hash_token(token), signal.filer_token_hash)


def held(signal: Signal) -> frozenset[int]:
    """The ids (this item's, or none) whose filer token the request carries in its cookie."""
    return frozenset({signal.id}) if matches(signal, request.cookies.get(cookie_name(signal))) else frozenset()


def remember(response: Response, signal: Signal, token: str) -> Response:
    """Set the item-scoped cookie holding the token."""
    response.set_cookie(cookie_name(signal), token, max_age=MAX_AGE, path=f"/signals/{signal.number}",
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
    return response
