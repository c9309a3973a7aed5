"""Notices in the history: the proof that the filer was told (the outbox row), or why a notice was withheld.

Receivers in higher layers decide who is told and add the outbox row; they call
`record` to write the history entry, never building an `Update` themselves.
"""

from __future__ import annotations

from app import audit, clock
from app.extensions import db
from signals import events
from signals.models import Signal, Update, UpdateKind, Visibility


def record(signal: Signal, notice: str, *, delivery_id: int | None = None, withheld: str | None = None,
           **detail) -> Update:
    """Write a notice to the filer into the history (visible to the filer): sent with its outbox row, or withheld."""
    if (delivery_id is None) == (withheld is None):
        raise ValueError("a notice is either sent (delivery_id) or withheld (with a reason)")
    data = {"notice": notice, **({"withheld": withheld} if withheld else {}), **detail}
    update = Update(kind=UpdateKind.notice, visibility=Visibility.filer, created_at=clock.now(),
                    delivery_id=delivery_id, data=data)
    signal.updates.append(update)
    db.session.flush()
    events.notice_recorded.send(signal, update=update, notice=notice, delivery_id=delivery_id, withheld=withheld)
    audit.record(None, "notice", "signal", signal.id, notice=notice, delivery=delivery_id, withheld=withheld)
    return update
