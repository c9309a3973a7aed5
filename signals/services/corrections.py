"""Corrections by staff: what an item is (its kind, within one visibility class; its category) and where it is.

Each writes its `Update` with the old and new values, sends `events.corrected` and an
audit row; the map's cell counts follow by themselves (signals/map_cells.py).
"""

from __future__ import annotations

from geoalchemy2.shape import to_shape

from app import audit, clock
from app.accounts.models import User
from app.departments.models import Category
from app.extensions import db
from app.kinds import Kind
from signals import deadlines, events, routing
from signals.models import Signal, Update, UpdateKind, Visibility
from signals.services.errors import InvalidInput

# Kinds that may change into each other: within one visibility class (a public kind stays public, a private one
# private) — a problem and a question; a letter, a complaint, a proposal and an information request.
SWAPPABLE = (frozenset({Kind.problem, Kind.question}),
             frozenset({Kind.letter, Kind.complaint, Kind.proposal, Kind.info_request}))


def _corrected(signal: Signal, what: str, kind: UpdateKind, actor: User | None, **data) -> Update:
    update = Update(kind=kind, visibility=Visibility.public, created_at=clock.now(),
                    author_id=actor.id if actor else None, data=data)
    signal.updates.append(update)
    audit.record(actor.id if actor else None, f"correct_{what}", "signal", signal.id, **data)
    db.session.flush()
    events.corrected.send(signal, what=what, update=update, actor=actor)
    return update


def change_kind(signal: Signal, kind: Kind, category: Category, actor: User | None) -> Update:
    """Another kind of the same visibility class (problem ↔ question; letter, complaint, proposal, information
    request among themselves), with a category of the new kind; the due date is counted again from the
    registration under the new kind's rule. The number stays: a change of kind is an Update."""
    if kind == signal.kind or not any({signal.kind, kind} <= group for group in SWAPPABLE):
        raise InvalidInput("a kind changes only within its visibility class")
    if category.kind != kind:
        raise InvalidInput("the category must belong to the new kind")
    old_kind, old_category = signal.kind, signal.category
    signal.kind, signal.category = kind, category
    signal.due_on = deadlines.deadline(kind, signal.registered_at)
    return _corrected(signal, "kind", UpdateKind.kind_change, actor, old=old_kind.value, new=kind.value,
                      old_category=old_category.code, category=category.code, due_on=signal.due_on.isoformat())


def change_category(signal: Signal, category: Category, actor: User | None) -> Update:
    """Another category of the same kind (the department stays: sending elsewhere is a reroute)."""
    if category.kind != signal.kind:
        raise InvalidInput("the category must belong to the item's kind")
    if category.id == signal.category_id:
        raise InvalidInput("the item has this category already")
    old = signal.category
    signal.category = category
    return _corrected(signal, "category", UpdateKind.category_change, actor, old=old.code, new=category.code)


def move_point(signal: Signal, lon: float, lat: float, actor: User | None) -> Update:
    """Correct the point (inside the municipality); the district follows."""
    place = routing.Place(lon=lon, lat=lat)
    area, inside = routing.locate(place)
    if not inside:
        raise InvalidInput("the point is outside the municipality")
    old = signal.location
    signal.location, signal.area = place.geometry(), area
    old_point = [round(to_shape(old).x, 6), round(to_shape(old).y, 6)] if old is not None else None
    return _corrected(signal, "place", UpdateKind.relocation, actor, old=old_point, new=[round(lon, 6), round(lat, 6)])
