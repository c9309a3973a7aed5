"""`flask areas import`: a bad feature is named by index and reason, and nothing changes."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import text

from app.extensions import db
from geo.sofia import DISTRICTS_FILE

FINGERPRINT = text("SELECT md5(string_agg(code || level || name_bg || encode(ST_AsEWKB(geom), 'hex'), ',' "
                   "ORDER BY code)) FROM areas")
BOWTIE = {"type": "Polygon", "coordinates": [[[23.30, 42.68], [23.34, 42.70], [23.34, 42.68], [23.30, 42.70],
                                              [23.30, 42.68]]]}


def _swap(coords):
    if isinstance(coords[0], (int, float)):
        return [coords[1], coords[0]]
    return [_swap(c) for c in coords]


def _variant(kind: str) -> dict:
    collection = json.loads(DISTRICTS_FILE.read_text(encoding="utf-8"))
    seventh = collection["features"][6]
    if kind == "bowtie":
        seventh["geometry"] = copy.deepcopy(BOWTIE)
    elif kind == "swapped":
        seventh["geometry"]["coordinates"] = _swap(seventh["geometry"]["coordinates"])
    elif kind == "epsg3857":
        seventh["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    elif kind == "file-epsg3857":
        collection["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    elif kind == "point":
        seventh["geometry"] = {"type": "Point", "coordinates": [23.3, 42.7]}
    return collection


@pytest.fixture
def areas_fingerprint(app):
    def read() -> str:
        with app.app_context():
            value = db.session.execute(FINGERPRINT).scalar_one()
            db.session.remove()
            return value
    return read


@pytest.mark.parametrize("kind,reason", [
    ("bowtie", "Self-intersection"),
    ("swapped", "lon/lat swapped"),
    ("epsg3857", "EPSG::3857"),
    ("point", "Point"),
])
def test_a_bad_seventh_feature_is_named_and_nothing_changes(app, tmp_path, areas_fingerprint, kind, reason):
    path = tmp_path / f"{kind}.geojson"
    path.write_text(json.dumps(_variant(kind)), encoding="utf-8")
    before = areas_fingerprint()
    result = app.test_cli_runner().invoke(args=["areas", "import", str(path)])
    assert result.exit_code != 0
    assert "feature 7 (index 6)" in result.output and "code '07'" in result.output
    assert reason in result.output
    assert areas_fingerprint() == before


@pytest.mark.parametrize("content,reason", [
    ("{not json", "cannot read GeoJSON"),
    (json.dumps({"type": "Feature"}), "not a GeoJSON FeatureCollection"),
    (json.dumps(_variant("file-epsg3857")), "whole file: declares coordinate reference system"),
])
def test_a_bad_file_is_refused_whole(app, tmp_path, areas_fingerprint, content, reason):
    path = tmp_path / "bad.geojson"
    path.write_text(content, encoding="utf-8")
    before = areas_fingerprint()
    result = app.test_cli_runner().invoke(args=["areas", "import", str(path)])
    assert result.exit_code != 0 and reason in result.output
    assert areas_fingerprint() == before


def test_reimporting_the_real_file_succeeds_and_changes_nothing(app, areas_fingerprint):
    before = areas_fingerprint()
    result = app.test_cli_runner().invoke(args=["areas", "import", str(DISTRICTS_FILE)])
    assert result.exit_code == 0, result.output
    assert "24 district area(s) imported" in result.output
    assert areas_fingerprint() == before
