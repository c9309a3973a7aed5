"""10,000 followers of one signal, one status change: the real worker (app.worker.AppWorker, as `make run` starts it)
and relay against an aiosmtpd sink. Prints how long the status change's transaction took to commit (the service
call and the commit, in-process: what a console request adds to it is the page), the seconds until the last mail
reached the sink, and how many followers got no mail or more than one. Asserts nothing.

    BENCH_FOLLOWERS=10000 BENCH_WORKERS=2 .venv/bin/python bench/bench_notify.py
"""

from __future__ import annotations

import collections
import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import city  # noqa: E402

FOLLOWERS = int(os.environ.get("BENCH_FOLLOWERS", "10000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
NAME = "cc_bench_notify"


class Sink:
    """Counts the messages each recipient got."""

    def __init__(self):
        self.got = collections.Counter()
        self.followers = 0          # distinct followers reached (counted here: the sink runs in its own thread)
        self.last = 0.0

    async def handle_DATA(self, server, session, envelope):
        for rcpt in envelope.rcpt_tos:
            self.followers += rcpt.startswith("f") and rcpt not in self.got
            self.got[rcpt] += 1
        self.last = time.monotonic()
        return "250 OK"


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ready(app, queue_name: str) -> None:
    """Wait until every worker has built its app and registered, and the demo data's own mail has gone (up to two
    minutes): the clock starts on an idle queue, as in a running city, where the workers were started long before."""
    from redis import Redis
    from rq import Queue, Worker

    queue = Queue(queue_name, connection=Redis.from_url(app.config["REDIS_URL"]))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (Worker.count(queue=queue) < WORKERS or queue.count
                                            or queue.started_job_registry.count):
        time.sleep(0.2)
    time.sleep(1)


def main() -> None:
    logging.getLogger("mail.log").setLevel(logging.WARNING)      # aiosmtpd logs every command at INFO
    port, sink = _port(), Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {**os.environ, "DATABASE_URL": city.fresh(NAME), "DEMO": "1", "DEMO_PASSWORD": "bench-only",
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "RQ_QUEUE": f"bench-notify-{port}",
           "RELAY_INTERVAL": "1", "MAIL_DAILY_LIMIT_PER_ADDRESS": "1000"}
    os.environ.update(env)
    for command in (["db", "upgrade"], ["calendar", "sync"], ["seed", "demo"]):
        subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from sqlalchemy import text

    from app import create_app
    from app.accounts.models import User
    from app.extensions import db
    from signals.models import Signal
    from signals.services import change_status
    from signals.workflow import Status

    app = create_app()
    with app.app_context():
        signal = db.session.scalar(db.select(Signal).where(Signal.status == Status.in_progress, Signal.hidden.is_(False))
                                   .order_by(Signal.id))
        staff = db.session.scalar(db.select(User).where(User.email == "staff.infra@example.org"))
        db.session.execute(text(
            "INSERT INTO follows (signal_id, user_id, email, email_hash, locale, created_at, confirmed_at, via, nonce) "
            "SELECT :signal, NULL, 'f' || g || '@example.org', md5('f' || g), 'bg', now(), now(), 'link', md5(g::text) "
            "FROM generate_series(1, :n) g"), {"signal": signal.id, "n": FOLLOWERS})
        db.session.commit()
        processes = [subprocess.Popen([str(ROOT / ".venv/bin/rq"), "worker", "-w", "app.worker.AppWorker", "--url",
                                       app.config["REDIS_URL"], env["RQ_QUEUE"]], cwd=ROOT, env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _ in range(WORKERS)]
        processes.append(subprocess.Popen([str(ROOT / ".venv/bin/flask"), "--app", "wsgi", "relay"], cwd=ROOT, env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        try:
            _ready(app, env["RQ_QUEUE"])
            started = time.monotonic()
            change_status(signal, Status.resolved, staff)
            db.session.commit()
            committed = time.monotonic() - started
            deadline = started + 600
            while time.monotonic() < deadline and sink.followers < FOLLOWERS:
                time.sleep(0.5)
            time.sleep(5)                                # late duplicates, if any
        finally:                                         # never leave a worker behind
            for process in processes:
                process.terminate()
                process.wait(10)
    controller.stop()
    followers = {f"f{n}@example.org" for n in range(1, FOLLOWERS + 1)}
    lost = len(followers - set(sink.got))
    duplicated = sum(count - 1 for rcpt, count in sink.got.items() if rcpt in followers and count > 1)
    print(f"bench_notify: {FOLLOWERS:,} followers, {WORKERS} workers")
    print(f"  status change committed in {committed * 1000:.0f} ms (service call and commit, in-process)")
    print(f"  last mail at the sink {sink.last - started:.1f} s after the change")
    print(f"  lost {lost}, duplicated {duplicated} ({duplicated / FOLLOWERS:.2%})")


if __name__ == "__main__":
    main()
