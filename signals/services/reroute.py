"""Rerouting: an item goes to another department of the municipality, with a reason; the filer is told. A
department's managers reroute its items; contact-centre operators route what waits in the triage inbox."""

from __future__ import annotations

from app import audit, clock
from app.accounts.models import User
from app.departments.models import Department
from app.extensions import db
from signals import access, events
from signals.models import Signal, Update, UpdateKind, Visibility
from signals.services.errors import InvalidInput, NotAllowed


def may_reroute(actor: User, signal: Signal) -> bool:
    """A manager of the item's department (or an admin); staff of triage (operators) for items waiting there."""
    return access.can(actor, "manage", signal) or (
        signal.department is not None and signal.department.is_triage and access.can(actor, "act_as_staff", signal))


def reroute(signal: Signal, department: Department, actor: User, reason: str) -> Update:
    """Send the item to another active department; it waits there unassigned."""
    if not may_reroute(actor, signal):
        raise NotAllowed("only the department's managers, or operators from triage, reroute an item")
    if department is None or not department.active or department.id == signal.department_id:
        raise InvalidInput("choose another active department")
    if not reason.strip():
        raise InvalidInput("a reroute says why")
    old = signal.department
    update = Update(kind=UpdateKind.reroute, visibility=Visibility.filer, created_at=clock.now(),
                    author_id=actor.id, body=reason.strip()[:2000],
                    data={"from": old.id if old else None, "to": department.id})
    signal.updates.append(update)
    signal.department, signal.assignee_id = department, None
    audit.record(actor.id, "reroute", "signal", signal.id, old=old.code if old else None, new=department.code)
    db.session.flush()
    events.rerouted.send(signal, update=update, actor=actor, previous=old)
    return update
