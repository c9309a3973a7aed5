"""One error answer: our 500 page (a JSON error on JSON routes) with an error id that is in the log line,
a 503 when the database is down, every page in the visitor's language, and no personal data in the log."""

from __future__ import annotations

import logging
import re

import pytest

from sqlalchemy.engine import make_url

from app import create_app
from tests.fixtures.services import free_port

SECRET = "ivan.petrov@example.org"   # what an exception's message might quote; never logged


def _boom():
    raise RuntimeError(f"failed for {SECRET}")


@pytest.fixture
def fragile(test_config):
    """An app that answers exceptions as production does (no propagation to the test client)."""
    app = create_app({**test_config, "PROPAGATE_EXCEPTIONS": False})
    app.view_functions["home.index"] = _boom
    app.view_functions["map_api.signals"] = _boom
    return app


def _logged(caplog, error_id: str) -> str:
    lines = [r.getMessage() for r in caplog.records if error_id in r.getMessage()]
    assert lines, "the error id is in the log"
    return "\n".join(lines)


@pytest.mark.parametrize("language,title", [("bg", "Грешка"), ("en", "Error"), ("ru", "Ошибка")])
def test_a_forced_exception_gives_our_500_page_with_an_error_id_in_the_log(fragile, caplog, language, title):
    caplog.set_level(logging.INFO)
    client = fragile.test_client()
    client.set_cookie("lang", language)
    response = client.get("/")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and response.headers["Cache-Control"] == "no-store"
    assert f"<h1>{title}</h1>" in page and "Traceback" not in page and SECRET not in page
    error_id = re.search(r'id="error-id">([0-9a-f]+)<', page).group(1)
    line = _logged(caplog, error_id)
    assert "RuntimeError" in line and "_boom" in line and SECRET not in line


def test_a_json_route_answers_a_json_500(fragile, caplog):
    caplog.set_level(logging.INFO)
    response = fragile.test_client().get("/map/signals.geojson?bbox=23.2,42.6,23.5,42.8")
    assert response.status_code == 500 and response.json["error"] == "internal_error"
    assert SECRET not in _logged(caplog, response.json["error_id"])


@pytest.fixture
def no_database(test_config):
    return create_app({**test_config, "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg2://127.0.0.1:{free_port()}/x",
                       "PROPAGATE_EXCEPTIONS": False})


@pytest.mark.parametrize("path", ["/", "/track?number=SG-2026-000001", "/signals/SG-2026-000001", "/signals/new"])
def test_with_the_database_down_pages_answer_a_friendly_503(no_database, caplog, path):
    caplog.set_level(logging.INFO)
    response = no_database.test_client().get(path, headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "Temporarily unavailable" in page and "try again in a few minutes" in page
    _logged(caplog, re.search(r'id="error-id">([0-9a-f]+)<', page).group(1))


def test_with_the_database_down_the_map_answers_json_and_healthz_says_so(no_database):
    client = no_database.test_client()
    response = client.get("/map/signals.geojson?bbox=23.2,42.6,23.5,42.8")
    assert response.status_code == 503 and response.json["error"] == "unavailable"
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json["database"] == "down"


@pytest.mark.parametrize("path,status,code", [
    ("/no-such-page", 404, "not_found"), ("/map/nothing-here", 404, "not_found"),
    ("/map/labels.xx.json", 404, "not_found"), ("/healthz", 405, "method_not_allowed"),
])
def test_http_errors_are_answered_by_the_routes_kind(client, path, status, code):
    response = client.post(path) if status == 405 else client.get(path)
    assert response.status_code == status
    if path.startswith("/map/"):
        assert response.json["error"] == code
    else:
        assert response.mimetype == "text/html" and response.headers.get("Allow", "GET") is not None


def test_an_expired_form_is_explained_not_a_raw_csrf_message(test_config):
    from flask import Blueprint

    app = create_app(test_config)
    probe = Blueprint("probe", __name__)

    @probe.post("/probe")
    def probe_view():
        return "never"

    app.register_blueprint(probe)
    response = app.test_client().post("/probe", data={"title": "x"}, headers={"Accept-Language": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "This form has expired" in page and "CSRF" not in page


def test_when_postgresql_goes_away_pages_answer_503_and_come_back_with_it(app, test_config, database_url,
                                                                        database_proxy):
    name = make_url(database_url).database
    served = create_app({**test_config, "PROPAGATE_EXCEPTIONS": False,
                      "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg2://127.0.0.1:{database_proxy.port}/{name}"})
    client = served.test_client()
    assert client.get("/track", query_string={"number": "SG-2026-999999"}).status_code == 404
    assert client.get("/healthz").status_code == 200
    database_proxy.stop()
    for path in ("/", "/track?number=SG-2026-999999", "/signals/SG-2026-999999"):
        assert client.get(path).status_code == 503, path
    assert client.get("/map/signals.geojson?bbox=23.2,42.6,23.5,42.8").json["error"] == "unavailable"
    assert client.get("/healthz").json == {"database": "down", "redis": "ok"}
    database_proxy.start()
    assert client.get("/track", query_string={"number": "SG-2026-999999"}).status_code == 404
    assert client.get("/healthz").status_code == 200


def test_an_api_blueprint_answers_json_or_xml_by_its_path(test_config):
    from flask import Blueprint, abort

    from app.web.errors import speaks

    app = create_app(test_config)
    probe = speaks(Blueprint("probe", __name__), "json")

    @probe.get("/probe/requests.<fmt>")
    def requests(fmt):
        abort(400)

    app.register_blueprint(probe)
    client = app.test_client()
    client.set_cookie("lang", "en")
    assert client.get("/probe/requests.json").json == {"error": "bad_request",
                                                       "message": "The request could not be understood."}
    xml = client.get("/probe/requests.xml")
    assert xml.status_code == 400 and xml.mimetype == "application/xml"
    assert b"<code>400</code><key>bad_request</key><description>" in xml.data
