"""Adding mail to the outbox, and the after-commit hook that enqueues its delivery.

A write that causes mail adds an outbox row in the same transaction. After the
commit, the ids are enqueued on rq; if Redis is down or frozen the hook logs the
ids and returns, and the relay finds the rows later. Mail is never sent from a
web request.
"""

from __future__ import annotations

import logging

from flask import Flask, current_app
from redis.exceptions import RedisError
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app import clock
from app.extensions import db, redis_client
from app.mail.addresses import mailbox_hash
from app.mail.models import Delivery
from app.mail.render import render_mail

log = logging.getLogger(__name__)
_PENDING = "outbox_ids"
JOB = "app.jobs.deliver"


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


def add(recipient: str, template: str, context: dict, *, locale: str = "bg", required: bool = False,
        unverified: bool = False, signal_id: int | None = None, headers: dict | None = None,
        filer_link: bool = False) -> Delivery:
    """Render a mail in the recipient's locale and add its outbox row to the current transaction.

    filer_link: the bodies hold the filer-token placeholder, filled in at delivery (app.mail.delivery).
    """
    subject, text, html = render_mail(template, context, locale)
    now = clock.now()
    delivery = Delivery(created_at=now, local_day=clock.local_date(now), recipient=recipient.strip(),
                        recipient_hash=address_hash(recipient), locale=locale, template=template,
                        required=required, to_unverified=unverified, signal_id=signal_id, filer_link=filer_link,
                        subject=subject, body_text=text, body_html=html, headers=headers or {})
    db.session.add(delivery)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append(delivery.id)
    return delivery


def enqueue(delivery_ids: list[int], app: Flask | None = None) -> bool:
    """Put deliveries on the queue with a plain enqueue; False (logged) when Redis is unreachable."""
    from rq import Queue

    app = app or current_app
    try:
        queue = Queue(app.config["RQ_QUEUE"], connection=redis_client(app))
        for delivery_id in delivery_ids:
            queue.enqueue(JOB, delivery_id, job_timeout=120, failure_ttl=7 * 86400)
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
        ids = session.info.pop(_PENDING, None)
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
