"""Area: a district or the municipality outline, as a MultiPolygon in EPSG:4326."""

from __future__ import annotations

import enum
import time

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import Enum, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.localized import Localized, in_locale


class AreaLevel(str, enum.Enum):
    """Districts route items; the municipality outline bounds where items may be."""

    district = "district"
    municipality = "municipality"


class Area(Localized, db.Model):
    """A district or the municipality outline."""

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    level: Mapped[AreaLevel] = mapped_column(Enum(AreaLevel, native_enum=False, length=16))
    name_bg: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    name_ru: Mapped[str] = mapped_column(String(200), default="")
    # Deferred: an item page or a form needs the name, not 600 KB of polygons; spatial work happens in SQL.
    geom: Mapped[WKBElement] = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False),
                                             deferred=True)

    __table_args__ = (Index("ix_areas_geom", "geom", postgresql_using="gist"),)

    def __repr__(self) -> str:
        return f"<Area {self.level.value} {self.code}>"


_DISTRICTS: dict[str, tuple[float, list]] = {}
DISTRICTS_TTL = 60.0   # seconds: boundaries change only by `flask areas import`


def district_choices(locale: str) -> list[tuple[str, str]]:
    """(id, "code name") of every district in a locale, for forms: a small list kept a minute per process,
    never the polygons."""
    cached = _DISTRICTS.get(locale)
    if cached is not None and time.monotonic() - cached[0] < DISTRICTS_TTL:
        return cached[1]
    rows = db.session.execute(select(Area.id, Area.code, in_locale(Area, "name", locale))
                              .where(Area.level == AreaLevel.district).order_by(Area.code)).all()
    choices = [(str(id_), f"{code} {name}") for id_, code, name in rows]
    _DISTRICTS[locale] = (time.monotonic(), choices)
    return choices


def forget_districts() -> None:
    """Drop the cached lists (after an import in this process)."""
    _DISTRICTS.clear()
