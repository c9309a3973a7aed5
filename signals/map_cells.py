"""Counts of public signals per map cell and local day, kept exact in the writing transaction.

The map at low and middle zoom draws clusters from these counts, so every public
signal of the window is counted at every zoom without reading the signals. A row
holds, for one grid level, cell, local registration day, category and status, the
number of public signals and the sums of their coordinates (the cluster sits at
their mean). Rollup rows (category 0, status "") answer unfiltered and singly
filtered views without summing the detail.

Kept exact by construction: a `before_flush` hook compares every new, changed or
deleted Signal with its previous state (visibility, point, category, status, day)
and adds the difference in the same transaction, whoever changed it — services,
the seed, a test. `rebuild()` recomputes everything from the signals (after a bulk
load, or to check). Only days a window can reach are kept (HORIZON_DAYS).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from geoalchemy2.shape import to_shape
from sqlalchemy import DateTime, Float, Integer, SmallInteger, String, event, func, inspect, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from app import clock
from app.extensions import db
from app.kinds import PUBLIC_KINDS
from signals.models import Signal

LEVELS = (0.16, 0.04, 0.01, 0.0025)      # cell size in degrees per level: city, districts, quarters, blocks
HORIZON_DAYS = 92                        # the longest window (90 days) and a margin for the daily purge
ALL_CATEGORIES, ALL_STATUSES = 0, ""


class MapCell(db.Model):
    """Public signals of one cell, local day, category and status at one grid level (0: all categories,
    "": all statuses)."""

    __tablename__ = "map_cells"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    category_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    cx: Mapped[int] = mapped_column(Integer, primary_key=True)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
    sum_lon: Mapped[float] = mapped_column(Float, default=0)
    sum_lat: Mapped[float] = mapped_column(Float, default=0)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


_LEVELS_SQL = "(VALUES " + ", ".join(f"({i}, float8 '{size}')" for i, size in enumerate(LEVELS)) + ") AS l(level, size)"
_UPSERT = text(f"""
INSERT INTO map_cells (level, category_id, status, day, cx, cy, n, sum_lon, sum_lat, changed_at)
SELECT l.level, v.category_id, v.status, d.day, floor(d.lon / l.size)::int, floor(d.lat / l.size)::int,
       sum(d.n), sum(d.lon * d.n), sum(d.lat * d.n), CAST(:now AS timestamptz)
FROM json_to_recordset(CAST(:deltas AS json)) AS d(category_id int, status text, day date, lon float8, lat float8,
                                                  n int)
CROSS JOIN LATERAL (VALUES (d.category_id, d.status), (d.category_id, ''), (0, d.status), (0, '')) AS v(category_id,
                                                                                                      status)
CROSS JOIN {_LEVELS_SQL}
GROUP BY 1, 2, 3, 4, 5, 6
HAVING sum(d.n) <> 0
ON CONFLICT (level, category_id, status, day, cx, cy) DO UPDATE
SET n = map_cells.n + EXCLUDED.n, sum_lon = map_cells.sum_lon + EXCLUDED.sum_lon,
    sum_lat = map_cells.sum_lat + EXCLUDED.sum_lat, changed_at = EXCLUDED.changed_at
