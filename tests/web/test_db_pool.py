"""Pooled connections are pinged only after a rest (app/db_pool.py): a connection whose server process died
while it rested is replaced before a visitor meets it; one used moments ago goes straight to work."""

from __future__ import annotations

import psycopg2
import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db

TRACK_MISS = "/track?number=SG-2026-999999"


def _pooled_backend(app) -> int:
    """The server process id behind the pool's one connection (used, then returned to the pool)."""
    with app.app_context():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        db.session.remove()
    return pid


def _terminate(database_url: str, pid: int) -> None:
    with psycopg2.connect(database_url.replace("postgresql+psycopg2://", "postgresql://")) as conn:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))


@pytest.fixture
def served(test_config):
    """Make an app whose pool holds one connection, pinged after `ping_after` seconds of rest; closed after."""
    made = []

    def make(ping_after: float):
        made.append(create_app({**test_config, "PROPAGATE_EXCEPTIONS": False, "DATABASE_PING_AFTER_IDLE": ping_after,
                                "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0}}))
        return made[-1]

    yield make
    for application in made:
        with application.app_context():
            db.engine.dispose()


def test_a_rested_connection_that_died_is_replaced_before_the_request_uses_it(app, served, database_url):
    patient = served(0)                        # every rest counts as long
    dead = _pooled_backend(patient)
    _terminate(database_url, dead)
    assert patient.test_client().get(TRACK_MISS).status_code == 404
    assert _pooled_backend(patient) != dead


def test_a_connection_used_moments_ago_is_not_pinged(app, served, database_url):
    busy = served(3600)                        # no rest is long enough: no ping, so the dead one is met
    dead = _pooled_backend(busy)
    _terminate(database_url, dead)
    client = busy.test_client()
    assert client.get(TRACK_MISS).status_code == 503
    assert client.get(TRACK_MISS).status_code == 404     # and the pool has thrown the dead connection away
