"""Mail is never lost: a killed worker means a second send with the same Message-ID; a Redis outage
never blocks a filing, and the relay delivers what the after-commit hook could not enqueue."""

from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from redis import Redis
from rq import Queue, SimpleWorker

from app.extensions import db
from app.mail import relay
from app.mail.models import Delivery
from tests.mail.helpers import file_with_email, mail_app, start_worker, wait_until_sent


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        kids.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return kids


def _kill_group(process) -> None:
    """SIGKILL the worker's process group and its work horse's (rq puts the horse in a session of its own)."""
    groups = {process.pid}
    for child in _children(process.pid):
        try:
            groups.add(os.getpgid(child))
        except ProcessLookupError:
            pass
    for group in groups:
        try:
            os.killpg(group, signal.SIGKILL)
        except ProcessLookupError:
            pass
    process.wait(10)


def test_killed_worker_mail_is_sent_again_with_the_same_message_id(
        test_config, committed_category, smtp_server, redis_server):
    handler, port = smtp_server
    handler.hold = threading.Event()
    app = mail_app(test_config, redis_server.url, port, RELAY_STALE_AFTER=1)
    workers = []
    try:
        with app.app_context():
            number, delivery_id = file_with_email(committed_category)
            workers.append(start_worker(app))
            assert handler.received.wait(30), "the worker sent the first copy"
            _kill_group(workers[0])           # SIGKILL while the SMTP reply is held
            handler.hold.set()
            assert len(handler.messages) == 1
            time.sleep(1.2)                   # older than RELAY_STALE_AFTER=1s
            enqueued, _ = relay.run_once()
            assert enqueued == 1
            workers.append(start_worker(app, burst=True))
            row = wait_until_sent(delivery_id)
            assert row.sent_at is not None and row.smtp_reply.startswith("250")
            db.session.remove()
    finally:
        for worker in workers:
            _kill_group(worker)
    assert len(handler.messages) == 2
    ids = {m["Message-ID"] for m in handler.messages}
    assert len(ids) == 1 and str(delivery_id) in ids.pop()
    assert all(number in m["Subject"] for m in handler.messages)


def _deliver_pending(app) -> None:
    connection = Redis.from_url(app.config["REDIS_URL"])
    queue = Queue(app.config["RQ_QUEUE"], connection=connection)
    SimpleWorker([queue], connection=connection).work(burst=True)


@pytest.mark.parametrize("outage", ["shut down", "frozen"])
def test_filing_completes_while_redis_is_out_and_the_relay_delivers_later(
        test_config, committed_category, smtp_server, redis_server, outage):
    handler, port = smtp_server
    app = mail_app(test_config, redis_server.url, port, RELAY_STALE_AFTER=0.5)
    with app.app_context():
        if outage == "shut down":
            redis_server.stop()
        else:
            redis_server.freeze()
        started = time.monotonic()
        number, delivery_id = file_with_email(committed_category)
        elapsed = time.monotonic() - started
        assert elapsed < 5, f"registration took {elapsed:.1f}s with Redis {outage}"
        row = db.session.get(Delivery, delivery_id)
        assert row.sent_at is None and row.failed_at is None
        db.session.rollback()

        if outage == "shut down":
            redis_server.start()
        else:
            redis_server.thaw()
        time.sleep(0.6)
        enqueued, _ = relay.run_once()
        assert enqueued == 1
        _deliver_pending(app)
        assert wait_until_sent(delivery_id, timeout=5).sent_at is not None
        db.session.remove()
    assert len(handler.messages) == 1 and number in handler.messages[0]["Subject"]