""")
_TRACKED = ("kind", "text_approved", "hidden", "location", "category_id", "status", "registered_at")


def _point(location) -> tuple[float, float] | None:
    if location is None:
        return None
    point = to_shape(location)
    return point.x, point.y


def _state(values: dict) -> tuple | None:
    """What a signal adds to the map: (category, status, day, lon, lat), or None when it adds nothing."""
    kind, approved, hidden = values["kind"], values["text_approved"], values["hidden"]
    point, registered = _point(values["location"]), values["registered_at"]
    if kind not in PUBLIC_KINDS or not approved or hidden or point is None or registered is None:
        return None
    day = clock.local_date(registered)
    if day < clock.today() - timedelta(days=HORIZON_DAYS):
        return None
    status = values["status"].value if hasattr(values["status"], "value") else values["status"]
    return values["category_id"], status, day, point[0], point[1]


def _current(signal: Signal) -> dict:
    values = {name: getattr(signal, name) for name in _TRACKED}
    if signal.category is not None:          # set through the relationship: category_id follows at the flush
        values["category_id"] = signal.category.id
    values["hidden"] = bool(values["hidden"])
    return values


def _previous(signal: Signal) -> dict:
    state, values = inspect(signal), _current(signal)
    for name in _TRACKED:
        history = state.attrs[name].history
        if history.deleted:
            values[name] = history.deleted[0]
    category = state.attrs["category"].history
    if category.deleted and category.deleted[0] is not None:
        values["category_id"] = category.deleted[0].id
    values["hidden"] = bool(values["hidden"])
    return values


def deltas(session: Session) -> list[dict]:
    """The changes a flush makes to the map, as signed rows."""
    rows = []

    def add(state: tuple | None, n: int) -> None:
        if state is not None:
            category_id, status, day, lon, lat = state
            rows.append({"category_id": category_id, "status": status, "day": day.isoformat(), "lon": lon,
                         "lat": lat, "n": n})

    for obj in session.new:
        if isinstance(obj, Signal):
            add(_state(_current(obj)), +1)
    for obj in session.dirty:
        if isinstance(obj, Signal) and session.is_modified(obj, include_collections=False):
            before, after = _state(_previous(obj)), _state(_current(obj))
            if before != after:
                add(before, -1)
                add(after, +1)
    for obj in session.deleted:
        if isinstance(obj, Signal):
            add(_state(_previous(obj)), -1)
    return rows


def apply(session: Session, rows: list[dict]) -> None:
    """Add signed rows to the cells (one statement, in the session's transaction)."""
    if rows:
        with session.no_autoflush:
            session.execute(_UPSERT, {"deltas": json.dumps(rows), "now": clock.now()})


_installed: list[bool] = []


def install() -> None:
    """Keep the cells in step with every flush of Signal rows (installed once per process)."""
    if _installed:
        return
    _installed.append(True)

    @event.listens_for(Session, "before_flush")
    def _follow(session: Session, flush_context, instances) -> None:
        apply(session, deltas(session))


def public_clause() -> str:
    """The SQL of `access.public_signals()`' predicate, for the rebuild (kept equal by a test)."""
    kinds = ", ".join(f"'{k.value}'" for k in sorted(PUBLIC_KINDS, key=lambda k: k.value))
    return f"kind IN ({kinds}) AND text_approved AND NOT hidden AND location IS NOT NULL"


def rebuild() -> int:
    """Recompute every cell from the signals (after a bulk load, or to check); returns the signals counted."""
    horizon = clock.today() - timedelta(days=HORIZON_DAYS)
    db.session.execute(text("DELETE FROM map_cells"))
    db.session.execute(text(f"""
        INSERT INTO map_cells (level, category_id, status, day, cx, cy, n, sum_lon, sum_lat, changed_at)
        SELECT l.level, v.category_id, v.status, s.day, floor(s.lon / l.size)::int, floor(s.lat / l.size)::int,
               count(*), sum(s.lon), sum(s.lat), CAST(:now AS timestamptz)
        FROM (SELECT category_id, status, (registered_at AT TIME ZONE :zone)::date AS day,
                     ST_X(location) AS lon, ST_Y(location) AS lat
              FROM signals WHERE {public_clause()}) s
        CROSS JOIN LATERAL (VALUES (s.category_id, s.status), (s.category_id, ''), (0, s.status), (0, ''))
             AS v(category_id, status)
        CROSS JOIN {_LEVELS_SQL}
        WHERE s.day >= :horizon
        GROUP BY 1, 2, 3, 4, 5, 6
    """), {"zone": clock.zone().key, "horizon": horizon, "now": clock.now()})
    return db.session.scalar(select(func.coalesce(func.sum(MapCell.n), 0)).where(
        MapCell.level == 0, MapCell.category_id == ALL_CATEGORIES, MapCell.status == ALL_STATUSES)) or 0


def purge() -> int:
    """Drop days no window reaches any more (the relay's daily task); returns rows removed."""
    horizon = clock.today() - timedelta(days=HORIZON_DAYS)
    return db.session.execute(text("DELETE FROM map_cells WHERE day < :horizon OR n = 0"),
                              {"horizon": horizon}).rowcount
