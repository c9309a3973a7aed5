"""Read queries of the registry; each starts from `access.public_signals()` or `access.visible()`.

The map query: public signals in a box as GeoJSON, built by PostgreSQL (no
per-row Python loop). Its body carries codes, never labels in a language, so one
cached answer serves every visitor; the labels come from a per-locale URL.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, and_, func, or_, select, text
from sqlalchemy.dialects.postgresql import aggregate_order_by

from app import clock
from app.departments.models import Category
from app.extensions import db
from app.kinds import PUBLIC_KINDS, Kind
from signals import access, workflow
from signals.models import Attachment, Signal
from signals.workflow import Status

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


@dataclass(frozen=True)
class Filters:
    """What the home page and the map filter by: the period, a category, a status."""

    days: int = 30
    category: str | None = None
    status: Status | None = None


def parse_filters(args) -> Filters:
    """Validate days (1–90), category (a stable code) and status; raises BadQuery."""
    try:
        days = int(args.get("days") or 30)
    except ValueError:
        raise BadQuery("bad_days", "days must be a whole number from 1 to 90") from None
    if not 1 <= days <= MAX_DAYS:
        raise BadQuery("bad_days", "days must be a whole number from 1 to 90")
    category = args.get("category") or None
    if category is not None and db.session.scalar(select(Category.id).where(Category.code == category)) is None:
        raise BadQuery("bad_category", f"unknown category code {category[:40]!r}")
    status = args.get("status") or None
    if status is not None and status not in Status.__members__:
        raise BadQuery("bad_status", f"unknown status {status[:40]!r}")
    return Filters(days, category, Status(status) if status else None)


def parse(args) -> MapQuery:
    """Validate bbox=w,s,e,n and the filters; raises BadQuery."""
    raw = args.get("bbox", "")
    try:
        west, south, east, north = (float(part) for part in raw.split(","))
    except ValueError:
        raise BadQuery("bad_bbox", "bbox must be four numbers: west,south,east,north") from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise BadQuery("bad_bbox", "bbox must have west < east within ±180 and south < north within ±90")
    filters = parse_filters(args)
    return MapQuery(west, south, east, north, filters.days, filters.category, filters.status)


def statement(query: MapQuery):
    """The one SQL statement: newest first, at most MAX_FEATURES + 1 rows, aggregated to GeoJSON."""
    envelope = func.ST_MakeEnvelope(query.west, query.south, query.east, query.north, 4326)
    conditions = [Signal.location.op("&&")(envelope), Signal.registered_at >= clock.days_ago(query.days)]
    if query.category:
        conditions.append(Category.code == query.category)
    if query.status:
        conditions.append(Signal.status == query.status)
    rows = (access.public_signals().join(Category, Category.id == Signal.category_id).where(and_(*conditions))
            .with_only_columns(Signal.number, Signal.status, Signal.registered_at, Signal.location,
                               Category.code.label("category_code"))
            .order_by(Signal.registered_at.desc()).limit(MAX_FEATURES + 1).subquery("r"))
    feature = func.json_build_object(
        "type", "Feature",
        "geometry", func.ST_AsGeoJSON(rows.c.location, 6).cast(db.JSON),
        "properties", func.json_build_object("number", rows.c.number, "status", rows.c.status,
                                             "category_code", rows.c.category_code,
                                             "registered_at", rows.c.registered_at))
    features = select(feature.label("feature"), rows.c.registered_at).select_from(rows).subquery("f")
    newest_first = aggregate_order_by(features.c.feature, features.c.registered_at.desc())
    return select(func.coalesce(func.json_agg(newest_first), text("'[]'::json")), func.count()).select_from(features)


def features(query: MapQuery) -> dict:
    """The FeatureCollection for a query; `truncated` when more than MAX_FEATURES matched. No locale text."""
    collected, count = db.session.execute(statement(query)).one()
    truncated = count > MAX_FEATURES
    if truncated:
        collected = collected[:MAX_FEATURES]
    return {"type": "FeatureCollection", "features": collected, "truncated": truncated}


def map_labels(locale: str) -> dict:
    """What the map's codes mean in a locale: statuses (legal terms) and public categories."""
    statuses = workflow.statuses_of(Kind.problem) | workflow.statuses_of(Kind.question)
    categories = db.session.scalars(select(Category).where(
        Category.kind.in_(sorted(PUBLIC_KINDS, key=lambda k: k.value))).order_by(Category.code)).all()
    return {"locale": locale,
            "statuses": {s.value: workflow.label(s, locale) for s in sorted(statuses, key=lambda s: s.value)},
            "categories": {c.code: c.text("name", locale) for c in categories}}


def moderation_queue() -> Select:
    """Public items waiting for a moderator: unapproved text or photos, not hidden."""
    pending_photo = select(Attachment.id).where(Attachment.signal_id == Signal.id, Attachment.approved.is_(False))
    return (select(Signal).where(Signal.kind.in_(sorted(PUBLIC_KINDS, key=lambda k: k.value)),
                                 Signal.hidden.is_(False),
                                 or_(Signal.text_approved.is_(False), pending_photo.exists()))
            .order_by(Signal.registered_at))


def latest_public(filters: Filters = Filters(), limit: int = 10) -> Select:
    """The newest public items of the last N local days, by category and status (the home page list)."""
    query = access.public_signals().where(Signal.registered_at >= clock.days_ago(filters.days))
    if filters.category:
        query = query.join(Category, Category.id == Signal.category_id).where(Category.code == filters.category)
    if filters.status:
        query = query.where(Signal.status == filters.status)
    return query.order_by(Signal.registered_at.desc()).limit(limit)


def by_submission_key(submission_key: str | None) -> Signal | None:
    """The item a filing form's submission key already produced (a repeated POST shows the first result)."""
    if not submission_key:
        return None
    return db.session.scalar(select(Signal).where(Signal.submission_key == submission_key))
