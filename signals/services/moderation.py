"""Moderation: approving question texts and photos, hiding and unhiding public items, the hold during a spam wave."""

from __future__ import annotations

from app import audit, clock, site_settings
from app.accounts.models import User
from app.extensions import db
from signals import events
from signals.models import HiddenReason, Signal, Update, UpdateKind, Visibility
from signals.services.errors import InvalidInput


def hold_is_on() -> bool:
    """Whether every new public item waits for review (an operator's switch during a spam wave)."""
    return bool(site_settings.get(site_settings.MODERATION_HOLD, False))


def _moderated(signal: Signal, action: str, actor: User | None, **detail) -> Update:
    """The shared tail of every moderation write: history entry and audit row, flush, event."""
    update = Update(kind=UpdateKind.moderation, visibility=Visibility.filer, created_at=clock.now(),
                    author_id=actor.id if actor else None, data={"action": action, **detail})
    signal.updates.append(update)
    audit.record(actor.id if actor else None, action, "signal", signal.id, **detail)
    db.session.flush()
    events.moderated.send(signal, action=action, update=update, actor=actor)
    return update


def waiting_photos(signal: Signal) -> list:
    """The item's photos that wait for approval (never the files a filer sent with an answer)."""
    return [a for a in signal.attachments if not a.approved and a.update_id is None]


def waits(signal: Signal) -> bool:
    """Whether something of a public item waits for a moderator: its text, or photos."""
    return signal.kind.is_public and (not signal.text_approved or bool(waiting_photos(signal)))


def _public_kind(signal: Signal) -> None:
    if not signal.kind.is_public:
        raise InvalidInput("only items of public kinds are moderated")


def approve(signal: Signal, actor: User | None) -> Update:
    """Make the item's text and photos public (not the files a filer sent with an answer: those stay private).
    Approving an item with nothing waiting only records the review (the console offers it for waiting items)."""
    _public_kind(signal)
    signal.text_approved = True
    for attachment in signal.attachments:
        attachment.approved = attachment.approved or attachment.update_id is None
    return _moderated(signal, "approved", actor)


def hide(signal: Signal, reason: HiddenReason, actor: User | None) -> Update:
    """Hide a public item; its status card says so with the reason category."""
    _public_kind(signal)
    signal.hidden, signal.hidden_reason = True, reason
    return _moderated(signal, "hidden", actor, reason=reason.value)


def unhide(signal: Signal, actor: User | None) -> Update:
    """Show a hidden item again (its approval is unchanged); InvalidInput if it is not hidden."""
    if not signal.hidden:
        raise InvalidInput("the item is not hidden")
    signal.hidden, signal.hidden_reason = False, None
    return _moderated(signal, "unhidden", actor)


def set_hold(on: bool, actor: User | None) -> None:
    """Hold (or release) every new public item for review."""
    site_settings.put(site_settings.MODERATION_HOLD, bool(on))
    audit.record(actor.id if actor else None, "moderation_hold", "site", None, on=bool(on))
