"""Place search over our own data, so it works without an outside geocoder: districts, neighbourhoods, streets.

A query and every stored name are folded the same way (geo/transliteration.py: Latin,
lower case, no punctuation or type words), so Cyrillic and Latin, Bulgarian and a Russian
visitor's spelling meet. Ranking: the whole name, then a name that starts with the query,
then a word that does, then trigram likeness (pg_trgm, for misspellings); within each,
districts before neighbourhoods before streets, the closer likeness, the shorter name.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass

from sqlalchemy import select, text

from app.extensions import db
from geo.models import Place, PlaceDataset
from geo.transliteration import fold

MIN_QUERY = 2                 # folded characters before anything is searched
MAX_QUERY = 100               # characters a query may have
LIMIT = 10
LIKENESS = 0.5                # pg_trgm word similarity a misspelt name must reach
SIMPLIFY_DEGREES = 0.00005    # about 5 m: the outline drawn for a chosen place


class BadPlaceQuery(ValueError):
    """A query the search cannot take (answered with 400 and a code)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Hit:
    """One found place: what it is, its name and district in the asked locale, its extent and offered point."""

    kind: str                    # district | neighbourhood | street
    id: int
    name: str
    district_code: str | None
    district_name: str | None
    bbox: tuple[float, float, float, float]      # west, south, east, north
    point: tuple[float, float]                   # lon, lat

    @property
    def ref(self) -> str:
        """A stable reference for links: d<area id> for a district, p<place id> for a neighbourhood or street."""
        return f"{'d' if self.kind == 'district' else 'p'}{self.id}"


_SEARCH = text("""
    WITH hits AS (
        SELECT 'district' AS kind, a.id, a.name_bg, a.name_en, a.name_ru, a.code AS district_code, a.search_key,
               ST_XMin(a.geom) AS west, ST_YMin(a.geom) AS south, ST_XMax(a.geom) AS east, ST_YMax(a.geom) AS north,
               ST_PointOnSurface(a.geom) AS point
        FROM areas a
        WHERE a.level = 'district' AND (a.search_key LIKE :anywhere OR :q <% a.search_key)
        UNION ALL
        SELECT p.kind, p.id, p.name_bg, p.name_en, p.name_ru, p.district_code, p.search_key,
               p.west, p.south, p.east, p.north, p.point
        FROM places p
        WHERE p.search_key LIKE :anywhere OR :q <% p.search_key
    ), ranked AS (
        SELECT hits.*,
               CASE WHEN ' | ' || search_key || ' | ' LIKE :whole THEN 0
                    WHEN ' | ' || search_key LIKE :start THEN 1
                    WHEN ' ' || search_key LIKE :word THEN 2
                    ELSE 3 END AS rank,
               word_similarity(:q, search_key) AS likeness
        FROM hits
    )
    SELECT r.kind, r.id, r.name_bg, r.name_en, r.name_ru, r.district_code,
           d.name_bg AS d_bg, d.name_en AS d_en, d.name_ru AS d_ru,
           r.west, r.south, r.east, r.north, ST_X(r.point) AS lon, ST_Y(r.point) AS lat
    FROM ranked r LEFT JOIN areas d ON d.level = 'district' AND d.code = r.district_code
    WHERE r.rank < 3 OR r.likeness >= :likeness
    ORDER BY r.rank, CASE r.kind WHEN 'district' THEN 0 WHEN 'neighbourhood' THEN 1 ELSE 2 END,
             r.likeness DESC, length(r.name_bg), r.name_bg, r.district_code
    LIMIT :limit""")


def _pick(locale: str, bg: str | None, en: str | None, ru: str | None) -> str | None:
    return {"en": en, "ru": ru}.get(locale) or bg


def folded_query(typed: str | None) -> str:
    """The query as the search sees it; BadPlaceQuery when it is too long to be a place's name."""
    typed = typed or ""
    if len(typed) > MAX_QUERY:
        raise BadPlaceQuery("too_long", f"a place's name has at most {MAX_QUERY} characters")
    return fold(typed)


