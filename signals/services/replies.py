"""What staff write on an item: a public reply (everyone who may see the item reads it; the filer is told), a
reply to the filer only, and an internal note (staff only, told to nobody outside staff)."""

from __future__ import annotations

import re

from app import audit, clock
from app.accounts.models import User
from app.extensions import db
from signals import access, events
from signals.models import Signal, Update, UpdateKind, Visibility
from signals.services.errors import InvalidInput, NotAllowed
from signals.services.filing import attach_documents

MAX_TEXT = 10_000


class FilerNamed(InvalidInput):
    """A public reply that names the filer: refused (the filer's name goes only into replies to the filer)."""


def _write(signal: Signal, actor: User, body: str, kind: UpdateKind, visibility: Visibility) -> Update:
    if not access.can(actor, "act_as_staff", signal):
        raise NotAllowed("only staff of the item's department write on it")
    body = body.strip()
    if not body or len(body) > MAX_TEXT:
        raise InvalidInput("a reply or note says something, in at most 10,000 characters")
    update = Update(kind=kind, visibility=visibility, created_at=clock.now(), author_id=actor.id, body=body)
    signal.updates.append(update)
    audit.record(actor.id, kind.value, "signal", signal.id)
    db.session.flush()
    return update


def reply(signal: Signal, actor: User, body: str, *, public: bool, photos: list[dict] = ()) -> Update:
    """A reply from the department: public (on the item's page for every reader) or to the filer only, with
    photos (the "after" beside the filer's "before", checked and stored by signals.document_uploads); the filer
    is told either way (`replied`)."""
    if public and _names_the_filer(signal, body):
        raise FilerNamed("a public reply never names the filer")
    update = _write(signal, actor, body, UpdateKind.public_reply,
                    Visibility.public if public else Visibility.filer)
    if photos:
        attach_documents(signal, list(photos), update, public=public)
        db.session.flush()
    events.replied.send(signal, update=update, actor=actor)
    return update


def _names_the_filer(signal: Signal, body: str) -> bool:
    """Whether a text holds the filer's name (their full name, or any of its words of four letters or more)."""
    name = signal.filer.person_name if signal.filer is not None else ""
    words = {w for w in re.findall(r"\w+", name.casefold()) if len(w) >= 4}
    text = body.casefold()
    return bool(name.strip()) and (name.casefold().strip() in text or bool(words & set(re.findall(r"\w+", text))))


def note(signal: Signal, actor: User, body: str) -> Update:
    """An internal note: staff of the item's department and admins read it; nobody is told."""
    return _write(signal, actor, body, UpdateKind.internal_note, Visibility.internal)
