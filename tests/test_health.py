"""/healthz: 200 with the database up whatever Redis does; 503 only when the database is down."""

from __future__ import annotations

import time

from app import create_app
from tests.fixtures.services import free_port


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"database": "ok", "redis": "ok"}


def test_database_down_is_503_and_fast(test_config):
    url = f"postgresql+psycopg2://127.0.0.1:{free_port()}/nowhere"
    app = create_app({**test_config, "SQLALCHEMY_DATABASE_URI": url})  # create_app touches no database
    started = time.monotonic()
    response = app.test_client().get("/healthz")
    assert response.status_code == 503 and response.json["database"] == "down"
    assert time.monotonic() - started < 10


def test_redis_down_is_reported_not_fatal(test_config, app):
    broken = create_app({**test_config, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 200 and response.json == {"database": "ok", "redis": "down"}
