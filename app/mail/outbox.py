"""Adding mail to the outbox, and the after-commit hook that enqueues its delivery.

A write that causes mail adds an outbox row in the same transaction. After the
commit, the ids are enqueued on rq; if Redis is down or frozen the hook logs the
ids and returns, and the relay finds the rows later. Mail is never sent from a
web request.
"""

from __future__ import annotations

import json
import logging
from datetime import date, datetime

from flask import Flask, current_app
from redis.exceptions import RedisError
from sqlalchemy import event, func, inspect, select
from sqlalchemy.orm import Session

from app import clock
from app.extensions import db, redis_client
from app.mail.addresses import mailbox_hash
from app.mail.models import Delivery
from app.mail.render import render_mail

log = logging.getLogger(__name__)
_PENDING = "outbox_ids"
JOB = "app.jobs.deliver_many"
BATCH = 200             # ids per delivery job (app.mail.delivery.BATCH), sent over one SMTP connection


def address_hash(address: str) -> str:
    """A stable key per mailbox (case, +tags and Gmail's dots ignored) that counts mails without reading addresses."""
    return mailbox_hash(address)


def sent_today(address: str, *, unverified_only: bool = True) -> int:
    """How many mails this mailbox was given today (local day), withheld ones excluded."""
    query = select(func.count()).select_from(Delivery).where(
        Delivery.recipient_hash == address_hash(address), Delivery.local_day == clock.today())
    if unverified_only:
        query = query.where(Delivery.to_unverified.is_(True))
    return db.session.scalar(query) or 0


def _encode(value):
    """Context values as JSON: dates and times tagged, so the job gets them back as they were."""
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    return value


def _decode(value):
    if isinstance(value, dict):
        if set(value) == {"$datetime"}:
            return datetime.fromisoformat(value["$datetime"])
        if set(value) == {"$date"}:
            return date.fromisoformat(value["$date"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def encode(context: dict) -> dict:
    """A mail's context as the outbox row stores it (rows written in bulk, e.g. a notice's fan-out)."""
    return _encode(context)


def add(recipient: str, template: str, context: dict, *, locale: str = "bg", required: bool = False,
        unverified: bool = False, signal_id: int | None = None, headers: dict | None = None,
        filer_link: bool = False) -> Delivery:
    """Add a mail's outbox row to the current transaction: its template and context, rendered later by the job
    that sends it (in the recipient's locale), never in the web request.

    filer_link: the bodies hold the filer-token placeholder, filled in at delivery (app.mail.delivery).
    """
    now = clock.now()
    delivery = Delivery(created_at=now, local_day=clock.local_date(now), recipient=recipient.strip(),
                        recipient_hash=address_hash(recipient), locale=locale, template=template,
                        required=required, to_unverified=unverified, signal_id=signal_id, filer_link=filer_link,
                        context=_encode(context), subject="", body_text="", body_html="", headers=headers or {})
    db.session.add(delivery)          # flushed with the rest of the transaction; enqueued once it commits
    db.session.info.setdefault(_PENDING, []).append(delivery)
    return delivery


# Context keys that name whose token a resolver fills in at delivery (app.mail.delivery): templates never read them
# (tests/mail/test_render_cache.py), so rows that differ only in them render alike.
RECIPIENT_KEYS = frozenset({"follow_id", "alert_id", "account_token_id"})


def render(delivery: Delivery, rendered: dict | None = None) -> Delivery:
    """Render the mail of a row once (subject, text, HTML in its locale) and keep them as the proof of notice.

    `rendered`, a delivery batch's cache: rows of one template, locale and context (but for RECIPIENT_KEYS), e.g. a
    notice's mails to its followers, are rendered once.
    """
    if delivery.rendered_at is None:
        context = delivery.context or {}
        key = (delivery.template, delivery.locale,
               json.dumps({k: v for k, v in context.items() if k not in RECIPIENT_KEYS}, sort_keys=True))
        parts = rendered.get(key) if rendered is not None else None
        if parts is None:
            parts = render_mail(delivery.template, _decode(context), delivery.locale)
            if rendered is not None:
                rendered[key] = parts
        delivery.subject, delivery.body_text, delivery.body_html = parts
        delivery.rendered_at = clock.now()
    return delivery


def enqueue(delivery_ids: list[int], app: Flask | None = None) -> bool:
    """Put deliveries on the queue with a plain enqueue; False (logged) when Redis is unreachable."""
    from rq import Queue

    app = app or current_app
    try:
        queue = Queue(app.config["RQ_QUEUE"], connection=redis_client(app))
        for start in range(0, len(delivery_ids), BATCH):
            queue.enqueue(JOB, list(delivery_ids[start:start + BATCH]), job_timeout=600, failure_ttl=7 * 86400)
    except (RedisError, OSError) as exc:
        log.warning("outbox: could not enqueue %s (%s); the relay will retry", delivery_ids, type(exc).__name__)
        return False
    return True


_installed: list[Flask] = []


def install_after_commit_hook(app: Flask) -> None:
    """Enqueue the transaction's outbox ids after it commits; forget them on rollback (installed once)."""
    if _installed:
        return
    _installed.append(app)

    @event.listens_for(Session, "after_commit")
    def _after_commit(session: Session) -> None:
        rows = session.info.pop(_PENDING, None)
        ids = [identity[0] for identity in (inspect(row).identity for row in rows or ()) if identity]
        if ids:
            try:
                target = current_app._get_current_object()
            except RuntimeError:  # a commit outside an app context (threads in tests)
                target = _installed[0]
            enqueue(ids, target)

    @event.listens_for(Session, "after_soft_rollback")
    def _after_rollback(session: Session, previous_transaction) -> None:
        if not session.in_transaction():
            session.info.pop(_PENDING, None)
