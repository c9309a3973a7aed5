"""`flask seed demo`: idempotent, complete, and refused on a database that is not a demo one."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select, text

from app import seed
from app.accounts.models import Role, User
from app.extensions import db
from app.kinds import Kind
from signals import workflow
from signals.models import Signal

ROOT = Path(__file__).resolve().parents[1]


def _row_counts() -> dict[str, int]:
    names = [t.name for t in db.metadata.sorted_tables]
    return {name: db.session.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in names}


def test_seed_twice_changes_no_row_count(app, db_session):
    first = seed.seed_demo()
    assert first["signals"] == 300 and first["departments"] >= 8 and first["accounts"] >= 10
    before = _row_counts()
    second = seed.seed_demo()
    assert set(second.values()) == {0}
    assert _row_counts() == before


def test_demo_city_is_complete(app, db_session):
    seed.seed_demo()
    statuses = set(db.session.scalars(select(Signal.status).where(Signal.kind == Kind.problem)))
    assert statuses == set(workflow.statuses_of(Kind.problem)), "every status the public workflow allows"
    emails = set(db.session.scalars(select(User.email)))
    assert {"admin@example.org", "resident@example.org"} <= emails
    assert all(e.endswith("@example.org") for e in emails)
    staff = db.session.scalars(select(User).where(User.role == Role.staff)).all()
    assert len({d for u in staff for d in u.department_ids()}) == len(staff) >= 8
    outside = db.session.scalar(text(
        "SELECT count(*) FROM signals s WHERE NOT EXISTS (SELECT 1 FROM areas a "
        "WHERE a.level = 'district' AND ST_Covers(a.geom, s.location))"))
    assert outside == 0, "every demo point lies inside a district"
    oldest = db.session.scalar(select(func.min(Signal.registered_at)))
    newest = db.session.scalar(select(func.max(Signal.registered_at)))
    assert (newest - oldest).days <= 60


def test_generated_password_is_written_for_the_owner_only(app, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "DEMO_PASSWORD", "")
    seed.seed_demo()
    path = Path(app.config["VAR_DIR"]) / "demo-credentials"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "password" in path.read_text()


def test_seed_refuses_a_real_database_and_writes_nothing(app, database_url):
    with app.app_context():
        before = _row_counts()
    env = {k: v for k, v in os.environ.items() if k not in ("DEMO", "DEMO_PASSWORD")}
    env.update(DATABASE_URL=database_url, VAR_DIR=app.config["VAR_DIR"])
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "seed", "demo"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "DEMO" in result.stderr and "Nothing written" in result.stderr
    with app.app_context():
        assert _row_counts() == before
