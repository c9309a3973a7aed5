"""The map's data: public signals as GeoJSON (codes only, so one cached answer serves every language),
and what the codes mean, per locale in the URL."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from app.web.errors import error_response, speaks
from signals import queries

bp = speaks(Blueprint("map_api", __name__), "json")


@bp.get("/map/signals.geojson")
def signals():
    """Public signals in a box: bbox, days (1–90), category, status; a JSON 400 for bad input."""
    try:
        query = queries.parse(request.args)
    except queries.BadQuery as bad:
        return error_response(400, bad.code, str(bad))
    response = jsonify(queries.features(query))
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


@bp.get("/map/labels.<locale>.json")
def labels(locale: str):
    """Status and category labels in one locale, for the map's popups and legend."""
    if locale not in current_app.config["LANGUAGES"]:
        return error_response(404, "not_found", "unknown locale")
    response = jsonify(queries.map_labels(locale))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