def search(typed: str | None, locale: str, limit: int = LIMIT) -> list[Hit]:
    """Places whose name matches what was typed, best first (nothing for fewer than MIN_QUERY letters)."""
    q = folded_query(typed)
    if len(q) < MIN_QUERY:
        return []
    like = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    db.session.execute(text("SELECT set_config('pg_trgm.word_similarity_threshold', :t, true)"),
                       {"t": str(LIKENESS)})
    rows = db.session.execute(_SEARCH, {
        "q": q, "anywhere": f"%{like}%", "whole": f"% | {like} | %", "start": f"% | {like}%",
        "word": f"% {like}%", "likeness": LIKENESS, "limit": max(1, min(limit, 50))}).all()
    return [_hit(row, locale) for row in rows]


_COLUMNS = ("a.id, a.name_bg, a.name_en, a.name_ru, d.name_bg AS d_bg, d.name_en AS d_en, d.name_ru AS d_ru, "
            "ST_XMin(a.geom) AS west, ST_YMin(a.geom) AS south, ST_XMax(a.geom) AS east, ST_YMax(a.geom) AS north")
_FIND = {
    "d": text(f"SELECT 'district' AS kind, a.code AS district_code, {_COLUMNS}, ST_X(ST_PointOnSurface(a.geom)) AS lon, "
              f"ST_Y(ST_PointOnSurface(a.geom)) AS lat FROM areas a JOIN areas d ON d.id = a.id "
              f"WHERE a.level = 'district' AND a.id = :id"),
    "p": text(f"SELECT a.kind, a.district_code, {_COLUMNS}, ST_X(a.point) AS lon, ST_Y(a.point) AS lat "
              f"FROM places a LEFT JOIN areas d ON d.level = 'district' AND d.code = a.district_code "
              f"WHERE a.id = :id"),
}


def _hit(row, locale: str) -> Hit:
    return Hit(row.kind, row.id, _pick(locale, row.name_bg, row.name_en, row.name_ru), row.district_code,
               _pick(locale, row.d_bg, row.d_en, row.d_ru), (row.west, row.south, row.east, row.north),
               (row.lon, row.lat))


def find(ref: str | None, locale: str) -> Hit | None:
    """The place a `ref` (d<id> or p<id>) names, as a hit; None for anything else."""
    if not ref or len(ref) > 11 or ref[0] not in _FIND or not ref[1:].isascii() \
            or not ref[1:].isdigit() or int(ref[1:]) >= 2**31:
        return None
    row = db.session.execute(_FIND[ref[0]], {"id": int(ref[1:])}).first()
    return _hit(row, locale) if row is not None else None


def outline(place_id: int, near: tuple[float, float] | None = None) -> dict | None:
    """A neighbourhood's or street's shape (simplified to about 5 m) as a GeoJSON Feature, with the point a
    report would take: the place's point nearest `near` (lon, lat) when given, else its offered point."""
    nearest = "ST_ClosestPoint(geom, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))" if near else "point"
    row = db.session.execute(text(
        f"SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, :tolerance), 6) AS shape, "
        f"ST_X({nearest}) AS lon, ST_Y({nearest}) AS lat FROM places WHERE id = :id"),
        {"id": place_id, "tolerance": SIMPLIFY_DEGREES, "lon": near[0] if near else 0,
         "lat": near[1] if near else 0}).first()
    if row is None:
        return None
    return {"type": "Feature", "geometry": json.loads(row.shape),
            "properties": {"point": [round(row.lon, 6), round(row.lat, 6)]}}


_ATTRIBUTIONS: dict[str, tuple[float, list[str]]] = {}
ATTRIBUTIONS_TTL = 60.0    # seconds: datasets change only by `flask places|streets import`


def attributions(locale: str) -> list[str]:
    """The attribution of every loaded place dataset in a locale (kept a minute per process)."""
    cached = _ATTRIBUTIONS.get(locale)
    if cached is not None and time.monotonic() - cached[0] < ATTRIBUTIONS_TTL:
        return cached[1]
    rows = db.session.execute(select(PlaceDataset.attribution_bg, PlaceDataset.attribution_en,
                                     PlaceDataset.attribution_ru).order_by(PlaceDataset.kind)).all()
    texts = [_pick(locale, *row) for row in rows]
    _ATTRIBUTIONS[locale] = (time.monotonic(), texts)
    return texts


def forget_attributions() -> None:
    """Drop the cached attributions (after an import in this process)."""
    _ATTRIBUTIONS.clear()


def loaded() -> bool:
    """Whether any neighbourhood or street is loaded (districts always are)."""
    return db.session.scalar(select(Place.id).limit(1)) is not None
