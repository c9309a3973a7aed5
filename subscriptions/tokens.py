"""The tokens a follow's mails carry: one to confirm an address (double opt-in), one to unsubscribe. Each is an
HMAC over its purpose, the follow's id and its random nonce, with FILER_TOKEN_KEY (a key kept apart from the
session's): derived when a mail is sent, never stored, single-purpose, and never a key to any item.

Stored mail bodies and headers hold PLACEHOLDER; the delivery job fills in the token of the purpose the row's
context names (app.mail.delivery, through the resolver registered in app.extensions["follow_token_for"]).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app

from app.mail.delivery import FOLLOW_TOKEN_PLACEHOLDER as PLACEHOLDER  # noqa: F401 (one source)
from subscriptions.models import Follow

CONFIRM, UNSUBSCRIBE = "confirm", "unsubscribe"


def derive(follow: Follow, purpose: str) -> str:
    """The follow's token for one purpose (url-safe, 22 characters)."""
    key = current_app.config["FILER_TOKEN_KEY"].encode()
    message = f"follow:{purpose}:{follow.id}:{follow.nonce}".encode()
    return base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()[:16]).rstrip(b"=").decode()


def for_mail(follow_id: int, purpose: str) -> str | None:
    """The resolver the delivery job calls: a follow's token for a purpose, None when the follow is gone."""
    from app.extensions import db

    follow = db.session.get(Follow, follow_id)
    return derive(follow, purpose) if follow is not None and purpose in (CONFIRM, UNSUBSCRIBE) else None


def matches(follow: Follow | None, purpose: str, token: str | None) -> bool:
    """Whether a token is this follow's token for this purpose."""
    return bool(follow is not None and token and hmac.compare_digest(derive(follow, purpose), token))
