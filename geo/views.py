"""Map assets: vendored Leaflet from the XStatic packages, and the map scripts with content-hash ETags."""

from __future__ import annotations

from flask import Blueprint, abort, request, send_from_directory
from werkzeug.exceptions import NotFound

from app.localized import current_locale
from geo import maps

bp = Blueprint("maps", __name__)
NAMES = {"city"}


def _packages() -> dict[str, str]:
    import xstatic.pkg.leaflet as leaflet
    import xstatic.pkg.leaflet_markercluster as markercluster

    return {"leaflet": leaflet.BASE_DIR, "markercluster": markercluster.BASE_DIR}


@bp.get("/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    """A file of a vendored front-end package (licences in static/vendor/LICENSES/)."""
    directory = _packages().get(package)
    if directory is None:
        abort(404)
    try:
        return send_from_directory(directory, filename, max_age=86400)
    except NotFound:
        abort(404)


@bp.get("/map/<name>.<locale>.js")
def script(name: str, locale: str):
    """The map's script (folium output), cached by its content hash."""
    if name not in NAMES or locale not in ("bg", "en", "ru"):
        abort(404)
    rendered = maps.get(name, locale)
    if request.if_none_match.contains(rendered.etag):
        return "", 304, {"ETag": f'"{rendered.etag}"'}
    return rendered.script, 200, {"Content-Type": "application/javascript; charset=utf-8",
                                  "ETag": f'"{rendered.etag}"', "Cache-Control": "public, max-age=300"}


def page_map(name: str = "city") -> maps.RenderedMap:
    """For templates: the map in the current locale."""
    return maps.get(name, current_locale())


def district_attribution() -> str:
    """The attribution the boundaries' source asks for, in the current locale."""
    from geo.sofia import ATTRIBUTION

    return ATTRIBUTION.get(current_locale(), ATTRIBUTION["bg"])


def place_attributions() -> list[str]:
    """For templates: the attributions of the loaded neighbourhood and street data, in the current locale."""
    from geo.place_search import attributions

    return attributions(current_locale())
