"""The map's data version: moves at most once a minute, only after the cells change; versioned URLs are
immutable, unversioned ones (and versions still to come) short-lived; the version document names each window's
first local date; the whole city's cells are made once per version and process, everything else afresh."""

from __future__ import annotations

from datetime import timedelta

from app import clock
from app.kinds import Kind
from signals import map_data
from tests.fixtures.database import statements_run

IMMUTABLE, SHORT = "public, max-age=31536000, immutable", "public, max-age=15"


def test_the_version_moves_at_most_once_a_minute_and_only_after_a_change(db_session, create_signal):
    with clock.frozen("2026-06-10 12:00"):
        create_signal(Kind.problem)
        first = map_data.version()
        assert first == int(clock.now().timestamp())
    with clock.frozen("2026-06-10 12:00:30"):
        create_signal(Kind.problem)
        assert map_data.version() == first                      # a change, but within the minute
    with clock.frozen("2026-06-10 12:01:10"):
        second = map_data.version()
        assert second > first                                   # the next minute shows it
    with clock.frozen("2026-06-10 12:30"):
        third = map_data.version()                              # once more, for a change that committed late
    with clock.frozen("2026-06-10 13:00"):
        assert map_data.version() == third >= second            # nothing changed since: it stays


def test_versioned_urls_are_immutable_and_the_version_document_is_short_lived(client, create_signal):
    create_signal(Kind.problem)
    document = client.get("/map/version.json")
    assert document.headers["Cache-Control"] == "public, max-age=15"
    body = document.json
    assert body["from"]["30"] == (clock.today() - timedelta(days=30)).isoformat()
    versioned = client.get(f"/map/cells.json?level=0&from={body['from']['30']}&v={body['version']}")
    assert versioned.headers["Cache-Control"] == IMMUTABLE
    assert versioned.json["total"] == 1
    assert client.get("/map/cells.json?level=0").headers["Cache-Control"] == SHORT


def test_cells_answer_bad_input_with_a_json_400(client):
    for query, code in (("level=9", "bad_level"), ("level=x", "bad_level"), ("level=1&from=1999-01-01", "bad_from"),
                        ("level=1&from=tomorrow", "bad_from"), ("level=1&bbox=1,2", "bad_bbox"),
                        ("level=1&category=nope", "bad_category")):
        response = client.get(f"/map/cells.json?{query}")
        assert response.status_code == 400 and response.json["error"] == code, query


def test_the_whole_city_is_made_once_per_version_and_kept_as_long_as_a_browser_keeps_it(app, client, create_signal):
    with clock.frozen("2026-06-10 12:00"):
        create_signal(Kind.problem)
        document = client.get("/map/version.json").json
        url = f"/map/cells.json?level=0&from={document['from']['30']}&v={document['version']}"
        first = client.get(url)
        with statements_run() as statements:
            again = client.get(url)
        assert first.json["total"] == 1 and again.get_data() == first.get_data() and statements == []
        assert again.headers["Cache-Control"] == IMMUTABLE
        create_signal(Kind.problem)
        assert client.get(url).json["total"] == 1          # this version's body, as any cache of the URL keeps it
    with clock.frozen("2026-06-10 12:01:10"):
        moved = client.get("/map/version.json").json
        assert moved["version"] > document["version"]       # the change moves the version within the minute
        fresh = client.get(f"/map/cells.json?level=0&from={moved['from']['30']}&v={moved['version']}")
        assert fresh.json["total"] == 2 and fresh.headers["Cache-Control"] == IMMUTABLE


def test_a_box_an_earlier_version_and_one_still_to_come_are_made_afresh(client, create_signal):
    create_signal(Kind.problem)
    document = client.get("/map/version.json").json
    base = f"/map/cells.json?from={document['from']['30']}"
    urls = {"box": f"{base}&level=2&bbox=23.0,42.5,23.7,42.9&v={document['version']}",
            "earlier": f"{base}&level=0&v=1", "to come": f"{base}&level=0&v={document['version'] + 600}"}
    answers = {name: client.get(url) for name, url in urls.items()}
    assert {name: answer.json["total"] for name, answer in answers.items()} == dict.fromkeys(urls, 1)
    # A shared cache may keep a reached version's URL, but not one still to come: it will name other data.
    assert {name: answer.headers["Cache-Control"] for name, answer in answers.items()} == {
        "box": IMMUTABLE, "earlier": IMMUTABLE, "to come": SHORT}
    create_signal(Kind.problem)
    assert {name: client.get(url).json["total"] for name, url in urls.items()} == dict.fromkeys(urls, 2)
