"""Notices in the history: the proof that the filer was told (the outbox row), or why a notice was withheld.

Receivers in higher layers decide who is told and add the outbox row; they call
`record` to write the history entry, never building an `Update` themselves.
"""

from __future__ import annotations

from app import audit, clock
from app.extensions import db
from app.mail.models import Delivery
from signals import events
from signals.models import Signal, Update, UpdateKind, Visibility


def record(signal: Signal, notice: str, *, delivery: Delivery | None = None, withheld: str | None = None,
           **detail) -> Update:
    """Write a notice to the filer into the history (visible to the filer): sent with its outbox row, or withheld."""
    if (delivery is None) == (withheld is None):
        raise ValueError("a notice is either sent (its outbox row) or withheld (with a reason)")
    data = {"notice": notice, **({"withheld": withheld} if withheld else {}), **detail}
    update = Update(kind=UpdateKind.notice, visibility=Visibility.filer, created_at=clock.now(), delivery=delivery,
                    data=data)
    signal.updates.append(update)
    audit.record(None, "notice", "signal", signal.id, notice=notice, withheld=withheld)
    db.session.flush()                        # the outbox row, the history entry and the audit row together
    events.notice_recorded.send(signal, update=update, notice=notice,
                                delivery_id=delivery.id if delivery else None, withheld=withheld)
    return update
