"""What the registry holds about an account, for its export and its deletion (registered as the accounts layer's
providers in create_app: the registry sits above it)."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.kinds import PUBLIC_KINDS
from signals.models import Signal, Visibility
from signals.services.retention import anonymise_filers

_KINDS = sorted(PUBLIC_KINDS, key=lambda k: k.value)


def filed_by(user) -> list[Signal]:
    """The items the user filed from the account, newest first."""
    return list(db.session.scalars(select(Signal).where(Signal.user_id == user.id)
                                   .order_by(Signal.registered_at.desc())))


def export(user) -> list[dict]:
    """Each item the user filed, with what the filer may read of its history (never internal notes)."""
    items = []
    for item in filed_by(user):
        history = [{"at": entry.created_at.isoformat(), "kind": entry.kind.value,
                    "status": entry.new_status.value if entry.new_status else None, "text": entry.body}
                   for entry in item.updates if entry.visibility in (Visibility.public, Visibility.filer)]
        filer = item.filer
        items.append({"number": item.number, "kind": item.kind.value, "status": item.status.value,
                      "registered_at": item.registered_at.isoformat(),
                      "due_on": item.due_on.isoformat() if item.due_on else None,
                      "title": item.title, "description": item.description,
                      "place": item.place_description,
                      "sender": {"name": filer.person_name, "organisation": filer.organisation,
                                 "address": filer.address, "email": filer.email, "phone": filer.phone}
                      if filer else None,
                      "history": history})
    return items


def forget(user) -> None:
    """Before the account goes: public items keep no name or contact of it; private items keep the sender
    snapshot their decisions must reach, detached from the login (by the foreign keys, on delete)."""
    public = select(Signal.id).where(Signal.user_id == user.id, Signal.kind.in_(_KINDS))
    anonymise_filers(public, user_id=None)
