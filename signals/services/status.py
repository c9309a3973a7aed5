"""Status changes: an item moves along the workflow of its kind (signals/workflow.py)."""

from __future__ import annotations

from app import audit, clock
from app.accounts.models import User
from app.extensions import db
from signals import events, workflow
from signals.models import Signal, Update, UpdateKind, Visibility
from signals.services.errors import InvalidInput, TransitionNotAllowed
from signals.workflow import Status


# A refusal, a rejection or leaving without consideration, of any kind, always says why.
NEEDS_REASON = frozenset({Status.refused, Status.rejected, Status.left_without_consideration})


class ReasonMissing(InvalidInput):
    """A refusal, rejection or leaving without consideration with no reason."""


def change_status(signal: Signal, new: Status, actor: User | None, *, note: str = "",
                  visibility: Visibility = Visibility.public, record: UpdateKind = UpdateKind.status_change,
                  data: dict | None = None) -> Update:
    """Move an item along its workflow: history entry (a status change, or a `decision` with its `data`), closing
    time, event, audit row."""
    if new not in workflow.allowed(signal.kind, signal.status):
        raise TransitionNotAllowed(f"{signal.kind.value}: {signal.status.value} → {new.value}")
    if new in NEEDS_REASON and not note.strip():
        raise ReasonMissing(f"{new.value} needs a reason")
    now = clock.now()
    update = Update(kind=record, visibility=visibility, created_at=now, data=data or {},
                    author_id=actor.id if actor else None, old_status=signal.status, new_status=new, body=note)
    signal.updates.append(update)
    signal.status = new
    signal.closed_at = now if new == Status.closed else (None if new == Status.in_progress else signal.closed_at)
    audit.record(actor.id if actor else None, "status_change", "signal", signal.id,
                 old=update.old_status.value, new=new.value)
    db.session.flush()
    events.status_changed.send(signal, update=update, actor=actor)
    return update
