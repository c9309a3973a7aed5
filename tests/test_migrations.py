"""`alembic upgrade head` gives exactly the models' schema (PostGIS's own tables excluded)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import inspect, text

from app.extensions import db

ROOT = Path(__file__).resolve().parents[1]


def test_upgrade_head_equals_the_models(app, database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "VAR_DIR": app.config["VAR_DIR"]}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No new upgrade operations detected" in result.stdout + result.stderr


def test_every_model_table_exists_with_its_indexes(app):
    with app.app_context():
        inspector = inspect(db.engine)
        tables = set(inspector.get_table_names())
        assert {t.name for t in db.metadata.sorted_tables} <= tables
        gist = db.session.execute(text(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'signals' "
            "AND indexname = 'ix_signals_location_registered_at'"
        )).scalar_one()
        assert "USING gist (location, registered_at)" in gist
        db.session.remove()
