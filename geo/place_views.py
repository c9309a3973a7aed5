"""Place search over HTTP: the JSON the search box asks while one types, a chosen place's outline, and a page
that answers the same search without JavaScript."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _

from app.localized import current_locale
from app.web.errors import error_response, speaks
from app.web.headers import asked_locale, shared_if_named
from geo import place_search
from geo.place_search import BadPlaceQuery, Hit

api = speaks(Blueprint("places_api", __name__), "json")
pages = Blueprint("places", __name__)
CACHE = "public, max-age=300"     # places change only by an import; a minute or five of staleness is harmless


def kind_label(hit: Hit) -> str:
    """What the place is, with its district: "neighbourhood, district 21 Нови Искър" (a district: its number)."""
    district = f"{hit.district_code} {hit.district_name}" if hit.district_code else ""
    if hit.kind == "district":
        return _("district %(code)s", code=hit.district_code)
    if hit.kind == "street":
        return _("street, district %(district)s", district=district)
    return _("neighbourhood, district %(district)s", district=district)


def as_json(hit: Hit) -> dict:
    """A hit as the search box and other clients read it."""
    described = kind_label(hit)
    return {"ref": hit.ref, "kind": hit.kind, "name": hit.name, "description": described,
            "label": f"{hit.name} — {described}",
            "district": {"code": hit.district_code, "name": hit.district_name} if hit.district_code else None,
            "bbox": [round(v, 6) for v in hit.bbox], "point": [round(v, 6) for v in hit.point]}


@api.get("/map/places.json")
def search():
    """Districts, neighbourhoods and streets matching `q` (in any script), best first, labelled in `locale`."""
    locale, named = asked_locale()
    try:
        hits = place_search.search(request.args.get("q"), locale)
    except BadPlaceQuery as bad:
        return error_response(400, bad.code, str(bad))
    with force_locale(locale):
        body = {"query": request.args.get("q") or "", "results": [as_json(hit) for hit in hits],
                "attribution": place_search.attributions(locale)}
    return shared_if_named(jsonify(body), CACHE, named)


def _near() -> tuple[float, float] | None:
    """The lon/lat a chosen street's nearest point is measured from; BadPlaceQuery when given but unusable."""
    lon, lat = request.args.get("lon"), request.args.get("lat")
    if lon is None and lat is None:
        return None
    try:
        near = float(lon or ""), float(lat or "")
    except ValueError:
        raise BadPlaceQuery("bad_point", "lon and lat must both be decimal degrees") from None
    if not (-180 <= near[0] <= 180 and -90 <= near[1] <= 90):
        raise BadPlaceQuery("bad_point", "lon must be within -180..180 and lat within -90..90")
    return near


@api.get("/map/places/<int:place_id>.geojson")
def outline(place_id: int):
    """A neighbourhood's or street's outline, and its point nearest `lon`,`lat` (else its offered point)."""
    try:
        feature = place_search.outline(place_id, _near()) if place_id < 2**31 else None
    except BadPlaceQuery as bad:
        return error_response(400, bad.code, str(bad))
    if feature is None:
        return error_response(404, "not_found", "no such place")
    return Response(current_app.json.dumps(feature), mimetype="application/geo+json",
                    headers={"Cache-Control": CACHE})


@pages.get("/places")
def page():
    """The same search as a page: results with their districts, each with a link to report a problem there."""
    typed = (request.args.get("q") or "").strip()
    try:
        hits = place_search.search(typed, current_locale()) if typed else []
    except BadPlaceQuery:
        return render_template("places/search.html", typed=typed[:place_search.MAX_QUERY], hits=[],
                               too_long=True), 400
    return render_template("places/search.html", typed=typed, hits=hits, kind_label=kind_label,
                           short=bool(typed) and len(place_search.fold(typed)) < place_search.MIN_QUERY)
