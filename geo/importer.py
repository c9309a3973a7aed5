"""Importing area boundaries from GeoJSON: validate every feature, then replace all or nothing.

Accepts a FeatureCollection in CRS84 / EPSG:4326 (lon, lat). Each bad feature is
named by index and reason; when any is bad nothing changes. The file and geometry
checks are shared with the place loader (geo/place_import.py).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from geoalchemy2.shape import from_shape
from shapely import get_coordinates
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity
from sqlalchemy import select

from app.extensions import db
from geo.models import Area, AreaLevel
from geo.transliteration import search_key

ACCEPTED_CRS = {
    "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "CRS84",
    "urn:ogc:def:crs:EPSG::4326", "EPSG:4326", "epsg:4326",
}


@dataclass
class Problem:
    """One bad feature: its index in the file (0-based) and why."""

    index: int | None
    reason: str

    def __str__(self) -> str:
        if self.index is None:
            return f"whole file: {self.reason}"
        return f"feature {self.index + 1} (index {self.index}): {self.reason}"


@dataclass
class AreaImportError(Exception):
    """The file was refused; nothing was changed."""

    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(str(p) for p in self.problems)


@dataclass
class ParsedArea:
    """A validated feature ready to store."""

    code: str
    name_bg: str
    name_en: str
    name_ru: str
    geometry: MultiPolygon


def _crs_error(member: object) -> str | None:
    """Why a GeoJSON (2008) `crs` member is refused, or None when absent or CRS84/EPSG:4326."""
    if member is None:
        return None
    name = (member.get("properties") or {}).get("name") if isinstance(member, dict) else None
    if name not in ACCEPTED_CRS:
        return f"declares coordinate reference system {name!r}; only CRS84/EPSG:4326 (lon, lat) is accepted"
    return None


def checked_geometry(feature: dict, kinds: tuple[type, ...], bounds) -> BaseGeometry:
    """A feature's geometry, if it is one of `kinds`, in degrees, inside the bounds and valid; else ValueError.

    The bounds test uses a point on the geometry: a file with lon/lat swapped still holds valid degrees."""
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ValueError("not a GeoJSON Feature")
    for member in (feature.get("crs"), (feature.get("geometry") or {}).get("crs")):
        if error := _crs_error(member):
            raise ValueError(error)
    try:
        geometry = shape(feature.get("geometry") or {})
    except Exception as exc:  # shapely raises several types for malformed input
        raise ValueError(f"unreadable geometry ({exc})") from exc
    if not isinstance(geometry, kinds) or geometry.is_empty:
        wanted = " or ".join(kind.__name__ for kind in kinds)
        raise ValueError(f"geometry is a {geometry.geom_type}{' (empty)' if geometry.is_empty else ''}, "
                         f"not a {wanted}")
    for lon, lat in get_coordinates(geometry):
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(f"coordinate ({lon}, {lat}) is outside lon -180..180, lat -90..90")
    if bounds is not None:
        west, south, east, north = bounds
        lon, lat = geometry.representative_point().coords[0]
        if not (west <= lon <= east and south <= lat <= north):
            raise ValueError(f"lies at ({lon:.4f}, {lat:.4f}), outside the expected area; are lon/lat swapped?")
    if not geometry.is_valid:
        raise ValueError(f"invalid geometry: {explain_validity(geometry)}")
    return geometry


def parse_feature(index: int, feature: dict, bounds: tuple[float, float, float, float] | None) -> ParsedArea:
    """Validate one area feature; raises ValueError saying what is wrong with it."""
    props = (feature.get("properties") or {}) if isinstance(feature, dict) else {}
    if isinstance(feature, dict) and feature.get("type") == "Feature":
        if not str(props.get("code") or "").strip():
            raise ValueError("no 'code' property")
        if not props.get("name_bg"):
            raise ValueError("no 'name_bg' property")
    geometry = checked_geometry(feature, (Polygon, MultiPolygon), bounds)
    if isinstance(geometry, Polygon):
        geometry = MultiPolygon([geometry])
    return ParsedArea(str(props["code"]).strip(), props["name_bg"], props.get("name_en", ""),
                      props.get("name_ru", ""), geometry)


def read_features(path: Path) -> list:
    """The features of a GeoJSON FeatureCollection file; AreaImportError if it is not one or not in lon/lat."""
    try:
        collection = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise AreaImportError([Problem(None, f"cannot read GeoJSON: {exc}")]) from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise AreaImportError([Problem(None, "not a GeoJSON FeatureCollection")])
    crs = _crs_error(collection.get("crs"))
    if crs:
        raise AreaImportError([Problem(None, crs)])
    features = collection.get("features")
    if not isinstance(features, list):
        raise AreaImportError([Problem(None, "'features' is not a list")])
    return features


def parse(path: Path, bounds=None, progress: Callable[[int], None] | None = None) -> list[ParsedArea]:
    """Read and validate a FeatureCollection; raise AreaImportError naming every bad feature."""
    parsed, problems, seen = [], [], set()
    for index, feature in enumerate(read_features(path)):
        try:
            area = parse_feature(index, feature, bounds)
            if area.code in seen:
                raise ValueError(f"code {area.code!r} appears twice")
            seen.add(area.code)
            parsed.append(area)
        except ValueError as exc:
            code = str((feature.get("properties") or {}).get("code", "")) if isinstance(feature, dict) else ""
            problems.append(Problem(index, f"code {code!r}: {exc}" if code else str(exc)))
        if progress:
            progress(1)
    if not parsed and not problems:
        problems.append(Problem(None, "the file has no features"))
    if problems:
        raise AreaImportError(problems)
    return parsed


def store(areas: list[ParsedArea], level: AreaLevel) -> int:
    """Insert or update areas by code (in the caller's transaction). Returns how many."""
    existing = {a.code: a for a in db.session.scalars(select(Area).where(Area.code.in_([p.code for p in areas])))}
    for parsed in areas:
        area = existing.get(parsed.code) or Area(code=parsed.code)
        area.level = level
        area.name_bg, area.name_en = parsed.name_bg, parsed.name_en or ""
        area.name_ru = parsed.name_ru or area.name_ru or ""
        area.search_key = search_key(area.name_bg, area.name_en, area.name_ru)
        area.geom = from_shape(parsed.geometry, srid=4326)
        db.session.add(area)
    db.session.flush()
    return len(areas)


def import_file(path: Path, level: AreaLevel, bounds=None, progress=None) -> int:
    """Validate a whole file, then store it; raises AreaImportError and stores nothing when any feature is bad."""
    return store(parse(path, bounds, progress), level)
