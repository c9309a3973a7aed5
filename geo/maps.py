"""folium maps with local assets and fixed element ids; the page takes only our tags, the div and a script URL.

folium's own head holds inline scripts and styles and a zoom-blocking viewport, and
its defaults load assets from CDNs. We set default_js/default_css to our vendored
Leaflet, fix every element id so the script is byte-identical between renders, and
serve the script at /map/<name>.js with a content-hash ETag.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

import folium
from flask import current_app, url_for
from sqlalchemy import func, select

from app.extensions import db
from geo.models import Area, AreaLevel
from geo.sofia import ATTRIBUTION

CENTER = (42.6977, 23.3219)
SIMPLIFY_DEGREES = 0.00005   # about 5 m at Sofia's latitude
_SCRIPT = re.compile(r"</body>\s*<script>(.*)</script>\s*</html>\s*$", re.S)


@dataclass(frozen=True)
class RenderedMap:
    """What a page needs from a folium map: asset URLs, the div, and the script served separately."""

    name: str
    element_id: str
    js: tuple[str, ...]
    css: tuple[str, ...]
    script: str

    @property
    def etag(self) -> str:
        """A content hash: the browser revalidates cheaply, and a new script gets a new URL."""
        return hashlib.sha256(self.script.encode()).hexdigest()[:32]


def districts_geojson(locale: str) -> dict:
    """The districts, simplified to about 5 m, with their names in a locale."""
    name = func.coalesce(func.nullif(getattr(Area, f"name_{locale}", Area.name_bg), ""), Area.name_bg)
    rows = db.session.execute(select(
        Area.code, name, func.ST_AsGeoJSON(func.ST_SimplifyPreserveTopology(Area.geom, SIMPLIFY_DEGREES), 5))
        .where(Area.level == AreaLevel.district).order_by(Area.code)).all()
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": f"{code} {label}"}, "geometry": json.loads(geom)}
        for code, label, geom in rows]}


def _district_style(_feature) -> dict:
    return {"color": "#3b5b7a", "weight": 1.5, "fillColor": "#dbe6f2", "fillOpacity": 0.35}


def build(name: str, locale: str) -> RenderedMap:
    """Render the city map (tiles only when configured, our district layer) with fixed ids."""
    cfg = current_app.config
    js = (url_for("maps.vendor", package="leaflet", filename="leaflet.js"),
          url_for("maps.vendor", package="markercluster", filename="leaflet.markercluster.js"))
    css = (url_for("maps.vendor", package="leaflet", filename="leaflet.css"),
           url_for("maps.vendor", package="markercluster", filename="MarkerCluster.css"),
           url_for("maps.vendor", package="markercluster", filename="MarkerCluster.Default.css"))
    fmap = folium.Map(location=CENTER, zoom_start=12, tiles=None, control_scale=True, min_zoom=10, max_zoom=19)
    fmap._id = name
    fmap.default_js = [("leaflet", js[0])]
    fmap.default_css = [("leaflet_css", css[0])]
    if cfg["TILE_URL"] and cfg["TILE_ATTRIBUTION"]:
        tiles = folium.TileLayer(tiles=cfg["TILE_URL"], attr=cfg["TILE_ATTRIBUTION"], name="tiles", max_zoom=19)
        tiles._id = f"{name}_tiles"
        tiles.add_to(fmap)
    layer = folium.GeoJson(districts_geojson(locale), name="districts", style_function=_district_style,
                           tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
                           attribution=ATTRIBUTION.get(locale, ATTRIBUTION["bg"]))
    layer._id = f"{name}_districts"
    for index, child in enumerate(layer._children.values()):
        child._id = f"{name}_districts_{index}"
    layer.add_to(fmap)
    html = fmap.get_root().render()
    match = _SCRIPT.search(html)
    if not match:
        raise RuntimeError("folium's output changed: no trailing map script")
    return RenderedMap(name, f"map_{name}", js, css, match.group(1).strip() + "\n")


def get(name: str, locale: str) -> RenderedMap:
    """The rendered map, built once per app, name and locale."""
    cache = current_app.extensions.setdefault("maps", {})
    key = (name, locale)
    if key not in cache:
        cache[key] = build(name, locale)
    return cache[key]
