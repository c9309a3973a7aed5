"""Assignment: who in the routed department works on an item. A member may take an item; a manager (or an admin)
gives it to any member. An internal history entry, an audit row and the `assigned` event (the assignee is told)."""

from __future__ import annotations

from app import audit, clock
from app.accounts.models import User
from app.extensions import db
from signals import access, events
from signals.models import Signal, Update, UpdateKind, Visibility
from signals.services.errors import InvalidInput, NotAllowed


def refusal(signal: Signal, assignee: User | None, actor: User) -> str | None:
    """Why the actor may not give the item to the assignee (reads only), or None."""
    if not access.can(actor, "act_as_staff", signal):
        return "only staff of the item's department assign it"
    if not access.can(actor, "manage", signal) and (assignee is None or assignee.id != actor.id):
        return "only a manager gives an item to someone else"
    if assignee is not None and not access.can(assignee, "act_as_staff", signal):
        return "the assignee does not work on this item's department"
    if signal.assignee_id == (assignee.id if assignee is not None else None):
        return "the item is assigned so already"
    return None


def assign(signal: Signal, assignee: User | None, actor: User) -> Update:
    """Make `assignee` responsible for the item (None: nobody)."""
    refused = refusal(signal, assignee, actor)
    if refused:
        raise (InvalidInput if "assignee" in refused or "already" in refused else NotAllowed)(refused)
    new_id = assignee.id if assignee is not None else None
    update = Update(kind=UpdateKind.assignment, visibility=Visibility.internal, created_at=clock.now(),
                    author_id=actor.id, body="", data={"assignee_id": new_id, "previous_id": signal.assignee_id})
    signal.updates.append(update)
    signal.assignee_id = new_id
    audit.record(actor.id, "assign", "signal", signal.id, assignee=new_id)
    db.session.flush()
    events.assigned.send(signal, update=update, actor=actor, assignee=assignee)
    return update
