"""Single-use links sent by mail: confirm an address, reset a password, confirm a new address.

    token = base64url(HMAC-SHA256(SECRET_KEY, "account:<row id>:<created_at>") truncated to 128 bits)

The row keeps only the token's SHA-256. A mail's stored body holds ACCOUNT_TOKEN_PLACEHOLDER and the
delivery job puts the derived token in at sending (app.extensions["account_token_for"]), so neither the
table nor the outbox holds a usable link. Links travel in the query string, never in a path segment.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select, update

from app import clock
from app.accounts.models import AccountToken, TokenPurpose, User
from app.extensions import db
from app.mail.delivery import ACCOUNT_TOKEN_PLACEHOLDER  # noqa: F401 (one source)

LIFETIME = {TokenPurpose.confirm: timedelta(hours=24), TokenPurpose.reset: timedelta(hours=1),
            TokenPurpose.change_email: timedelta(hours=24), TokenPurpose.claim: timedelta(hours=24)}


class LinkRefused(Exception):
    """A link that is unknown, used, expired or for something else; `reason` is one of those words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def derive(token_id: int, created_at: datetime) -> str:
    """The token of a row (url-safe, 22 characters)."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"account:{token_id}:{created_at.isoformat()}".encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user: User, purpose: TokenPurpose, email: str, subject: str | None = None) -> AccountToken:
    """A new link for the user; earlier unused links of the same purpose stop working, except for links with a
    `subject` (what the link acts on: a claim's item numbers). The caller commits."""
    now = clock.now().replace(microsecond=0)
    if subject is None:           # a claim's link covers its own items: two claims may wait side by side
        db.session.execute(update(AccountToken).where(AccountToken.user_id == user.id, AccountToken.purpose == purpose,
                                                      AccountToken.used_at.is_(None)).values(used_at=now))
    row = AccountToken(key="pending", purpose=purpose, user_id=user.id, email=email, subject=subject,
                       created_at=now, expires_at=now + LIFETIME[purpose])
    db.session.add(row)
    db.session.flush()
    row.key = _key(derive(row.id, row.created_at))
    return row


def token_for(token_id: int) -> str | None:
    """The delivery job's resolver: the token of a row, derived again (None once the row is gone)."""
    row = db.session.get(AccountToken, token_id)
    return derive(row.id, row.created_at) if row is not None else None


def peek(token: str | None, purpose: TokenPurpose) -> AccountToken:
    """The live row of a presented token, not yet used up; LinkRefused with the reason otherwise."""
    if not token or len(token) > 64:
        raise LinkRefused("unknown")
    row = db.session.scalar(select(AccountToken).where(AccountToken.key == _key(token)).with_for_update())
    if row is None or row.purpose != purpose:
        raise LinkRefused("unknown")
    if row.used_at is not None:
        raise LinkRefused("used")
    if row.expires_at <= clock.now():
        raise LinkRefused("expired")
    return row


def consume(token: str | None, purpose: TokenPurpose) -> AccountToken:
    """peek, then mark the row used (in the caller's transaction): a second use is refused."""
    row = peek(token, purpose)
    row.used_at = clock.now()
    return row
