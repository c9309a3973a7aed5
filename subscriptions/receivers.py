"""Receivers of signals.events: they decide recipients and add outbox rows in the same transaction."""

from __future__ import annotations

from flask import current_app

from app import clock
from app.mail import outbox
from signals import events
from signals.models import Signal, Update, UpdateKind, Visibility


@events.registered.connect
def notify_filer_of_registration(signal: Signal, token: str | None = None, **_) -> None:
    """The registration notice, a required notice: to the filer whatever their subscriptions.

    It carries only number, date, category, department and the tracking link, never
    text that someone typed, so a mistyped address leaks nothing. An address given
    without an account gets at most MAIL_DAILY_LIMIT_PER_ADDRESS such mails a local
    day; a withheld notice is written in the item's history.
    """
    filer = signal.filer
    if filer is None or not filer.email:
        return
    unverified = signal.user_id is None
    limit = current_app.config["MAIL_DAILY_LIMIT_PER_ADDRESS"]
    if unverified and outbox.sent_today(filer.email) >= limit:
        signal.updates.append(Update(kind=UpdateKind.notice, visibility=Visibility.filer, created_at=clock.now(),
                                     data={"notice": "registered", "withheld": "daily_limit", "limit": limit}))
        return
    locale = filer.locale or "bg"
    link = f"/signals/{signal.number}" + (f"?t={token}" if token else "")
    delivery = outbox.add(filer.email, "registered", {
        "number": signal.number,
        "registered_at": signal.registered_at,
        "category": signal.category.text("name", locale),
        "department": signal.department.text("name", locale),
        "due_on": signal.due_on,
        "link": link,
    }, locale=locale, required=True, unverified=unverified, signal_id=signal.id)
    # The outbox row is the proof of notice: the history links to it.
    signal.updates.append(Update(kind=UpdateKind.notice, visibility=Visibility.filer, created_at=clock.now(),
                                 delivery_id=delivery.id, data={"notice": "registered"}))
