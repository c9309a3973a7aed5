"""Connections checked before use only after they have been idle a while.

SQLAlchemy's `pool_pre_ping` pings on every checkout: one more round trip and a
rollback on every request (0.7 ms of a 4 ms map request, bench_city). A connection
that went back to the pool moments ago is as alive as the last statement it ran, so
this pings only a connection idle for longer than DATABASE_PING_AFTER_IDLE seconds
(a database restarted during a quiet spell is found before a visitor meets it). One
that fails its ping is replaced by a fresh connection (SQLAlchemy retries a checkout
that raises DisconnectionError); one that dies under load fails its request with the
503 page, and SQLAlchemy then discards every connection made before it.
"""

from __future__ import annotations

import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

_CHECKED_IN = "checked_in_at"


def install(engine: Engine, idle_seconds: float) -> None:
    """Attach the idle ping to an engine's pool (create_app does, once per engine it makes)."""

    @event.listens_for(engine, "checkin")
    def _mark_checkin(dbapi_connection, record) -> None:
        record.info[_CHECKED_IN] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy) -> None:
        """A connection back from a long rest answers `SELECT 1` or is replaced."""
        rested = record.info.get(_CHECKED_IN)
        if rested is None or time.monotonic() - rested <= idle_seconds:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            dbapi_connection.rollback()
        except Exception as error:   # any driver error: the pool retries the checkout with a new connection
            raise exc.DisconnectionError("idle connection failed its ping") from error
