"""Receivers of signals.events: they decide recipients and add outbox rows in the same transaction."""

from __future__ import annotations

from app.mail import outbox
from signals import events
from signals.models import Signal


@events.registered.connect
def notify_filer_of_registration(signal: Signal, token: str | None = None, **_) -> None:
    """The registration notice, a required notice: to the filer whatever their subscriptions.

    It carries only number, date, category, department and the tracking link, never
    text that someone typed, so a mistyped address leaks nothing.
    """
    filer = signal.filer
    if filer is None or not filer.email:
        return
    locale = filer.locale or "bg"
    link = f"/signals/{signal.number}" + (f"?t={token}" if token else "")
    outbox.add(filer.email, "registered", {
        "number": signal.number,
        "registered_at": signal.registered_at,
        "category": signal.category.text("name", locale),
        "department": signal.department.text("name", locale),
        "due_on": signal.due_on,
        "link": link,
    }, locale=locale, required=True, unverified=signal.user_id is None, signal_id=signal.id)
