"""The map's data version: moves at most once a minute, only after the cells change; versioned URLs are
immutable, unversioned ones short-lived; the version document names each window's first local date."""

from __future__ import annotations

from datetime import timedelta

from app import clock
from app.kinds import Kind
from signals import map_data


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
    assert versioned.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert versioned.json["total"] == 1
    assert client.get("/map/cells.json?level=0").headers["Cache-Control"] == "public, max-age=15"


def test_cells_answer_bad_input_with_a_json_400(client):
    for query, code in (("level=9", "bad_level"), ("level=x", "bad_level"), ("level=1&from=1999-01-01", "bad_from"),
                        ("level=1&from=tomorrow", "bad_from"), ("level=1&bbox=1,2", "bad_bbox"),
                        ("level=1&category=nope", "bad_category")):
        response = client.get(f"/map/cells.json?{query}")
        assert response.status_code == 400 and response.json["error"] == code, query
