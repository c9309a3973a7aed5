"""/map/signals.geojson: exactly the public points in the box, newest first; bad input is a JSON 400."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app import clock
from app.kinds import Kind
from signals import services
from signals.services import moderation
from signals.models import HiddenReason
from signals.workflow import Status

BOX = "23.30,42.68,23.34,42.70"


def test_returns_exactly_the_public_points_in_the_box(client, create_signal, create_user, create_category):
    category = create_category(Kind.problem, code="potholes")
    inside = [create_signal(category=category, point=(23.31 + i * 0.005, 42.69)) for i in range(3)]
    create_signal(category=category, point=(23.40, 42.69))                 # outside the box
    create_signal(category=category, point=(23.32, 42.69), held=True)      # awaiting review
    hidden = create_signal(category=category, point=(23.32, 42.691))
    moderation.hide(hidden, HiddenReason.spam, None)
    with clock.frozen(clock.now() - timedelta(days=40)):
        create_signal(category=category, point=(23.32, 42.692))             # older than 30 days
    resident = create_user()
    create_signal(Kind.letter, user=resident, point=(23.32, 42.693))        # a private kind
    body = client.get(f"/map/signals.geojson?bbox={BOX}").json
    numbers = [f["properties"]["number"] for f in body["features"]]
    assert numbers == [s.number for s in reversed(inside)]                  # newest first
    assert body["truncated"] is False and body["type"] == "FeatureCollection"
    assert set(body["features"][0]["properties"]) == {"number", "status", "category_code", "registered_at"}
    assert "filer" not in str(body) and "Описание" not in str(body)


def test_filters_by_days_category_and_status(client, create_signal, create_category, create_user):
    potholes, lights = create_category(Kind.problem, code="potholes"), create_category(Kind.problem, code="lights")
    with clock.frozen(clock.now() - timedelta(days=40)):
        old = create_signal(category=potholes, point=(23.32, 42.69))
    light = create_signal(category=lights, point=(23.32, 42.69))
    services.change_status(light, Status.in_progress, create_user())
    def numbers(query):
        return [f["properties"]["number"] for f in client.get(f"/map/signals.geojson?bbox={BOX}&{query}").json["features"]]
    assert numbers("days=60&category=potholes") == [old.number]
    assert numbers("category=potholes") == []
    assert numbers("status=in_progress") == [light.number]


@pytest.mark.parametrize("query,code", [
    ("", "bad_bbox"), ("bbox=1,2,3", "bad_bbox"), ("bbox=24,42,23,43", "bad_bbox"), ("bbox=nan,1,2,3", "bad_bbox"),
    (f"bbox={BOX}&days=91", "bad_days"), (f"bbox={BOX}&days=x", "bad_days"),
    (f"bbox={BOX}&category=nope", "bad_category"), (f"bbox={BOX}&status=open", "bad_status"),
])
def test_bad_input_is_a_json_400(client, query, code):
    response = client.get(f"/map/signals.geojson?{query}")
    assert response.status_code == 400 and response.json["error"] == code
