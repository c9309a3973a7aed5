"""Fan-out: the writing transaction records one notice per event; a job expands it, in batches of follows, to one
outbox row per (notice, address) and one cabinet message per (notice, user) — both unique, so a re-run or a
second job adds nothing — and the rows are mailed by the delivery jobs. Who receives what is the access module's
answer for each follower (and again at delivery: `withheld`): followers hear only of public history entries of
items they may see, and only of what happened after they followed; the filer, already told by a required notice,
is not told twice; nobody hears of their own doing; an address given with an anonymous filing gets no text anyone
typed and at most the daily cap, and an optional mail never takes the last of its daily places (kept for a
required notice); staff's public replies go to addresses confirmed by their link and to users. Mail is rendered by
the delivery job, never here."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app import clock
from app.accounts.models import User
from app.extensions import db, redis_client
from app.mail import outbox
from app.mail.models import Delivery
from signals import access, workflow
from signals.models import Signal, Update, UpdateKind, Visibility
from subscriptions import alerts, mailrows, tokens
from subscriptions.follows import FILING
from subscriptions.models import Alert, Follow, Notice

log = logging.getLogger(__name__)
BATCH = 500
JOB = "app.jobs.expand_notice"
_PENDING = "notices_to_expand"


def record(signal: Signal, kind: str, update: Update | None, **data) -> Notice:
    """One notice for followers, in the event's transaction; its expansion is queued once the transaction commits
    (and found again by the relay if Redis is down)."""
    notice = Notice(signal_id=signal.id, update_id=update.id if update is not None else None, kind=kind, data=data,
                    created_at=clock.now())
    db.session.add(notice)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append(notice.id)
    return notice


def to_cabinet(signal: Signal, kind: str, user: User) -> None:
    """A required notice to a filer with an account, as a message in their cabinet (no fan-out)."""
    notice = Notice(signal_id=signal.id, kind=kind, data={"status": signal.status.value}, created_at=clock.now(),
                    expanded_at=clock.now())
    db.session.add(notice)
    db.session.flush()
    mailrows.write([], [mailrows.message(user.id, notice.id)])


def waiting() -> int:
    """How many notices wait to be expanded (the console's outbox backlog)."""
    return db.session.scalar(select(func.count()).select_from(Notice).where(Notice.expanded_at.is_(None))) or 0


def recorded(signal: Signal, kind: str) -> bool:
    """Whether a notice of this kind was recorded for the item already."""
    return db.session.scalar(select(Notice.id).where(Notice.signal_id == signal.id, Notice.kind == kind)
                             .limit(1)) is not None


@event.listens_for(Session, "after_commit")
def _queue_after_commit(session: Session) -> None:
    ids = session.info.pop(_PENDING, None)
    if ids:
        queue(ids)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction) -> None:
    if not session.in_transaction():
        session.info.pop(_PENDING, None)


def queue(notice_ids: list[int]) -> bool:
    """Put the expansion of notices on the queue; False (logged) when Redis is unreachable: the relay retries."""
    from redis.exceptions import RedisError
    from rq import Queue

    try:
        q = Queue(current_app.config["RQ_QUEUE"], connection=redis_client(current_app))
        for notice_id in notice_ids:
            q.enqueue(JOB, notice_id, job_timeout=600, failure_ttl=7 * 86400)
    except (RedisError, OSError) as exc:
        log.warning("notices: could not queue %s (%s); the relay will retry", notice_ids, type(exc).__name__)
        return False
    return True


def requeue_stale() -> int:
    """The relay's pass: notices not expanded RELAY_STALE_AFTER after they were recorded are queued again (a lost
    job, Redis down at the commit); a second job on one notice adds nothing."""
    stale = clock.now() - timedelta(seconds=current_app.config["RELAY_STALE_AFTER"])
    ids = list(db.session.scalars(select(Notice.id).where(Notice.expanded_at.is_(None), Notice.created_at < stale)
                                  .order_by(Notice.id).limit(1000)))
    if ids:
        queue(ids)
    return len(ids)


def _reader(follow: Follow) -> User | None:
    return db.session.get(User, follow.user_id) if follow.user_id else None


def may_hear(follow: Follow, signal: Signal, update: Update | None) -> bool:
    """Whether a follower may hear of this history entry now: it is public, and they may see the item."""
    if update is not None and update.visibility != Visibility.public:
        return False
    if follow.user_id:
        user = _reader(follow)
        return user is not None and user.active and access.can(user, "view", signal)
    return access.is_public(signal)


def _is_filer(follow: Follow, signal: Signal) -> bool:
    if follow.user_id:
        return follow.user_id == signal.user_id
    return bool(signal.filer and signal.filer.email) and follow.email_hash == outbox.address_hash(signal.filer.email)


