"""Open public problems near a point, for "me too" before filing: the same category, within 50 metres.

Indexed: a box in degrees a little larger than the radius uses the GiST index on
`location`, then PostGIS measures the exact distance on the spheroid for what is left.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from geoalchemy2 import Geography
from sqlalchemy import cast, func, select

from app.extensions import db
from app.kinds import Kind
from signals import access, support, workflow
from signals.models import Attachment, Signal

RADIUS_M = 50
LIMIT = 10
METRES_PER_DEGREE = 111_320.0


@dataclass(frozen=True)
class Nearby:
    """One open public problem near the point, as "me too" shows it."""

    id: int
    number: str
    title: str
    category_id: int
    status: workflow.Status
    registered_at: datetime
    distance_m: float
    supporters: int
    photo_ids: tuple[int, ...]


def box(lon: float, lat: float, radius_m: float) -> tuple[float, float, float, float]:
    """A lon/lat box holding every point within radius_m of (lon, lat), with 2 % to spare."""
    dlat = radius_m * 1.02 / METRES_PER_DEGREE
    dlon = radius_m * 1.02 / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return lon - dlon, lat - dlat, lon + dlon, lat + dlat


def statement(lon: float, lat: float, category_id: int | None, radius_m: float = RADIUS_M, limit: int = LIMIT):
    """The query: public, open problems (of the category) whose point is within radius_m, nearest first."""
    here = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    distance = func.ST_Distance(cast(Signal.location, Geography), cast(here, Geography))
    query = (access.public_signals().add_columns(distance.label("distance_m"))
             .where(Signal.kind == Kind.problem, Signal.status.notin_(sorted(workflow.FINAL, key=lambda s: s.value)),
                    Signal.location.op("&&")(func.ST_MakeEnvelope(*box(lon, lat, radius_m), 4326)),
                    func.ST_DWithin(cast(Signal.location, Geography), cast(here, Geography), radius_m)))
    if category_id is not None:
        query = query.where(Signal.category_id == category_id)
    return query.order_by(distance, Signal.id).limit(limit)


def nearby(lon: float, lat: float, category_id: int | None) -> list[Nearby]:
    """The open public problems near a point, each with its supporters and approved photos."""
    rows = db.session.execute(statement(lon, lat, category_id)).all()
    ids = [signal.id for signal, _ in rows]
    supporters = support.counts(ids)
    photos: dict[int, list[int]] = {}
    if ids:
        for signal_id, attachment_id in db.session.execute(
                select(Attachment.signal_id, Attachment.id).where(Attachment.signal_id.in_(ids),
                                                                  Attachment.approved.is_(True))
                .order_by(Attachment.id)):
            photos.setdefault(signal_id, []).append(attachment_id)
    return [Nearby(signal.id, signal.number, signal.title, signal.category_id, signal.status, signal.registered_at,
                   round(distance, 1), supporters.get(signal.id, 0), tuple(photos.get(signal.id, ())[:3]))
            for signal, distance in rows]
