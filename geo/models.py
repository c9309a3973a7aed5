"""Area: a district or the municipality outline, as a MultiPolygon in EPSG:4326; Place: a named neighbourhood
or street for place search, from a dataset whose licence and attribution are kept beside it."""

from __future__ import annotations

import enum
from datetime import datetime

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import DateTime, Enum, Float, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.kept import Kept
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
    search_key: Mapped[str] = mapped_column(Text, default="", server_default="")   # geo.transliteration.keys()

    __table_args__ = (Index("ix_areas_geom", "geom", postgresql_using="gist"),)

    def __repr__(self) -> str:
        return f"<Area {self.level.value} {self.code}>"


class PlaceKind(str, enum.Enum):
    """What a searchable place is; districts are searched from `areas` beside them."""

    neighbourhood = "neighbourhood"
    street = "street"


class PlaceDataset(db.Model):
    """Where one kind of place came from: the file, its licence and the attribution pages show while it is loaded.

    One row per kind: an import replaces the kind's places and this row together."""

    __tablename__ = "place_datasets"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PlaceKind] = mapped_column(Enum(PlaceKind, native_enum=False, length=16), unique=True)
    source: Mapped[str] = mapped_column(String(300))
    licence: Mapped[str] = mapped_column(String(200), default="")
    attribution_bg: Mapped[str] = mapped_column(Text)
    attribution_en: Mapped[str] = mapped_column(Text, default="")
    attribution_ru: Mapped[str] = mapped_column(Text, default="")
    features: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Place(Localized, db.Model):
    """A neighbourhood (polygon) or a street (lines merged per name and district), for place search."""

    __tablename__ = "places"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PlaceKind] = mapped_column(Enum(PlaceKind, native_enum=False, length=16))
    name_bg: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    name_ru: Mapped[str] = mapped_column(String(200), default="")
    district_code: Mapped[str] = mapped_column(String(32))          # the district holding most of it
    search_key: Mapped[str] = mapped_column(Text)                   # geo.transliteration.keys()
    geom: Mapped[WKBElement] = mapped_column(Geometry("GEOMETRY", srid=4326, spatial_index=False), deferred=True)
    # The place a hit offers: inside a neighbourhood; on a street, its point nearest the middle of its extent.
    point: Mapped[WKBElement] = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    west: Mapped[float] = mapped_column(Float)
    south: Mapped[float] = mapped_column(Float)
    east: Mapped[float] = mapped_column(Float)
    north: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        Index("ix_places_search_key", "search_key", postgresql_using="gin",
              postgresql_ops={"search_key": "gin_trgm_ops"}),
        Index("uq_places_kind_name_district", "kind", "name_bg", "district_code", unique=True),
    )

    def __repr__(self) -> str:
        return f"<Place {self.kind.value} {self.name_bg!r} {self.district_code}>"


DISTRICTS_TTL = 60.0   # seconds: boundaries change only by `flask areas import`
_DISTRICTS: Kept[list] = Kept(DISTRICTS_TTL)


def district_choices(locale: str) -> list[tuple[str, str]]:
    """(id, "code name") of every district in a locale, for forms: a small list kept a minute per process,
    never the polygons."""

    def rows() -> list[tuple[str, str]]:
        found = db.session.execute(select(Area.id, Area.code, in_locale(Area, "name", locale))
                                   .where(Area.level == AreaLevel.district).order_by(Area.code)).all()
        return [(str(id_), f"{code} {name}") for id_, code, name in found]

    return _DISTRICTS.get(locale, rows)


def forget_districts() -> None:
    """Drop the cached lists (after an import in this process)."""
    _DISTRICTS.clear()
