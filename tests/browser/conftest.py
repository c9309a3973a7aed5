"""A live server (gunicorn, as `make run` starts it) on the committed test database, and Debian's Chromium."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.seed import seed_demo
from tests.fixtures.database import emptied_tables
from tests.fixtures.services import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


SNAPSHOT = "demo_city_snapshot"        # a schema of the test database holding the seeded demo city's rows
_sequences: dict[str, int | None] = {}  # and where its tables' sequences stood


@pytest.fixture
def demo_city(app, committed):
    """The demo city, committed (areas are kept, the rest is truncated afterwards). Seeding it takes about 13 s,
    so the first test of a run seeds it and copies its rows aside; the others copy them back."""
    if not (_sequences and _restore()):
        seed_demo()
        db.session.commit()
        _snapshot()
    return app


def _snapshot() -> None:
    tables = emptied_tables()
    with db.engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SNAPSHOT} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SNAPSHOT}"))
        for name in tables:
            conn.execute(text(f'CREATE TABLE {SNAPSHOT}."{name}" AS TABLE public."{name}"'))
        owned = conn.execute(text(
            "SELECT s.relname, t.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid "
            "JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace n ON n.oid = s.relnamespace "
            "WHERE s.relkind = 'S' AND d.deptype = 'a' AND n.nspname = 'public'")).all()
        positions = dict(conn.execute(text(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")).all())
    _sequences.clear()
    _sequences.update({sequence: positions.get(sequence) for sequence, table in owned if table in tables})


def _restore() -> bool:
    """Copy the demo city's rows back into the emptied tables (foreign keys unchecked: the rows were consistent
    when copied) and its sequences to where they stood; False, with nothing written, if that cannot be done."""
    try:
        with db.engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for name in emptied_tables():
                conn.execute(text(f'INSERT INTO public."{name}" SELECT * FROM {SNAPSHOT}."{name}"'))
            for sequence, value in _sequences.items():
                conn.execute(text("SELECT setval(:name, :value, :called)"),
                             {"name": f"public.{sequence}", "value": value or 1, "called": value is not None})
    except SQLAlchemyError:
        return False
    return True


@pytest.fixture
def live_server(demo_city, test_config, tmp_path):
    """gunicorn with the embedded defaults' settings, on a free loopback port; yields its base URL."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": test_config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": test_config["REDIS_URL"],
           "RQ_QUEUE": test_config["RQ_QUEUE"], "VAR_DIR": test_config["VAR_DIR"],
           "UPLOAD_DIR": test_config["UPLOAD_DIR"], "PORT": str(port), "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
           "FILING_RATE_LIMIT": "1000 per hour", "FORM_POST_RATE_LIMIT": "10000 per hour",
           "LOOKUP_MISS_RATE_LIMIT": "10000 per minute", "RATELIMIT_KEY_PREFIX": f"live-{port}"}
    env.pop("APP_ENV", None)
    log = open(tmp_path / "gunicorn.log", "w")
    process = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py",
                                "--bind", f"127.0.0.1:{port}", "--workers", "1", "wsgi:app"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError((tmp_path / "gunicorn.log").read_text())
            time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(10)
    log.close()


@pytest.fixture
def chromium():
    """Debian's Chromium through Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def tab(chromium, live_server):
    """A fresh page in Bulgarian that records the host of every request it makes."""
    context = chromium.new_context(locale="bg-BG", viewport={"width": 1280, "height": 1000})
    tab = context.new_page()
    tab.hosts = []
    tab.on("request", lambda request: tab.hosts.append(request.url.split("/")[2]))
    tab.errors = []
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))
    yield tab
    context.close()
