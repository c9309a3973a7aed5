"""The map's data over HTTP: the version document, cell counts, points, labels.

Bodies come from PostgreSQL as text and go out as they are. A URL that carries the
data version (`v`) is immutable: the version names the data, and the window's first
local date (`from`) is in the URL too. Without `v`, a short cache.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request

from app.web.errors import error_response, speaks
from signals import map_data
from signals.queries import BadQuery

bp = speaks(Blueprint("map_api", __name__), "json")
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=15"


def _json(body: str) -> Response:
    cache = IMMUTABLE if (request.args.get("v") or "").isdigit() else SHORT
    return Response(body, mimetype="application/json", headers={"Cache-Control": cache})


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
    return _json(map_data.cells(level, window))


@bp.get("/map/signals.geojson")
def signals():
    """Public points in a box: bbox, days (1–90) or from, category, status; `truncated` when more matched."""
    try:
        window = map_data.parse(request.args)
    except BadQuery as bad:
        return error_response(400, bad.code, str(bad))
    return _json(map_data.points(window))


@bp.get("/map/labels.<locale>.json")
def labels(locale: str):
    """Status and category labels in one locale, for the map's popups and legend."""
    if locale not in current_app.config["LANGUAGES"]:
        return error_response(404, "not_found", "unknown locale")
    response = jsonify(map_data.labels(locale))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
