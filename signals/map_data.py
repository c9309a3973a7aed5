"""The map's data: points at street zoom, cell counts at any zoom, the data version, the labels.

Every body is built by PostgreSQL and passed through as text (no parsing in Python),
and carries codes, never words in a language: one cached answer serves everyone.
Points start from `access.public_signals()`; cells come from map_cells, which counts
exactly what it selects. A URL that names the data version and the window's first
local date is immutable; the version (`version()`) moves at most once a minute, and
only after the cells changed. The whole city's cells for the current version are made
once per process and kept (`cells_for`): a browser or a proxy keeps that immutable URL's
body just as long.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Text, and_, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app import clock, site_settings
from app.departments.models import Category
from app.extensions import db
from app.kept import Kept, LastUsed
from app.kinds import PUBLIC_KINDS, Kind
from app.web.fields import whole_number
from signals import access, map_cells, workflow
from signals.map_cells import LEVELS, MapCell
from signals.models import Signal
from signals.queries import MAX_DAYS, BadQuery, Filters, parse_filters

MAX_FEATURES = 5000
VERSION_KEY = "map_version"
VERSION_EVERY = 60          # seconds: the version moves at most this often
CHANGE_MARGIN = 120         # seconds: how late a change's transaction may commit and still move the version
VERSION_KEPT = 5.0          # seconds: how long a process trusts the stored version it last read
KEPT_CHARS = 8_000_000      # the whole-city cell bodies a process keeps, in characters (bodies are ASCII)
_stored: Kept[int] = Kept(VERSION_KEPT)
_city_bodies = LastUsed(KEPT_CHARS)


@dataclass(frozen=True)
class Window:
    """A box (optional for cells), the first local date, and the filters."""

    first_day: date
    filters: Filters
    box: tuple[float, float, float, float] | None = None


def _box(raw: str | None, required: bool) -> tuple[float, float, float, float] | None:
    if not raw and not required:
        return None
    try:
        west, south, east, north = (float(part) for part in (raw or "").split(","))
    except ValueError:
        raise BadQuery("bad_bbox", "bbox must be four numbers: west,south,east,north") from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise BadQuery("bad_bbox", "bbox must have west < east within ±180 and south < north within ±90")
    return west, south, east, north


def parse(args, *, box_required: bool = True) -> Window:
    """bbox=w,s,e,n; the window as from=YYYY-MM-DD (from version.json) or days=1–90; category; status."""
    filters = parse_filters(args)
    first_day = filters.first_day
    if args.get("from"):
        try:
            first_day = date.fromisoformat(args["from"])
        except ValueError:
            raise BadQuery("bad_from", "from must be a date, YYYY-MM-DD") from None
        if not clock.today() - timedelta(days=MAX_DAYS) <= first_day <= clock.today():
            raise BadQuery("bad_from", "from must be within the last 90 days")
    return Window(first_day, filters, _box(args.get("bbox"), box_required))


def points_statement(*, category: bool, status: bool):
    """Public points in a box, newest first, at most MAX_FEATURES, as one GeoJSON text (truncated says more).

    Built with bound parameters (west, south, east, north, since, category_id, status) so that it is compiled
    once per shape of filter and run as plain SQL."""
    conditions = [Signal.location.op("&&")(func.ST_MakeEnvelope(bindparam("west"), bindparam("south"),
                                                                 bindparam("east"), bindparam("north"), 4326)),
                  Signal.registered_at >= bindparam("since")]
    if category:
        conditions.append(Signal.category_id == bindparam("category_id"))
    if status:
        conditions.append(Signal.status == bindparam("status"))
    rows = (access.public_signals().join(Category, Category.id == Signal.category_id).where(and_(*conditions))
            .with_only_columns(Signal.number, Signal.status, Signal.registered_at, Signal.location,
                               Category.code.label("category_code"),
                               func.row_number().over(order_by=Signal.registered_at.desc()).label("rn"))
            .order_by(Signal.registered_at.desc()).limit(MAX_FEATURES + 1).subquery("r"))
    feature = func.json_build_object(
        "type", "Feature", "geometry", func.ST_AsGeoJSON(rows.c.location, 6).cast(db.JSON),
        "properties", func.json_build_object("number", rows.c.number, "status", rows.c.status,
                                             "category_code", rows.c.category_code,
                                             "registered_at", rows.c.registered_at))
    collected = func.json_agg(aggregate_order_by(feature, rows.c.registered_at.desc())).filter(
        rows.c.rn <= MAX_FEATURES)
    body = func.json_build_object("type", "FeatureCollection",
                                  "features", func.coalesce(collected, text("'[]'::json")),
                                  "truncated", func.count() > MAX_FEATURES)
    return select(body.cast(Text)).select_from(rows)


@functools.cache
def _statement(name: str, category: bool, status: bool, boxed: bool = True):
    """A statement built once per shape of filter; SQLAlchemy then compiles it once (its compiled cache)."""
    if name == "points":
        return points_statement(category=category, status=status)
    return cells_statement(category=category, status=status, boxed=boxed)


def _text(statement, params: dict) -> str:
    """Run a statement on the request's connection (Core, no ORM) and return the one text value it makes."""
    return db.session.connection().execute(statement, params).scalar_one()


def _filter_params(window: Window) -> dict:
    return {"category_id": window.filters.category_id,
            "status": window.filters.status.value if window.filters.status else None}


