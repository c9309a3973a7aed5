"""Helpers shared by the mail tests: an app wired to private peers, a filing, a real rq worker."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from app import create_app
from app.departments.models import Category
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from signals import services
from signals.routing import Place

ROOT = Path(__file__).resolve().parents[2]
CANARIES = {"title": "CANARY-TITLE-7f3a", "description": "CANARY-DESC-91bc", "person_name": "CANARY-NAME-d2e4"}


def mail_app(test_config: dict, redis_url: str, smtp_port: int, **extra):
    """An app whose queue is the private Redis and whose SMTP server is the test's."""
    return create_app({**test_config, "REDIS_URL": redis_url, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp_port,
                       "SMTP_SECURITY": "none", **extra})


def file_with_email(category_id: int, email: str = "filer@example.org") -> tuple[str, int]:
    """Register a problem with an email and commit; returns (number, outbox id)."""
    category = db.session.get(Category, category_id)
    data = services.SignalInput(category=category, title=CANARIES["title"], description=CANARIES["description"],
                                place=Place(lon=23.3265, lat=42.6945),
                                sender=services.Sender(email=email, person_name=CANARIES["person_name"]))
    signal = services.register(Kind.problem, data).signal
    number = signal.number
    db.session.commit()
    delivery_id = db.session.scalar(db.select(Delivery.id).where(Delivery.signal_id == signal.id))
    return number, delivery_id


def start_worker(app, *, burst: bool = False) -> subprocess.Popen:
    """A real `rq worker` (app.worker.AppWorker: one app per process, no fork) in its own process group,
    configured like `make run`'s."""
    cfg = app.config
    env = {**os.environ, "DATABASE_URL": cfg["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": cfg["REDIS_URL"],
           "SMTP_HOST": cfg["SMTP_HOST"], "SMTP_PORT": str(cfg["SMTP_PORT"]), "RQ_QUEUE": cfg["RQ_QUEUE"],
           "VAR_DIR": cfg["VAR_DIR"], "SECRET_KEY": cfg["SECRET_KEY"], "PUBLIC_BASE_URL": cfg["PUBLIC_BASE_URL"],
           "FILER_TOKEN_KEY": cfg["FILER_TOKEN_KEY"]}
    command = [str(Path(sys.executable).parent / "rq"), "worker", "-w", "app.worker.AppWorker", "--url",
               cfg["REDIS_URL"], cfg["RQ_QUEUE"]]
    if burst:
        command.append("--burst")
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_until_sent(delivery_id: int, timeout: float = 30) -> Delivery:
    """Poll the outbox row (fresh reads) until it is sent or the time is up."""
    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        row = db.session.get(Delivery, delivery_id)
        if row.sent_at is not None or time.monotonic() > deadline:
            return row
        db.session.rollback()
        time.sleep(0.1)
