"""`flask places import`, `flask places sofia`, `flask streets import`: another city's file loads through the same
door as Sofia's; a bad feature is named and nothing changes; the licence and attribution are stored with the data."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import select, text

from app.extensions import db
from geo.models import Place, PlaceDataset, PlaceKind
from geo.sofia import NEIGHBOURHOODS_FILE
from tests.fixtures.places import STREETS, write_streets

FINGERPRINT = text("SELECT count(*) || ':' || coalesce(md5(string_agg(id || kind || name_bg || district_code || "
                   "encode(ST_AsEWKB(geom), 'hex'), ',' ORDER BY id)), '') FROM places")


@pytest.fixture
def places_fingerprint(app):
    def read() -> str:
        with app.app_context():
            value = db.session.execute(FINGERPRINT).scalar_one() + str(db.session.execute(
                text("SELECT string_agg(kind || source || attribution_bg, ',') FROM place_datasets")).scalar())
            db.session.remove()
            return value
    return read


def _neighbourhoods() -> dict:
    return json.loads(NEIGHBOURHOODS_FILE.read_text(encoding="utf-8"))


def _import(app, path, *extra):
    return app.test_cli_runner().invoke(args=["places", "import", str(path), "--attribution", "Тест", *extra])


@pytest.mark.parametrize("change,reason", [
    (lambda f: f["properties"].pop("name_bg"), "no 'name_bg' or 'name' property"),
    (lambda f: f["properties"].update(district_code="99"), "district_code '99' is not a loaded district"),
    (lambda f: f.update(geometry={"type": "LineString", "coordinates": [[23.3, 42.7], [23.31, 42.7]]}),
     "LineString, not a Polygon or MultiPolygon"),
    (lambda f: f.update(geometry={"type": "Polygon", "coordinates": [[[42.7, 23.3], [42.71, 23.3], [42.71, 23.31],
                                                                       [42.7, 23.3]]]}), "lon/lat swapped"),
    (lambda f: f.update(crs={"type": "name", "properties": {"name": "EPSG:3857"}}), "EPSG:3857"),
    (lambda f: f["properties"].update(name_bg="Я" * 201), "longer than 200 characters"),
])
def test_a_bad_third_feature_is_named_and_nothing_changes(app, tmp_path, places_fingerprint, change, reason):
    collection = _neighbourhoods()
    change(collection["features"][2])
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    before = places_fingerprint()
    result = _import(app, path)
    assert result.exit_code == 1 and "refused, nothing changed" in result.output
    assert "feature 3 (index 2)" in result.output and reason in result.output
    assert places_fingerprint() == before


def test_the_same_name_twice_in_one_district_is_refused(app, tmp_path, places_fingerprint):
    collection = _neighbourhoods()
    collection["features"].append(copy.deepcopy(collection["features"][0]))
    path = tmp_path / "twice.geojson"
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    before = places_fingerprint()
    result = _import(app, path)
    assert result.exit_code == 1 and "feature 122 (index 121)" in result.output and "appears twice" in result.output
    assert places_fingerprint() == before


def test_a_file_without_an_attribution_is_refused_before_anything_is_read(app, places_fingerprint):
    before = places_fingerprint()
    result = app.test_cli_runner().invoke(args=["places", "import", str(NEIGHBOURHOODS_FILE)])
    assert result.exit_code != 0 and "--attribution" in result.output
    assert places_fingerprint() == before


def test_reimporting_sofia_keeps_every_place_and_its_id(app, places_fingerprint):
    before = places_fingerprint()
    result = app.test_cli_runner().invoke(args=["places", "sofia"])
    assert result.exit_code == 0, result.output
    assert "121 place(s) from 121 feature(s)" in result.output
    assert places_fingerprint() == before


def test_another_citys_file_without_district_codes_gets_the_district_holding_most_of_each(app, db_session,
                                                                                           tmp_path):
    collection = _neighbourhoods()
    for feature in collection["features"]:
        feature["properties"] = {"name": feature["properties"]["name_bg"]}    # only a name, as many files have
    path = tmp_path / "names-only.geojson"
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    expected = dict(((n, c), 1) for n, c in db.session.execute(
        select(Place.name_bg, Place.district_code).where(Place.kind == PlaceKind.neighbourhood)))
    result = _import(app, path, "--licence", "CC-BY-4.0")
    assert result.exit_code == 0, result.output
    got = dict(((n, c), 1) for n, c in db.session.execute(
        select(Place.name_bg, Place.district_code).where(Place.kind == PlaceKind.neighbourhood)))
    assert got == expected                       # the same district for all 121 as the shipped codes
    dataset = db.session.scalar(select(PlaceDataset).where(PlaceDataset.kind == PlaceKind.neighbourhood))
    assert (dataset.source, dataset.licence, dataset.attribution_bg, dataset.features) == (
        "names-only.geojson", "CC-BY-4.0", "Тест", 121)


def test_streets_merge_per_name_and_district_and_keep_their_licence(app, db_session, streets):
    rows = db.session.execute(select(Place.name_bg, Place.name_en, Place.district_code,
                                     text("ST_GeometryType(places.geom)"), text("ST_NumGeometries(places.geom)"))
                              .where(Place.kind == PlaceKind.street).order_by(Place.district_code)).all()
    assert [tuple(r) for r in rows] == [
        ("улица „Шипка“", "", "01", "ST_MultiLineString", 1),
        ("улица „Пиротска“", "Pirotska Street", "03", "ST_MultiLineString", 1),
        ("улица „Шипка“", "", "04", "ST_MultiLineString", 1)]
    dataset = db.session.scalar(select(PlaceDataset).where(PlaceDataset.kind == PlaceKind.street))
    assert (dataset.licence, dataset.attribution_en, dataset.features) == ("CC0-1.0", "Streets: test data", 5)


def test_an_openstreetmap_extract_gets_the_odbl_and_its_attribution(app, db_session, tmp_path):
    result = app.test_cli_runner().invoke(args=["streets", "import", str(write_streets(tmp_path)), "--osm"])
    assert result.exit_code == 0, result.output
    dataset = db.session.scalar(select(PlaceDataset).where(PlaceDataset.kind == PlaceKind.street))
    assert dataset.licence == "ODbL-1.0" and "OpenStreetMap" in dataset.attribution_bg
    from geo.place_search import forget_attributions

    forget_attributions()


@pytest.mark.parametrize("geometry,reason", [
    ({"type": "Point", "coordinates": [23.32, 42.69]}, "Point, not a LineString or MultiLineString"),
    ({"type": "LineString", "coordinates": [[23.32, 42.69]]}, "unreadable geometry"),
    ({"type": "LineString", "coordinates": [[230.32, 42.69], [23.33, 42.69]]}, "outside lon -180..180"),
])
def test_a_bad_street_is_named_and_no_street_changes(app, tmp_path, places_fingerprint, geometry, reason):
    collection = copy.deepcopy(STREETS)
    collection["features"][3]["geometry"] = geometry
    before = places_fingerprint()
    result = app.test_cli_runner().invoke(args=["streets", "import", str(write_streets(tmp_path, collection)),
                                                "--osm"])
    assert result.exit_code == 1 and "feature 4 (index 3)" in result.output and reason in result.output
    assert places_fingerprint() == before
