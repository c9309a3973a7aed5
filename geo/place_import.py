"""Loading a city's places for search: neighbourhoods (polygons) and named streets (lines), each kind from one
GeoJSON file whose licence and attribution are stored beside it.

The same checks as the district import (geo/importer.py): every bad feature is named by
index and reason, and when any is bad nothing changes. A valid file replaces all places
of its kind in the caller's transaction.

Neighbourhoods: properties `name_bg` (or `name`), optional `name_en`, `name_ru` and
`district_code`; without a district code the district holding most of the area is taken.
Streets: LineString or MultiLineString features named by `name_bg`, `name:bg` or `name`
(with `name:en`/`name_en`, `name:ru`/`name_ru`, also inside ogr2ogr's `other_tags`), as
an OpenStreetMap extract converted with ogr2ogr gives them; unnamed ways are skipped.
Segments are merged per name and district (a street crossing a boundary is one place in
each district), and segments outside every district are left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from geoalchemy2.shape import from_shape
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy import delete, select, text

from app import clock
from app.extensions import db
from geo.importer import AreaImportError, Problem, checked_geometry, read_features
from geo.models import Area, AreaLevel, Place, PlaceDataset, PlaceKind
from geo.transliteration import search_key

MAX_NAME = 200
_OTHER_TAG = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')
GEOMETRIES = {PlaceKind.neighbourhood: (Polygon, MultiPolygon), PlaceKind.street: (LineString, MultiLineString)}


@dataclass
class Attribution:
    """What the data's owner asks to be shown (bg required; en and ru fall back to it) and its licence."""

    bg: str
    en: str = ""
    ru: str = ""
    licence: str = ""


@dataclass
class ParsedPlace:
    """A validated feature ready to store."""

    name_bg: str
    name_en: str
    name_ru: str
    district_code: str | None
    geometry: BaseGeometry


@dataclass
class ImportReport:
    """What an import did: places stored, features read, unnamed or outside features skipped."""

    places: int
    features: int
    skipped: dict[str, int] = field(default_factory=dict)


def _tags(props: dict) -> dict:
    """The feature's properties with ogr2ogr's `other_tags` ("k"=>"v", ...) unpacked beside them."""
    tags = dict(props)
    other = props.get("other_tags")
    if isinstance(other, str):
        for key, value in _OTHER_TAG.findall(other):
            tags.setdefault(key.replace('\\"', '"'), value.replace('\\"', '"'))
    return tags


def _name(tags: dict, *keys: str) -> str:
    for key in keys:
        value = tags.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return ""


def parse_feature(kind: PlaceKind, feature: dict, bounds, districts: set[str]) -> ParsedPlace | None:
    """Validate one feature (None: an unnamed street, skipped); raises ValueError saying what is wrong."""
    tags = _tags((feature.get("properties") or {}) if isinstance(feature, dict) else {})
    name_bg = _name(tags, "name_bg", "name:bg", "name")
    if not name_bg and kind == PlaceKind.street and isinstance(feature, dict) and feature.get("type") == "Feature":
        return None
    geometry = checked_geometry(feature, GEOMETRIES[kind], bounds)
    if not name_bg:
        raise ValueError("no 'name_bg' or 'name' property")
    names = (name_bg, _name(tags, "name_en", "name:en"), _name(tags, "name_ru", "name:ru"))
    if any(len(name) > MAX_NAME for name in names):
        raise ValueError(f"a name is longer than {MAX_NAME} characters")
    code = str(tags.get("district_code") or "").strip() or None
    if code is not None and code not in districts:
        raise ValueError(f"district_code {code!r} is not a loaded district")
    return ParsedPlace(*names, code, geometry)


def parse(path: Path, kind: PlaceKind, bounds=None, progress: Callable[[int], None] | None = None,
          ) -> tuple[list[ParsedPlace], int]:
    """Read and validate a whole file: the places and the count of skipped unnamed features; raises
    AreaImportError naming every bad feature."""
    districts = set(db.session.scalars(select(Area.code).where(Area.level == AreaLevel.district)))
    if not districts:
        raise AreaImportError([Problem(None, "no districts are loaded: run `flask areas import` first")])
    parsed, problems, seen, unnamed = [], [], set(), 0
    for index, feature in enumerate(read_features(path)):
        try:
            place = parse_feature(kind, feature, bounds, districts)
            if place is None:
                unnamed += 1
            elif kind == PlaceKind.neighbourhood and place.district_code is not None:
                pair = (place.name_bg, place.district_code)
                if pair in seen:
                    raise ValueError(f"{place.name_bg!r} appears twice in district {place.district_code}")
                seen.add(pair)
            if place is not None:
                parsed.append(place)
        except ValueError as exc:
            problems.append(Problem(index, str(exc)))
        if progress:
            progress(1)
    if not parsed and not problems:
        problems.append(Problem(None, "the file has no named features"))
    if problems:
        raise AreaImportError(problems)
    return parsed, unnamed


