""""This is my problem too": who may be supported, how many support an item, whether this browser already does.

A supporter is a row of its own (signals.models.Supporter), never a column of the item:
the item's version, and so every open staff form, stays as it was.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable

from sqlalchemy import func, select

from app.extensions import db
from app.kinds import Kind
from signals import access, workflow
from signals.models import Signal, Supporter


def key_of(secret: str) -> str:
    """What is stored for a browser's cookie or an account: its SHA-256, never the value itself."""
    return hashlib.sha256(secret.encode()).hexdigest()


def supportable(item: Signal) -> bool:
    """Only a public, open problem takes supporters (a closed one is no longer being worked on)."""
    return item.kind == Kind.problem and access.is_public(item) and workflow.is_open(item.status)


def count(item: Signal) -> int:
    """How many browsers and accounts support the item."""
    return db.session.scalar(select(func.count()).select_from(Supporter).where(Supporter.signal_id == item.id)) or 0


def counts(signal_ids: Iterable[int]) -> dict[int, int]:
    """Supporters per item, for a list of items (missing ids have none)."""
    ids = sorted(set(signal_ids))
    if not ids:
        return {}
    rows = db.session.execute(select(Supporter.signal_id, func.count()).where(Supporter.signal_id.in_(ids))
                              .group_by(Supporter.signal_id))
    return {signal_id: n for signal_id, n in rows}


def supported_by(item: Signal, keys: Collection[str]) -> bool:
    """Whether any of these keys (this browser's, this account's) already supports the item."""
    if not keys:
        return False
    return db.session.scalar(select(Supporter.id).where(Supporter.signal_id == item.id,
                                                        Supporter.key.in_(sorted(keys))).limit(1)) is not None
