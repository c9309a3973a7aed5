"""The daily purge of subscriptions: follows and alerts never confirmed within UNCONFIRMED_FOLLOW_DAYS (default 7) and
notices with their cabinet messages older than RETENTION_MESSAGE_DAYS (default two years)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import delete

from app import audit, clock
from app.extensions import db
from subscriptions.models import Alert, Follow, Message, Notice


def purge() -> dict[str, int]:
    """Delete what is past its time; the counts go to the audit log (the relay commits with its run key)."""
    cfg, now = current_app.config, clock.now()
    waited = now - timedelta(days=cfg["UNCONFIRMED_FOLLOW_DAYS"])
    follows = db.session.execute(delete(Follow).where(Follow.confirmed_at.is_(None), Follow.created_at < waited))
    alerts = db.session.execute(delete(Alert).where(Alert.confirmed_at.is_(None), Alert.created_at < waited))
    old = now - timedelta(days=cfg["RETENTION_MESSAGE_DAYS"])
    messages = db.session.execute(delete(Message).where(Message.created_at < old))
    notices = db.session.execute(delete(Notice).where(Notice.created_at < old, Notice.expanded_at.is_not(None)))
    counts = {"unconfirmed_follows": follows.rowcount, "unconfirmed_alerts": alerts.rowcount,
              "messages": messages.rowcount, "notices": notices.rowcount}
    audit.record(None, "subscriptions_purge", "site", None, **counts)
    return counts
