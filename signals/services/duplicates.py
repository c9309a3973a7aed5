"""Duplicates: staff mark a signal as a duplicate of an earlier one of the same kind; its supporters (and its
filer, when they have an account) move over to the earlier one, so nobody's "me too" is lost."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from app import audit, clock
from app.accounts.models import User
from app.extensions import db
from signals import access, support, workflow
from signals.models import Signal, Supporter, Update
from signals.services.errors import InvalidInput, NotAllowed, TransitionNotAllowed
from signals.services.status import change_status
from signals.workflow import Status


def mark_duplicate(signal: Signal, original: Signal | None, actor: User) -> Update:
    """Close the item as a duplicate of `original` (named in its history) and move its supporters there."""
    if not access.can(actor, "act_as_staff", signal):
        raise NotAllowed("only staff of the item's department mark it")
    if original is None or original.id == signal.id or original.kind != signal.kind \
            or not access.can(actor, "view", original):
        raise InvalidInput("name another item of the same kind that you may see")
    if Status.duplicate not in workflow.allowed(signal.kind, signal.status):
        raise TransitionNotAllowed(f"{signal.kind.value}: {signal.status.value} → duplicate")
    theirs = select(Supporter.key).where(Supporter.signal_id == original.id).scalar_subquery()
    moved = db.session.execute(update(Supporter).where(Supporter.signal_id == signal.id, Supporter.key.not_in(theirs))
                               .values(signal_id=original.id)).rowcount
    db.session.execute(delete(Supporter).where(Supporter.signal_id == signal.id))
    if signal.user_id and signal.kind.is_public:             # the duplicate's filer supports the original
        key = support.key_of(f"user:{signal.user_id}")
        if db.session.scalar(select(Supporter.id).where(Supporter.signal_id == original.id,
                                                         Supporter.key == key)) is None:
            db.session.add(Supporter(signal_id=original.id, key=key, user_id=signal.user_id, created_at=clock.now()))
    entry = change_status(signal, Status.duplicate, actor, note=original.number)
    entry.data = {"original": original.number, "supporters_moved": moved}
    audit.record(actor.id, "duplicate", "signal", signal.id, original=original.number, moved=moved)
    return entry

