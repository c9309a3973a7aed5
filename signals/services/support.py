"""Adding a supporter to a public problem ("this is my problem too") instead of filing a duplicate."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert

from app import clock
from app.extensions import db
from signals import support
from signals.models import Signal, Supporter
from signals.services.errors import InvalidInput


def add_supporter(item: Signal, keys: list[str], user_id: int | None = None) -> bool:
    """Count one more supporter under the first key unless any key already supports the item; True if added.

    Refuses (InvalidInput "not_supportable") an item that is not a public, open problem. Two
    simultaneous requests with one key add one row (the unique index, ON CONFLICT DO NOTHING)."""
    if not support.supportable(item):
        raise InvalidInput("not_supportable")
    if not keys:
        raise InvalidInput("no_key")
    if support.supported_by(item, keys):
        return False
    added = db.session.execute(
        insert(Supporter).values(signal_id=item.id, key=keys[0], user_id=user_id, created_at=clock.now())
        .on_conflict_do_nothing(index_elements=["signal_id", "key"]).returning(Supporter.id)).scalar()
    db.session.flush()
    return added is not None
