"""The tokens a follow's or an alert's mails carry: one to confirm an address (double opt-in), one to unsubscribe.
Each is an HMAC over its purpose, the table, the row's id and its random nonce, with FILER_TOKEN_KEY (a key kept
apart from the session's): derived when a mail is sent, never stored, single-purpose, never a key to any item.

Stored mail bodies and headers hold PLACEHOLDER where a link's query goes; the delivery job fills in the query that
names the follow or alert and carries its token for the purpose the row's context names (app.mail.delivery, through
the resolver registered in app.extensions["follow_token_for"]): `f=ID&t=TOKEN` or `a=ID&t=TOKEN`. The stored link is
the same for every recipient of a notice, so the delivery job renders a notice's mail once per language.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app

from app.mail.delivery import FOLLOW_QUERY_PLACEHOLDER as PLACEHOLDER  # noqa: F401 (one source)
from app.extensions import db
from subscriptions.models import Alert, Follow

CONFIRM, UNSUBSCRIBE = "confirm", "unsubscribe"


def derive(row: Follow | Alert, purpose: str) -> str:
    """A follow's or an alert's token for one purpose (url-safe, 22 characters)."""
    key = current_app.config["FILER_TOKEN_KEY"].encode()
    message = f"{row.__tablename__}:{purpose}:{row.id}:{row.nonce}".encode()
    return base64.urlsafe_b64encode(hmac.new(key, message, hashlib.sha256).digest()[:16]).rstrip(b"=").decode()


def for_mail(context: dict) -> str | None:
    """The resolver the delivery job calls with a row's context (follow_id or alert_id, and token_purpose): the
    link's query (`f=ID&t=TOKEN` or `a=ID&t=TOKEN`), None when the follow or alert is gone."""
    purpose = context.get("token_purpose", UNSUBSCRIBE)
    row = db.session.get(Follow, context["follow_id"]) if context.get("follow_id") else \
        db.session.get(Alert, context["alert_id"]) if context.get("alert_id") else None
    if row is None or purpose not in (CONFIRM, UNSUBSCRIBE):
        return None
    return f"{'f' if isinstance(row, Follow) else 'a'}={row.id}&t={derive(row, purpose)}"


def matches(row: Follow | Alert | None, purpose: str, token: str | None) -> bool:
    """Whether a token is this follow's or alert's token for this purpose."""
    return bool(row is not None and token and hmac.compare_digest(derive(row, purpose), token))
