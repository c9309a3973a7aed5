"""Routing: which department handles an item, by its category and (where it matters) its district.

The most specific rule wins (category + district, then category). A point on a
shared boundary belongs to the district with the lowest code. Anything unroutable
(no rule, outside the municipality outline) goes to the contact centre's triage.
"""

from __future__ import annotations

from dataclasses import dataclass

from geoalchemy2.shape import from_shape
from shapely.geometry import Point
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.departments.models import Category, Department, RoutingRule
from app.extensions import db
from app.unit_of_work import transaction_cache
from geo.models import Area, AreaLevel


@dataclass(frozen=True)
class Place:
    """Where an item is: a point (lon, lat), or a district chosen from a list, or nowhere."""

    lon: float | None = None
    lat: float | None = None
    area_id: int | None = None

    @property
    def has_point(self) -> bool:
        """Whether a point was given."""
        return self.lon is not None and self.lat is not None

    def geometry(self):
        """The point as a PostGIS element (SRID 4326), or None."""
        return from_shape(Point(self.lon, self.lat), srid=4326) if self.has_point else None


@dataclass(frozen=True)
class Route:
    """The outcome of routing: the department, and the district the item lies in (if known)."""

    department: Department
    area: Area | None
    inside: bool  # False when a point lies outside the municipality outline


class NoTriageDepartment(RuntimeError):
    """The configuration lacks the contact centre's triage department."""


def triage() -> Department:
    """The contact centre's triage department: where every unroutable item goes."""
    department = db.session.scalar(select(Department).where(Department.is_triage.is_(True)))
    if department is None:
        raise NoTriageDepartment("no department is marked as triage")
    return department


def _where(lon: float, lat: float) -> tuple[bool, int | None]:
    """Whether a point is inside the municipality (True when no outline is loaded) and its district's id: one
    statement, remembered for the rest of the transaction (the form and the filing ask the same)."""
    memo = transaction_cache("routing_points")
    if (lon, lat) not in memo:
        point = from_shape(Point(lon, lat), srid=4326)
        outlines = select(Area.id).where(Area.level == AreaLevel.municipality)
        inside = or_(~outlines.exists(), outlines.where(Area.geom.ST_Covers(point)).exists())
        district = (select(Area.id).where(Area.level == AreaLevel.district, Area.geom.ST_Covers(point))
                    .order_by(Area.code).limit(1).scalar_subquery())
        memo[(lon, lat)] = tuple(db.session.execute(select(inside, district)).one())
    return memo[(lon, lat)]


def district_at(lon: float, lat: float) -> Area | None:
    """The district covering a point; on a shared boundary, the one with the lowest code."""
    district_id = _where(lon, lat)[1]
    return db.session.get(Area, district_id) if district_id is not None else None


def inside_municipality(lon: float, lat: float) -> bool:
    """Whether a point lies inside the municipality outline (True when no outline is loaded)."""
    return bool(_where(lon, lat)[0])


def locate(place: Place) -> tuple[Area | None, bool]:
    """The district of a place and whether it lies inside the municipality."""
    if place.has_point:
        if not inside_municipality(place.lon, place.lat):
            return None, False
        return district_at(place.lon, place.lat), True
    if place.area_id is not None:
        return db.session.get(Area, place.area_id), True
    return None, True


def route(category: Category, place: Place) -> Route:
    """The competent department for a category at a place; triage when nothing matches."""
    area, inside = locate(place)
    if not inside:
        return Route(triage(), None, False)
    candidates = [None] if area is None else [area.id, None]
    rules = db.session.scalars(
        select(RoutingRule).options(joinedload(RoutingRule.department))
        .where(RoutingRule.category_id == category.id,
               RoutingRule.area_id.in_([a for a in candidates if a is not None]) | RoutingRule.area_id.is_(None))).all()
    by_area = {rule.area_id: rule for rule in rules}
    for key in candidates:
        if key in by_area:
            return Route(by_area[key].department, area, True)
    return Route(triage(), area, True)
