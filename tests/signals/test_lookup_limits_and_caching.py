"""Lookups by number that miss are limited per IP on /track and item pages alike; caches never mix
languages or people: only bodies without locale text or personal data are public."""

from __future__ import annotations

import pytest

from app import create_app
from app.kinds import Kind


@pytest.mark.parametrize("redis_state", ["up", "stopped"])
def test_misses_are_counted_on_track_and_item_pages_alike_and_found_public_pages_are_not(
        test_config, db_session, create_signal, redis_server, redis_state):
    public = create_signal(Kind.problem)
    held = create_signal(Kind.problem, held=True)
    app = create_app({**test_config, "REDIS_URL": redis_server.url, "LOOKUP_MISS_RATE_LIMIT": "3 per minute",
                      "RATELIMIT_KEY_PREFIX": f"misses-{redis_state}"})
    if redis_state == "stopped":
        redis_server.stop()
    client = app.test_client()
    for _ in range(5):   # found public pages are never counted
        assert client.get(f"/signals/{public.number}").status_code == 200
        assert client.get("/track", query_string={"number": public.number}).status_code == 200
    assert client.get("/track", query_string={"number": "SG-2026-999999"}).status_code == 404     # miss 1
    assert client.get("/signals/SG-2026-999998").status_code == 404                                # miss 2
    assert client.get(f"/signals/{held.number}").status_code == 200                                # miss 3: a card
    assert client.get("/signals/SG-2026-999997").status_code == 429                                # used up
    assert client.get("/track", query_string={"number": held.number}).status_code == 429
    refused = client.get("/track", query_string={"number": "SG-2026-999996"})
    assert refused.status_code == 429 and 0 < int(refused.headers["Retry-After"]) <= 61
    assert client.get(f"/signals/{public.number}").status_code == 200                               # still served
    assert client.get("/", ).status_code == 200


def test_the_map_data_is_one_public_body_for_every_language(client, create_signal):
    create_signal(Kind.problem)
    bodies = []
    for headers, cookie in (({"Accept-Language": "bg"}, None), ({"Accept-Language": "en"}, None), ({}, "ru")):
        if cookie:
            client.set_cookie("lang", cookie)
        response = client.get("/map/signals.geojson?bbox=23.2,42.6,23.5,42.8", headers=headers)
        assert response.headers["Cache-Control"] == "public, max-age=15"
        bodies.append(response.data)
    assert bodies[0] == bodies[1] == bodies[2] and b'"features": []' not in bodies[0]
    assert "Дупк".encode() not in bodies[0] and b"Category" not in bodies[0]


def test_labels_have_the_locale_in_their_url(client, create_category):
    category = create_category(Kind.problem)
    bg, en = client.get("/map/labels.bg.json").json, client.get("/map/labels.en.json").json
    assert bg["statuses"]["in_progress"] == "в процес на разглеждане" and en["statuses"]["in_progress"] == "in progress"
    assert bg["categories"][category.code] == category.name_bg and en["categories"][category.code] == category.name_en
    assert client.get("/map/labels.xx.json").status_code == 404


@pytest.mark.parametrize("path", ["/", "/track", "/track?number=SG-2026-1", "/signals/new", "/privacy", "/terms",
                                  "/signals/SG-2026-999999"])
def test_pages_that_depend_on_the_language_or_the_person_are_private(client, path):
    response = client.get(path)
    assert "private" in response.headers["Cache-Control"] or "no-store" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/map/nearby.json?lon=23.3265&lat=42.6945", "/map/places.json?q=Лозенец"])
def test_json_in_the_visitors_language_is_private_and_json_in_a_named_language_is_shared(client, create_signal, path):
    create_signal(Kind.problem)
    own = client.get(path, headers={"Accept-Language": "en"})
    assert own.status_code == 200 and own.headers["Cache-Control"] == "private"
    assert {"Cookie", "Accept-Language"} <= set(own.headers["Vary"].replace(" ", "").split(","))
    named = client.get(f"{path}&locale=ru", headers={"Accept-Language": "en"})
    assert named.status_code == 200 and named.headers["Cache-Control"].startswith("public, max-age=")


def test_an_item_page_is_private(client, create_signal):
    item = create_signal(Kind.problem)
    assert client.get(f"/signals/{item.number}").headers["Cache-Control"] == "private, no-store"