def points(window: Window) -> str:
    """The GeoJSON text for a window (the app's connections plan without parallel workers: app/config.py)."""
    west, south, east, north = window.box
    statement = _statement("points", bool(window.filters.category_id), bool(window.filters.status))
    return _text(statement, {"west": west, "south": south, "east": east, "north": north,
                  "since": clock.local_midnight(window.first_day), **_filter_params(window)})


def level_of(raw: str | None) -> int:
    """A grid level, 0 (city) to 3 (blocks)."""
    level = whole_number(raw, 0, len(LEVELS) - 1)
    if level is None:
        raise BadQuery("bad_level", f"level must be 0 to {len(LEVELS) - 1}")
    return level


def cells_statement(*, category: bool, status: bool, boxed: bool):
    """Counts per cell of a level in the window (and box), each at the mean of its signals, as one JSON text.

    Bound parameters: level, size, first_day, category_id, status, and x0, x1, y0, y1 for a box."""
    conditions = [MapCell.level == bindparam("level"), MapCell.day >= bindparam("first_day"),
                  MapCell.category_id == (bindparam("category_id") if category else map_cells.ALL_CATEGORIES),
                  MapCell.status == (bindparam("status") if status else map_cells.ALL_STATUSES)]
    if boxed:
        conditions += [MapCell.cx.between(bindparam("x0"), bindparam("x1")),
                       MapCell.cy.between(bindparam("y0"), bindparam("y1"))]
    per_cell = (select(func.sum(MapCell.n).label("n"), func.sum(MapCell.sum_lon).label("x"),
                       func.sum(MapCell.sum_lat).label("y"))
                .where(*conditions).group_by(MapCell.cx, MapCell.cy).having(func.sum(MapCell.n) > 0).subquery("c"))
    mean = lambda column: func.round(func.cast(column / per_cell.c.n, db.Numeric), 5)  # noqa: E731
    cell = func.json_build_array(mean(per_cell.c.x), mean(per_cell.c.y), per_cell.c.n)
    body = func.json_build_object("level", bindparam("level"), "size", bindparam("size"),
                                  "from", bindparam("first_day"),
                                  "total", func.coalesce(func.sum(per_cell.c.n), 0),
                                  "cells", func.coalesce(func.json_agg(cell), text("'[]'::json")))
    return select(body.cast(Text)).select_from(per_cell)


def cells(level: int, window: Window) -> str:
    """The cells' JSON text."""
    size = LEVELS[level]
    params = {"level": level, "size": size, "first_day": window.first_day, **_filter_params(window)}
    if window.box:
        west, south, east, north = window.box
        params.update(x0=int(west // size), x1=int(east // size), y0=int(south // size), y1=int(north // size))
    return _text(_statement("cells", bool(window.filters.category_id), bool(window.filters.status),
                            bool(window.box)), params)


def version() -> int:
    """The data version: the time it last moved, at most every VERSION_EVERY seconds, and only while the cells
    have changed recently (no job needed: the first visitor after a change moves it).

    A change is stamped with its transaction's start; one that commits late still counts, because any change
    stamped within CHANGE_MARGIN before the current version moves it once more.
    """
    current = int((site_settings.get(VERSION_KEY) or {}).get("v", 0))
    now = clock.now().timestamp()
    if now - current < VERSION_EVERY:
        return current
    latest = db.session.scalar(select(func.max(MapCell.changed_at)))
    if latest is None or latest.timestamp() < current - CHANGE_MARGIN:
        return current
    current = int(now)
    site_settings.put(VERSION_KEY, {"v": current})
    db.session.commit()
    _stored.clear()
    return current


def stored_version() -> int:
    """The data version as stored (this never moves it), read by this process at most VERSION_KEPT seconds ago."""
    return _stored.get(VERSION_KEY, lambda: int((site_settings.get(VERSION_KEY) or {}).get("v", 0)))


def cells_for(level: int, window: Window, asked_version: int | None) -> str:
    """The cells' JSON text for a request that names a version. The whole city's (no box) for the current version
    is made once per process and version, then kept: its URL is immutable, so browsers and proxies keep that same
    body as long, and the version moves within a minute of a change. A box, or any other version, is made afresh
    (an earlier version's body is gone; a version not reached yet must not be filled with today's data)."""
    if window.box is not None or asked_version is None or asked_version != stored_version():
        return cells(level, window)
    key = (asked_version, level, window.first_day, window.filters.category_id, window.filters.status)
    body = _city_bodies.get(key)
    if body is None:
        body = cells(level, window)
        _city_bodies.put(key, body)
    return body


def forget_kept() -> None:
    """Drop the version and the bodies this process keeps (tests, whose data and versions roll back)."""
    _stored.clear()
    _city_bodies.clear()


def windows() -> dict[str, str]:
    """Each window's first local date, for the client's URLs."""
    return {str(days): (clock.today() - timedelta(days=days)).isoformat() for days in (7, 30, 90)}


def labels(locale: str) -> dict:
    """What the map's codes mean in a locale: statuses (legal terms) and public categories."""
    statuses = workflow.statuses_of(Kind.problem) | workflow.statuses_of(Kind.question)
    categories = db.session.scalars(select(Category).where(
        Category.kind.in_(sorted(PUBLIC_KINDS, key=lambda k: k.value))).order_by(Category.code)).all()
    return {"locale": locale,
            "statuses": {s.value: workflow.label(s, locale) for s in sorted(statuses, key=lambda s: s.value)},
            "categories": {c.code: c.text("name", locale) for c in categories}}
