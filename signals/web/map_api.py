"""The map's data over HTTP: the version document, cell counts, points, labels, and the open problems near a
point that the report form offers for "me too".

Bodies come from PostgreSQL as text and go out as they are. A URL that carries a
data version (`v`) already reached is immutable: the version names the data, and the
window's first local date (`from`) is in the URL too. Without `v`, or with one still
to come, a short cache.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import force_locale
from sqlalchemy import select

from app import clock
from app.departments.models import Category
from app.extensions import db
from app.web.errors import error_response, speaks
from app.web.fields import whole_number
from app.web.headers import asked_locale, shared_if_named
from app.web.templating import localdate
from signals import map_data, nearby, workflow
from signals.queries import BadQuery

bp = speaks(Blueprint("map_api", __name__), "json")
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=15"


def _asked_version() -> int | None:
    return whole_number(request.args.get("v"), 0, 2**63)      # a time stamp


def _json(body: str, asked_version: int | None) -> Response:
    """Immutable when the URL names a version already reached; short-lived without one, or for a version still to
    come (a shared cache must not keep today's body under a version that will name other data)."""
    reached = asked_version is not None and asked_version <= map_data.stored_version()
    return Response(body, mimetype="application/json", headers={"Cache-Control": IMMUTABLE if reached else SHORT})


@bp.get("/map/version.json")
def version():
    """The current data version and each window's first local date (for the URLs above)."""
    response = jsonify({"version": map_data.version(), "from": map_data.windows(),
                        "levels": list(map_data.LEVELS), "max_features": map_data.MAX_FEATURES})
    response.headers["Cache-Control"] = SHORT
    return response


@bp.get("/map/cells.json")
def cells():
    """Public signals counted per cell of a level (0–3) in the window, category and status; bbox optional."""
    try:
        level, window = map_data.level_of(request.args.get("level")), map_data.parse(request.args, box_required=False)
    except BadQuery as bad:
        return error_response(400, bad.code, str(bad))
    asked = _asked_version()
    return _json(map_data.cells_for(level, window, asked), asked)


@bp.get("/map/signals.geojson")
def signals():
    """Public points in a box: bbox, days (1–90) or from, category, status; `truncated` when more matched."""
    try:
        window = map_data.parse(request.args)
    except BadQuery as bad:
        return error_response(400, bad.code, str(bad))
    return _json(map_data.points(window), _asked_version())


@bp.get("/map/labels.<locale>.json")
def labels(locale: str):
    """Status and category labels in one locale, for the map's popups and legend."""
    if locale not in current_app.config["LANGUAGES"]:
        return error_response(404, "not_found", "unknown locale")
    response = jsonify(map_data.labels(locale))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def _point(args) -> tuple[float, float]:
    """lon, lat from the query, in degrees; BadQuery when missing or out of range."""
    try:
        lon, lat = float(args.get("lon") or ""), float(args.get("lat") or "")
    except ValueError:
        raise BadQuery("bad_point", "lat and lon must both be decimal degrees") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise BadQuery("bad_point", "lon must be within -180..180 and lat within -90..90")
    return lon, lat


def _category_id(code: str | None) -> int | None:
    if not code:
        return None
    category_id = db.session.scalar(select(Category.id).where(Category.code == code[:64]))
    if category_id is None:
        raise BadQuery("bad_category", f"unknown category code {code[:40]!r}")
    return category_id


@bp.get("/map/nearby.json")
def near():
    """Open public problems within 50 m of lat,lon (of one category when given), nearest first, for "me too"."""
    locale, named = asked_locale()
    try:
        (lon, lat), category_id = _point(request.args), _category_id(request.args.get("category"))
    except BadQuery as bad:
        return error_response(400, bad.code, str(bad))
    found = nearby.nearby(lon, lat, category_id)
    with force_locale(locale):
        response = jsonify({"radius_m": nearby.RADIUS_M, "results": [_near_json(n, locale) for n in found]})
    return shared_if_named(response, SHORT, named)


def _near_json(found: nearby.Nearby, locale: str) -> dict:
    return {"number": found.number, "title": found.title, "url": url_for("items.item", number=found.number),
            "status": found.status.value, "status_label": workflow.label(found.status, locale),
            "registered_on": clock.local_date(found.registered_at).isoformat(),
            "registered": localdate(found.registered_at), "distance_m": found.distance_m,
            "supporters": found.supporters, "support_url": url_for("support.support_item", number=found.number),
            "photos": [url_for("items.photo", number=found.number, attachment_id=i) for i in found.photo_ids]}