# The district that holds most of a neighbourhood; for a street segment, the district of a point on it
# (a point on a shared boundary goes to the lowest code, as in routing).
_NEIGHBOURHOOD_DISTRICT = text("""
    UPDATE places p SET district_code = (
        SELECT a.code FROM areas a WHERE a.level = 'district' AND a.geom && p.geom
        ORDER BY ST_Area(ST_Intersection(a.geom, p.geom)) DESC, a.code LIMIT 1)
    WHERE p.kind = 'neighbourhood' AND p.district_code IS NULL""")
_EXTENT = text("""
    UPDATE places SET west = ST_XMin(geom), south = ST_YMin(geom), east = ST_XMax(geom), north = ST_YMax(geom),
        point = CASE WHEN kind = 'street' THEN ST_ClosestPoint(geom, ST_Centroid(ST_Envelope(geom)))
                     ELSE ST_PointOnSurface(geom) END
    WHERE kind = :kind""")
_STREETS = text("""
    WITH parts AS (
        SELECT name_bg, name_en, name_ru, (ST_Dump(geom)).geom AS geom FROM street_segments),
    located AS (
        SELECT parts.*, (SELECT a.code FROM areas a WHERE a.level = 'district'
                         AND ST_Covers(a.geom, ST_PointOnSurface(parts.geom)) ORDER BY a.code LIMIT 1) AS district_code
        FROM parts)
    INSERT INTO places (kind, name_bg, name_en, name_ru, district_code, search_key, geom, point,
                        west, south, east, north)
    SELECT 'street', name_bg, max(name_en), max(name_ru), district_code, '',
           ST_Multi(ST_LineMerge(ST_Collect(geom))), ST_PointOnSurface(ST_Collect(geom)),
           0, 0, 0, 0
    FROM located WHERE district_code IS NOT NULL GROUP BY name_bg, district_code""")


def store(kind: PlaceKind, parsed: list[ParsedPlace], source: str, attribution: Attribution) -> int:
    """Replace every place of the kind and its dataset row (in the caller's transaction); how many places now."""
    db.session.execute(delete(Place).where(Place.kind == kind))
    if kind == PlaceKind.street:
        _store_streets(parsed)
    else:
        db.session.add_all(Place(kind=kind, name_bg=p.name_bg, name_en=p.name_en, name_ru=p.name_ru,
                                 district_code=p.district_code, search_key="", west=0, south=0, east=0, north=0,
                                 geom=from_shape(p.geometry, srid=4326),
                                 point=from_shape(p.geometry.representative_point(), srid=4326)) for p in parsed)
        db.session.flush()
        db.session.execute(_NEIGHBOURHOOD_DISTRICT)
    db.session.execute(_EXTENT, {"kind": kind.name})
    rows = db.session.execute(select(Place.id, Place.name_bg, Place.name_en, Place.name_ru)
                              .where(Place.kind == kind)).all()
    if rows:
        db.session.execute(text("UPDATE places SET search_key = :key WHERE id = :id"),
                           [{"id": id_, "key": search_key(*names)} for id_, *names in rows])
    dataset = db.session.scalar(select(PlaceDataset).where(PlaceDataset.kind == kind)) or PlaceDataset(kind=kind)
    dataset.source, dataset.licence = source[:300], attribution.licence[:200]
    dataset.attribution_bg, dataset.attribution_en, dataset.attribution_ru = (
        attribution.bg, attribution.en, attribution.ru)
    dataset.features, dataset.imported_at = len(parsed), clock.now()
    db.session.add(dataset)
    db.session.flush()
    return len(rows)


def _store_streets(parsed: list[ParsedPlace]) -> None:
    """Segments into a temporary table, then one statement merges them per name and district."""
    db.session.execute(text("CREATE TEMPORARY TABLE IF NOT EXISTS street_segments (name_bg text, name_en text, "
                            "name_ru text, geom geometry(Geometry, 4326)) ON COMMIT DROP"))
    db.session.execute(text("TRUNCATE street_segments"))
    db.session.execute(
        text("INSERT INTO street_segments VALUES (:bg, :en, :ru, ST_GeomFromText(:wkt, 4326))"),
        [{"bg": p.name_bg, "en": p.name_en, "ru": p.name_ru, "wkt": p.geometry.wkt} for p in parsed])
    db.session.execute(_STREETS)


def import_file(path: Path, kind: PlaceKind, attribution: Attribution, bounds=None, progress=None,
                ) -> ImportReport:
    """Validate a whole file, then replace the kind's places; AreaImportError and nothing stored when any
    feature is bad."""
    parsed, unnamed = parse(path, kind, bounds, progress)
    places = store(kind, parsed, Path(path).name, attribution)
    skipped = {"unnamed": unnamed}
    if kind == PlaceKind.street:
        inside = db.session.scalar(text("SELECT count(*) FROM street_segments s WHERE EXISTS (SELECT 1 FROM areas "
                                        "a WHERE a.level = 'district' AND ST_Covers(a.geom, ST_PointOnSurface(s.geom)))"))
        skipped["outside the districts"] = len(parsed) - inside
    return ImportReport(places, len(parsed) + unnamed, skipped)
