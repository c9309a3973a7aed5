"""Filer tokens: the proof of filer rights that a tracking link carries, derived and never stored in clear.

    token = base64url(HMAC-SHA256(FILER_TOKEN_KEY, "<item id>:<generation>") truncated to 128 bits)

FILER_TOKEN_KEY is its own setting, never SECRET_KEY, so rotating session keys
never breaks an old tracking link. The row keeps the generation and the token's
sha256; issuing a new token bumps the generation, and every older link stops
working. Mail bodies hold MAIL_PLACEHOLDER, which the delivery job replaces with
the current token: a re-send carries the same working link, and nothing at rest
holds one. In the browser the token lives only in a cookie scoped to the item's
path (signals/gate.py).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app

from app.extensions import db
from app.mail.delivery import FILER_TOKEN_PLACEHOLDER as MAIL_PLACEHOLDER  # noqa: F401 (one source)
from signals.models import Signal

TOKEN_BYTES = 16   # 128 bits


def derive(item_id: int, generation: int) -> str:
    """The token of an item's generation (url-safe, 22 characters)."""
    key = current_app.config["FILER_TOKEN_KEY"].encode()
    digest = hmac.new(key, f"{item_id}:{generation}".encode(), hashlib.sha256).digest()[:TOKEN_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def hash_token(token: str) -> str:
    """How a token is stored: its sha256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue(signal: Signal) -> str:
    """A new token for the item (its id must be set): bumps the generation, so earlier links stop working."""
    if signal.id is None:
        raise ValueError("a token is derived from the item's id: assign it first")
    signal.filer_token_generation = (signal.filer_token_generation or 0) + 1
    token = derive(signal.id, signal.filer_token_generation)
    signal.filer_token_hash = hash_token(token)
    return token


def matches(signal: Signal, token: str | None) -> bool:
    """Whether a token is the item's current one (constant-time)."""
    if not token or not signal.filer_token_hash or len(token) > 64:
        return False
    return hmac.compare_digest(hash_token(token), signal.filer_token_hash)


def current(signal: Signal) -> str | None:
    """The item's current token, derived again (None for items filed from an account, or after a key change)."""
    if not signal.filer_token_hash or not signal.filer_token_generation:
        return None
    token = derive(signal.id, signal.filer_token_generation)
    return token if matches(signal, token) else None


def for_item(item_id: int) -> str | None:
    """The current token of an item by id: what the delivery job puts into a mail's tracking link."""
    signal = db.session.get(Signal, item_id)
    return current(signal) if signal is not None else None