def _context(notice: Notice, signal: Signal, update: Update | None, follow: Follow) -> dict:
    """What the mail may say: the number, what changed and a link; a staff reply's text only to a confirmed
    follower (never to an address given with an anonymous filing)."""
    locale = follow.locale or "bg"
    context = {"number": signal.number, "registered_at": signal.registered_at, "kind": notice.kind,
               "category": signal.category.text("name", locale), "department": signal.department.text("name", locale),
               "status": workflow.label(signal.status, locale, signal.kind) if notice.kind == "status" else "",
               "link": f"/signals/{signal.number}", "follow_id": follow.id, "token_purpose": tokens.UNSUBSCRIBE}
    staff_reply = update is not None and update.kind == UpdateKind.public_reply
    if notice.kind == "reply" and follow.via != FILING and staff_reply:
        context["reply"] = update.body
    return context


def _batch(notice: Notice, signal: Signal, update: Update | None, follows: list[Follow]) -> list[int]:
    """Write one batch's outbox rows and messages (a re-run adds nothing); the ids of the new outbox rows."""
    rows, messages, limit = [], [], current_app.config["MAIL_DAILY_LIMIT_PER_ADDRESS"]
    for follow in follows:
        if not may_hear(follow, signal, update) or (notice.data.get("filer_told") and _is_filer(follow, signal)):
            continue
        if update is not None and follow.user_id and follow.user_id == update.author_id:   # their own doing
            continue
        user = _reader(follow)
        if user is not None:
            messages.append(mailrows.message(user.id, notice.id))
            if mailrows.opted_out(user.id, notice.kind):       # the cabinet only
                continue
        address = user.email if user is not None else follow.email
        # An address given with an anonymous filing gets at most the daily cap, and an optional mail never takes
        # the last place: it is kept for a required notice (an outcome, "Is it fixed?").
        if follow.via == FILING and outbox.sent_today(address) >= limit - 1:
            continue
        rows.append(mailrows.row(notice.id, signal.id, address, follow.locale, "follow/update",
                                 _context(notice, signal, update, follow), unverified=follow.via == FILING,
                                 unsubscribe=f"/subscriptions/unsubscribe?{tokens.PLACEHOLDER}"))
    return mailrows.write(rows, messages)


def _recipients(notice: Notice, signal: Signal) -> list:
    """The next batch of a notice's possible recipients: the item's followers, or for a new signal the alerts it
    falls in."""
    if notice.kind == "new":
        return alerts.matching(notice, signal, BATCH)
    return list(db.session.scalars(select(Follow).where(          # those who followed before it happened
        Follow.signal_id == notice.signal_id, Follow.confirmed_at.is_not(None), Follow.id > notice.expanded_to,
        Follow.created_at <= notice.created_at).order_by(Follow.id).limit(BATCH)))


def expand(notice_id: int) -> int:
    """Expand a notice to its followers, batch by batch, each committed and its mail queued; returns the outbox
    rows written. A killed job goes on from the last committed batch; a second job adds nothing."""
    written = 0
    while True:
        notice = db.session.get(Notice, notice_id, with_for_update=True, populate_existing=True)
        if notice is None or notice.expanded_at is not None:
            db.session.rollback()
            return written
        signal = db.session.get(Signal, notice.signal_id)
        update = db.session.get(Update, notice.update_id) if notice.update_id else None
        batch = _recipients(notice, signal)
        if not batch:
            notice.expanded_at = clock.now()
            db.session.commit()
            return written
        ids = alerts.write_batch(notice, signal, batch) if notice.kind == "new" else \
            _batch(notice, signal, update, batch)
        notice.expanded_to = batch[-1].id
        db.session.commit()
        outbox.enqueue(ids)
        written += len(ids)


def withheld(delivery: Delivery) -> str | None:
    """At delivery: why a follower's or an alert's mail may no longer go (unsubscribed, or the reader may no
    longer see the item or the entry); None when it may."""
    context = delivery.context or {}
    notice = db.session.get(Notice, delivery.notice_id)
    if context.get("alert_id"):
        alert = db.session.get(Alert, context["alert_id"])
        signal = db.session.get(Signal, notice.signal_id) if notice else None
        if alert is None or signal is None:
            return "withheld: the subscriber unsubscribed"
        return None if alerts.may_hear(alert, signal) else "withheld: the signal is no longer public"
    follow = db.session.get(Follow, context.get("follow_id") or 0)
    if follow is None or notice is None:
        return "withheld: the follower unsubscribed"
    signal = db.session.get(Signal, notice.signal_id)
    update = db.session.get(Update, notice.update_id) if notice.update_id else None
    return None if may_hear(follow, signal, update) else "withheld: the follower may no longer see it"
