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
Features are merged per name and district (a street crossing a boundary is one place in
each district; its segments join into lines), and features outside every district are
left out. A re-import keeps each place's id: it is matched by kind, name and district.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select, text

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


# Every feature goes to a temporary table first; one statement then gives each its district (a neighbourhood:
# the district holding most of it; a street's part: the district of a point on it, the lowest code on a shared
# boundary, as in routing), merges per name and district, and upserts, so a place keeps its id (and the links
# that name it) across imports. Features outside every district are left out.
_STAGE = text("CREATE TEMPORARY TABLE IF NOT EXISTS place_features (name_bg text, name_en text, name_ru text, "
              "district_code text, geom geometry(Geometry, 4326)) ON COMMIT DROP")
_LOCATE = {
    PlaceKind.neighbourhood: """
        SELECT f.name_bg, f.name_en, f.name_ru, f.geom, coalesce(f.district_code, (
            SELECT a.code FROM areas a WHERE a.level = 'district' AND ST_Intersects(a.geom, f.geom)
            ORDER BY ST_Area(ST_Intersection(a.geom, f.geom)) DESC, a.code LIMIT 1)) AS district_code
        FROM place_features f""",
    PlaceKind.street: """
        SELECT parts.*, (SELECT a.code FROM areas a WHERE a.level = 'district'
                         AND ST_Covers(a.geom, ST_PointOnSurface(parts.geom)) ORDER BY a.code LIMIT 1) AS district_code
        FROM (SELECT name_bg, name_en, name_ru, (ST_Dump(geom)).geom AS geom FROM place_features) parts""",
}
_MERGE = {PlaceKind.neighbourhood: "ST_Multi(ST_Union(geom))", PlaceKind.street: "ST_Multi(ST_LineMerge(ST_Collect(geom)))"}
_UPSERT = """
    WITH located AS ({locate}), merged AS (
        SELECT name_bg, max(name_en) AS name_en, max(name_ru) AS name_ru, district_code, {merge} AS geom
        FROM located WHERE district_code IS NOT NULL GROUP BY name_bg, district_code),
    upserted AS (
        INSERT INTO places AS p (kind, name_bg, name_en, name_ru, district_code, search_key, geom, point,
                                 west, south, east, north)
        SELECT :kind, name_bg, coalesce(name_en, ''), coalesce(name_ru, ''), district_code, '', geom,
               CASE WHEN :kind = 'street' THEN ST_ClosestPoint(geom, ST_Centroid(ST_Envelope(geom)))
                    ELSE ST_PointOnSurface(geom) END,
               ST_XMin(geom), ST_YMin(geom), ST_XMax(geom), ST_YMax(geom)
        FROM merged
        ON CONFLICT (kind, name_bg, district_code) DO UPDATE SET
            name_en = EXCLUDED.name_en, name_ru = EXCLUDED.name_ru, geom = EXCLUDED.geom, point = EXCLUDED.point,
            west = EXCLUDED.west, south = EXCLUDED.south, east = EXCLUDED.east, north = EXCLUDED.north
        RETURNING p.id)
    DELETE FROM places WHERE kind = :kind AND id NOT IN (SELECT id FROM upserted)"""
_INSIDE = text("SELECT count(*) FROM place_features f WHERE f.district_code IS NOT NULL OR EXISTS (SELECT 1 FROM "
               "areas a WHERE a.level = 'district' AND ST_Intersects(a.geom, f.geom))")


def store(kind: PlaceKind, parsed: list[ParsedPlace], source: str, attribution: Attribution) -> int:
    """Make the kind's places exactly the file's (in the caller's transaction) and record its dataset; how many
    places there are now."""
    db.session.execute(_STAGE)
    db.session.execute(text("TRUNCATE place_features"))
    db.session.execute(text("INSERT INTO place_features VALUES (:bg, :en, :ru, :code, ST_GeomFromText(:wkt, 4326))"),
                       [{"bg": p.name_bg, "en": p.name_en, "ru": p.name_ru, "code": p.district_code,
                         "wkt": p.geometry.wkt} for p in parsed])
    db.session.execute(text(_UPSERT.format(locate=_LOCATE[kind], merge=_MERGE[kind])), {"kind": kind.name})
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
    db.session.expire_all()
    return len(rows)


def import_file(path: Path, kind: PlaceKind, attribution: Attribution, bounds=None, progress=None,
                ) -> ImportReport:
    """Validate a whole file, then replace the kind's places; AreaImportError and nothing stored when any
    feature is bad."""
    parsed, unnamed = parse(path, kind, bounds, progress)
    places = store(kind, parsed, Path(path).name, attribution)
    outside = len(parsed) - db.session.scalar(_INSIDE)
    return ImportReport(places, len(parsed) + unnamed, {"unnamed": unnamed, "outside the districts": outside})
