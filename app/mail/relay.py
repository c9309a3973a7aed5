"""The relay: finds outbox rows that were never delivered and enqueues them again; runs daily tasks.

Rows whose enqueue was lost (Redis down at commit), whose worker died mid-send, or
whose last attempt failed temporarily are re-enqueued with a plain enqueue (after
a killed worker rq keeps the old job id as started, so unique ids would refuse it),
with a backoff that doubles per attempt. Daily tasks run once per local day, keyed
by DailyTaskRun so that a second run, or a second relay, does nothing.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, current_app
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import SQLAlchemyError

from app import clock, logs
from app.extensions import db
from app.mail import outbox
from app.mail.models import DailyTaskRun, Delivery

log = logging.getLogger(__name__)
BATCH = 500


def stale_rows() -> list[int]:
    """Ids of pending rows old enough to be re-enqueued, backing off per attempt."""
    stale = timedelta(seconds=current_app.config["RELAY_STALE_AFTER"])
    now = clock.now()
    rows = db.session.execute(
        select(Delivery.id, Delivery.attempts, Delivery.enqueued_at)
        .where(Delivery.sent_at.is_(None), Delivery.failed_at.is_(None), Delivery.created_at < now - stale)
        .order_by(Delivery.id).limit(BATCH)).all()
    return [r.id for r in rows
            if r.enqueued_at is None or r.enqueued_at < now - stale * 2 ** min(r.attempts, 8)]


def requeue_stale() -> int:
    """One pass over the outbox: enqueue every stale row; returns how many were enqueued."""
    ids = stale_rows()
    if not ids or not outbox.enqueue(ids):
        db.session.rollback()
        return 0
    db.session.execute(Delivery.__table__.update().where(Delivery.id.in_(ids)).values(enqueued_at=clock.now()))
    db.session.commit()
    log.info("relay: re-enqueued %d outbox rows", len(ids))
    return len(ids)


def run_daily_tasks() -> list[str]:
    """Run each registered daily task once for today's local date; returns those that ran now."""
    tasks: dict[str, Callable[[], object]] = current_app.extensions.get("daily_tasks", {})
    ran = []
    for name, task in tasks.items():
        claim = insert(DailyTaskRun).values(task=name, day=clock.today(), finished_at=clock.now())
        if db.session.execute(claim.on_conflict_do_nothing().returning(DailyTaskRun.task)).first() is None:
            db.session.rollback()
            continue
        try:
            task()
            db.session.commit()  # the claim and the task's writes land together
            ran.append(name)
        except Exception as error:  # one broken task must not stop the others or the relay
            db.session.rollback()
            log.error("relay: daily task %s failed; it will run again on the next pass: %s", name,
                      logs.exception_line(error))
    return ran


def run_pass_tasks() -> list[str]:
    """Tasks that run on every pass (cheap, idempotent), e.g. removing photos held past their hour."""
    ran = []
    for name, task in current_app.extensions.get("pass_tasks", {}).items():
        try:
            task()
            db.session.commit()
            ran.append(name)
        except Exception as error:  # one broken task must not stop the others or the relay
            db.session.rollback()
            log.error("relay: task %s failed; it will run again on the next pass: %s", name, logs.exception_line(error))
    return ran


def run_once() -> tuple[int, list[str]]:
    """One relay pass: the outbox, the tasks of every pass, then the daily tasks."""
    enqueued = requeue_stale()
    return enqueued, run_pass_tasks() + run_daily_tasks()


def check_smtputf8() -> bool | None:
    """At start: with SMTP_SMTPUTF8 on, say loudly when the mail server does not offer SMTPUTF8."""
    if not current_app.config["SMTP_SMTPUTF8"]:
        return None
    from app.mail.delivery import server_offers_smtputf8

    offered = server_offers_smtputf8()
    if offered is False:
        log.error("relay: SMTP_SMTPUTF8 is on but the mail server does not offer SMTPUTF8: mail to addresses "
                  "with non-Latin letters before the @ will fail; turn SMTP_SMTPUTF8 off or change the server")
    elif offered is None:
        log.warning("relay: the mail server could not be reached to check SMTPUTF8")
    return offered


def run_forever(app: Flask) -> None:
    """Pass after pass every RELAY_INTERVAL seconds until SIGINT/SIGTERM; outages are logged, never fatal."""
    stopping = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.append(True))
    interval = app.config["RELAY_INTERVAL"]
    with app.app_context():
        check_smtputf8()
    while not stopping:
        with app.app_context():
            try:
                run_once()
            except (SQLAlchemyError, RedisError, OSError) as exc:
                log.warning("relay: pass failed (%s); trying again in %ss", type(exc).__name__, interval)
            finally:
                db.session.remove()
        deadline = time.monotonic() + interval
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.2)
