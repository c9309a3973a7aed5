"""/map/signals.geojson: public signals in a box, built as JSON by PostgreSQL (no per-row Python loop)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app import clock
from app.departments.models import Category
from app.extensions import db
from app.localized import current_locale
from signals import access
from signals.models import Signal
from signals.workflow import LABELS, Status

MAX_FEATURES = 5000
MAX_DAYS = 90


class BadQuery(ValueError):
    """A parameter the endpoint cannot use: answered with 400 and a JSON error."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class MapQuery:
    """The validated parameters of a map request."""

    west: float
    south: float
    east: float
    north: float
    days: int = 30
    category: str | None = None
    status: Status | None = None


def parse(args) -> MapQuery:
    """Validate bbox=w,s,e,n, days (1–90), category (a stable code) and status; raises BadQuery."""
    raw = args.get("bbox", "")
    try:
        west, south, east, north = (float(part) for part in raw.split(","))
    except ValueError:
        raise BadQuery("bad_bbox", "bbox must be four numbers: west,south,east,north") from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise BadQuery("bad_bbox", "bbox must have west < east within ±180 and south < north within ±90")
    try:
        days = int(args.get("days", 30))
    except ValueError:
        raise BadQuery("bad_days", "days must be a whole number from 1 to 90") from None
    if not 1 <= days <= MAX_DAYS:
        raise BadQuery("bad_days", "days must be a whole number from 1 to 90")
    category = args.get("category") or None
    if category is not None and db.session.scalar(select(Category.id).where(Category.code == category)) is None:
        raise BadQuery("bad_category", f"unknown category code {category!r}")
    status = args.get("status") or None
    if status is not None and status not in Status.__members__:
        raise BadQuery("bad_status", f"unknown status {status!r}")
    return MapQuery(west, south, east, north, days, category, Status(status) if status else None)


def statement(query: MapQuery, locale: str):
    """The one SQL statement: newest first, at most MAX_FEATURES + 1 rows, aggregated to GeoJSON."""
    envelope = func.ST_MakeEnvelope(query.west, query.south, query.east, query.north, 4326)
    conditions = [Signal.location.op("&&")(envelope), Signal.registered_at >= clock.days_ago(query.days)]
    if query.category:
        conditions.append(Category.code == query.category)
    if query.status:
        conditions.append(Signal.status == query.status)
    name = getattr(Category, f"name_{locale}", Category.name_bg)
    rows = (access.public_signals().join(Category, Category.id == Signal.category_id).where(and_(*conditions))
            .with_only_columns(Signal.number, Signal.status, Signal.registered_at, Signal.location,
                               func.coalesce(func.nullif(name, ""), Category.name_bg).label("category"),
                               Category.code.label("category_code"))
            .order_by(Signal.registered_at.desc()).limit(MAX_FEATURES + 1).subquery("r"))
    feature = func.json_build_object(
        "type", "Feature",
        "geometry", func.ST_AsGeoJSON(rows.c.location, 6).cast(db.JSON),
        "properties", func.json_build_object("number", rows.c.number, "status", rows.c.status,
                                             "category", rows.c.category, "category_code", rows.c.category_code,
                                             "registered_at", rows.c.registered_at))
    features = select(feature.label("feature"), rows.c.registered_at).select_from(rows).subquery("f")
    newest_first = aggregate_order_by(features.c.feature, features.c.registered_at.desc())
    return select(func.coalesce(func.json_agg(newest_first), text("'[]'::json")), func.count()).select_from(features)


def features(query: MapQuery) -> dict:
    """The FeatureCollection for a query; `truncated` when more than MAX_FEATURES matched."""
    locale = current_locale()
    collected, count = db.session.execute(statement(query, locale)).one()
    truncated = count > MAX_FEATURES
    if truncated:
        collected = collected[:MAX_FEATURES]
    labels = {status.value: texts.get(locale) or texts["bg"] for status, texts in LABELS.items()}
    return {"type": "FeatureCollection", "features": collected, "truncated": truncated,
            "status_labels": labels}
