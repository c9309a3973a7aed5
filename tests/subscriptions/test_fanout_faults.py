"""A worker killed during a fan-out: the real worker (app.worker.AppWorker) expands a notice to 1,500 followers and
is killed with SIGKILL between its batches; the relay's pass queues the notice again and a fresh worker finishes
it. Every follower gets exactly one outbox row, and at the SMTP server no follower lacks a mail and at most the
batch in flight arrives twice. Two requests to follow at the same moment make one follow, not an error."""

from __future__ import annotations

import collections
import re
import time
from datetime import timedelta

from redis import Redis
from rq import Queue
from sqlalchemy import func, select, text

from app import clock
from app.extensions import db
from app.mail import relay
from app.mail.models import Delivery
from signals.models import Signal
from signals.services import change_status
from signals.workflow import Status
from subscriptions import fanout
from subscriptions.models import Notice
from tests.mail.helpers import file_with_email, mail_app, start_worker
from tests.mail.test_at_least_once import _kill_group

FOLLOWERS = 1500


def _rows(notice_id: int) -> int:
    db.session.expire_all()
    count = db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.notice_id == notice_id))
    db.session.rollback()
    return count


def test_a_worker_killed_mid_fan_out_leaves_nobody_without_a_mail(test_config, committed_category, smtp_server,
                                                                   redis_server):
    handler, port = smtp_server
    app = mail_app(test_config, redis_server.url, port, RELAY_STALE_AFTER=0, MAIL_DAILY_LIMIT_PER_ADDRESS=10_000)
    with app.app_context():
        number, _ = file_with_email(committed_category)
        signal = db.session.scalar(select(Signal).where(Signal.number == number))
        db.session.execute(text(
            "INSERT INTO follows (signal_id, user_id, email, email_hash, locale, created_at, confirmed_at, via, nonce) "
            "SELECT :signal, NULL, 'f' || g || '@example.org', md5('f' || g), 'bg', now(), now(), 'link', "
            "md5(g::text) FROM generate_series(1, :n) g"), {"signal": signal.id, "n": FOLLOWERS})
        Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(redis_server.url)).empty()
        change_status(signal, Status.in_progress, None)
        db.session.commit()                                       # the notice's expansion is queued now
        notice_id = db.session.scalar(select(Notice.id).where(Notice.kind == "status"))
        worker = start_worker(app)
        deadline = time.monotonic() + 60
        while _rows(notice_id) == 0 and time.monotonic() < deadline:
            time.sleep(0.01)
        _kill_group(worker)                                       # SIGKILL between (or in) its batches
        at_the_kill = _rows(notice_id)
        assert 0 < at_the_kill < FOLLOWERS, at_the_kill
        with clock.frozen(clock.now()):
            assert fanout.requeue_stale() >= 1                    # the relay's pass finds the notice
        db.session.commit()
        start_worker(app, burst=True).wait(240)                  # the notice, and the mail its batches queued
        assert _rows(notice_id) == FOLLOWERS + 1                  # and the filer, who follows from registration
        for _ in range(3):      # the relay's passes: mail of a batch committed but never queued, or left by a
            with clock.frozen(clock.now() + timedelta(hours=1)):  # batch whose connection broke (after its backoff)
                queued = relay.requeue_stale()
            db.session.commit()
            if not queued:
                break
            start_worker(app, burst=True).wait(240)
        per_address = collections.Counter(str(m["To"]) for m in handler.messages
                                          if re.match(r"f\d+@example\.org$", str(m["To"])))
        missing = FOLLOWERS - len(per_address)
        twice = sum(n - 1 for n in per_address.values())
        assert missing == 0 and twice <= fanout.BATCH, (missing, twice)


def test_two_requests_to_follow_at_once_make_one_follow(committed_category):
    """The second request's insert waits on the first's uncommitted row and then finds it: one follow, no error."""
    import threading

    from app.accounts.models import User
    from subscriptions import follows
    from subscriptions.models import Follow

    number, _ = file_with_email(committed_category)
    item = db.session.scalar(select(Signal).where(Signal.number == number))
    fan = User(email="fan@example.org", locale="bg", password_hash="", confirmed_at=clock.now())
    db.session.add(fan)
    db.session.commit()
    inserted, release, engine, ids = threading.Event(), threading.Event(), db.engine, {"s": item.id, "u": fan.id}

    def first_request():
        with engine.connect() as other:
            other.execute(text("INSERT INTO follows (signal_id, user_id, email, email_hash, locale, created_at, "
                               "confirmed_at, via, nonce) VALUES (:s, :u, '', '', 'bg', now(), now(), 'account', 'n')"),
                          ids)
            inserted.set()
            release.wait(10)
            other.commit()

    thread = threading.Thread(target=first_request)
    thread.start()
    assert inserted.wait(10)
    threading.Timer(0.5, release.set).start()             # commits while our insert waits on its row
    followed = follows.follow(item, fan)
    db.session.commit()
    thread.join(10)
    assert followed is not None and followed.user_id == fan.id
    assert db.session.scalar(select(func.count()).select_from(Follow).where(Follow.signal_id == item.id,
                                                                           Follow.user_id == fan.id)) == 1
