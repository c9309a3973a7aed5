"""Redaction: staff take personal data out of what the public reads — the title and text of a public item, and
its photos — while the original stays in the history for staff only (an internal entry)."""

from __future__ import annotations

from app import audit, clock
from app.accounts.models import User
from app.extensions import db
from signals import access, events
from signals.models import Signal, Update, UpdateKind, Visibility
from signals.services.errors import InvalidInput, NotAllowed


def redact(signal: Signal, actor: User, title: str, description: str, withdrawn_photo_ids: set[int]) -> Update:
    """Replace the public title and text, and take the chosen photos out of public view; the original words and
    the photos stay for staff."""
    if not access.can(actor, "act_as_staff", signal):
        raise NotAllowed("only staff of the item's department redact it")
    title, description = " ".join(title.split()), description.strip()
    if not title or not description:
        raise InvalidInput("a redacted item keeps a title and a text")
    photos = [a for a in signal.attachments if a.id in withdrawn_photo_ids and a.approved]
    if title == signal.title and description == signal.description and not photos:
        raise InvalidInput("nothing to redact")
    update = Update(kind=UpdateKind.redaction, visibility=Visibility.internal, created_at=clock.now(),
                    author_id=actor.id, body="",
                    data={"title": signal.title, "description": signal.description,
                          "photos": sorted(a.id for a in photos)})
    signal.updates.append(update)
    signal.title, signal.description = title, description
    for photo in photos:
        photo.approved = False
    audit.record(actor.id, "redaction", "signal", signal.id, photos=len(photos))
    db.session.flush()
    events.corrected.send(signal, what="redaction", update=update, actor=actor)
    return update
