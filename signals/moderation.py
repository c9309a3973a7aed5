"""Moderation: approving question texts and photos, hiding public items, the hold during a spam wave."""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from app import audit, clock, site_settings
from app.accounts.models import User
from app.extensions import db
from app.kinds import PUBLIC_KINDS
from signals.models import Attachment, HiddenReason, Signal, Update, UpdateKind, Visibility


def queue() -> Select:
    """Public items waiting for a moderator: unapproved text or photos, not hidden."""
    pending_photo = select(Attachment.id).where(Attachment.signal_id == Signal.id, Attachment.approved.is_(False))
    return (select(Signal).where(Signal.kind.in_(sorted(PUBLIC_KINDS, key=lambda k: k.value)),
                                 Signal.hidden.is_(False),
                                 or_(Signal.text_approved.is_(False), pending_photo.exists()))
            .order_by(Signal.registered_at))


def approve(signal: Signal, actor: User | None) -> None:
    """Make the item's text and photos public."""
    signal.text_approved = True
    for attachment in signal.attachments:
        attachment.approved = True
    signal.updates.append(Update(kind=UpdateKind.moderation, visibility=Visibility.filer, created_at=clock.now(),
                                 author_id=actor.id if actor else None, data={"action": "approved"}))
    db.session.flush()
    audit.record(actor.id if actor else None, "approve", "signal", signal.id)


def hide(signal: Signal, reason: HiddenReason, actor: User | None) -> None:
    """Hide a public item; its status card says so with the reason category."""
    signal.hidden, signal.hidden_reason = True, reason
    signal.updates.append(Update(kind=UpdateKind.moderation, visibility=Visibility.filer, created_at=clock.now(),
                                 author_id=actor.id if actor else None, data={"action": "hidden",
                                                                                "reason": reason.value}))
    db.session.flush()
    audit.record(actor.id if actor else None, "hide", "signal", signal.id, reason=reason.value)


def set_hold(on: bool, actor: User | None) -> None:
    """Hold (or release) every new public item for review."""
    site_settings.put(site_settings.MODERATION_HOLD, bool(on))
    audit.record(actor.id if actor else None, "moderation_hold", "site", None, on=bool(on))
