"""Area: a district or the municipality outline, as a MultiPolygon in EPSG:4326."""

from __future__ import annotations

import enum

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import Enum, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.localized import Localized


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
    geom: Mapped[WKBElement] = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=False))

    __table_args__ = (Index("ix_areas_geom", "geom", postgresql_using="gist"),)

    def __repr__(self) -> str:
        return f"<Area {self.level.value} {self.code}>"
