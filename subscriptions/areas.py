"""The area of an alert: a district, a point with a radius, or a polygon drawn on the map — checked at the door
(a valid polygon of at most 200 vertices, no larger than the municipality and touching it; a point inside it; a
radius of 100 m to 5 km) — and the SQL that finds the alerts a new public signal falls in."""

from __future__ import annotations

import json
from dataclasses import dataclass

from geoalchemy2 import Geography
from geoalchemy2.shape import from_shape
from shapely.geometry import Point, shape
from sqlalchemy import and_, cast, func, or_, select

from app.extensions import db
from geo.models import Area, AreaLevel
from signals.services.errors import InvalidInput

MAX_VERTICES = 200
RADIUS_METRES = (100, 5000)


class AreaRefused(InvalidInput):
    """An alert's area the door refuses; `reason` names why (the form says so at the field)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class AreaChoice:
    """What the alert form gives: exactly one of a district, a point and radius, or a polygon (GeoJSON)."""

    district_id: int | None = None
    lon: float | None = None
    lat: float | None = None
    radius_m: int | None = None
    polygon: str = ""


def _outline():
    """The municipality: its outline when one is loaded, else the union of the districts."""
    outline = select(func.ST_Union(Area.geom)).where(Area.level == AreaLevel.municipality).scalar_subquery()
    districts = select(func.ST_Union(Area.geom)).where(Area.level == AreaLevel.district).scalar_subquery()
    return func.coalesce(outline, districts)


def checked(choice: AreaChoice) -> dict:
    """The alert's area columns, or AreaRefused: "none" (nothing chosen), "district", "outside", "radius",
    "polygon" (not one valid polygon), "vertices" (more than 200) or "too_large"."""
    if choice.polygon:
        return {"polygon": _polygon(choice.polygon)}
    if choice.district_id:
        district = db.session.get(Area, choice.district_id)
        if district is None or district.level != AreaLevel.district:
            raise AreaRefused("district")
        return {"district_id": district.id}
    if choice.lon is None or choice.lat is None:
        raise AreaRefused("none")
    if not (choice.radius_m and RADIUS_METRES[0] <= choice.radius_m <= RADIUS_METRES[1]):
        raise AreaRefused("radius")
    point = from_shape(Point(choice.lon, choice.lat), srid=4326)
    if not db.session.scalar(select(func.ST_Covers(_outline(), point))):
        raise AreaRefused("outside")
    return {"center": point, "radius_m": choice.radius_m}


def _polygon(text: str):
    try:
        geometry = shape(json.loads(text).get("geometry", json.loads(text)))
    except (ValueError, TypeError, AttributeError, KeyError, IndexError):
        raise AreaRefused("polygon") from None
    if geometry.geom_type != "Polygon" or geometry.is_empty or not geometry.is_valid or geometry.has_z:
        raise AreaRefused("polygon")
    if len(geometry.exterior.coords) - 1 + sum(len(r.coords) - 1 for r in geometry.interiors) > MAX_VERTICES:
        raise AreaRefused("vertices")
    if not all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in geometry.exterior.coords):
        raise AreaRefused("polygon")
    element = from_shape(geometry, srid=4326)
    outline = _outline()
    fits = db.session.execute(select(
        func.ST_Area(cast(element, Geography)) <= func.ST_Area(cast(outline, Geography)),
        func.ST_Intersects(element, outline))).one()
    if not fits[0]:
        raise AreaRefused("too_large")
    if not fits[1]:
        raise AreaRefused("outside")
    return element


def covering(subscription_model, location, area_id):
    """The SQL condition: the alert's area covers a signal's location (or its district)."""
    s = subscription_model
    return or_(and_(s.district_id.is_not(None), s.district_id == area_id),
               and_(s.center.is_not(None), func.ST_DWithin(cast(s.center, Geography), cast(location, Geography),
                                                           s.radius_m)),
               and_(s.polygon.is_not(None), func.ST_Covers(s.polygon, location)))
