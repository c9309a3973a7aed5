"""Issue 10 in Chromium on a phone: a neighbourhood found by name zooms the map to it, a pin next to an open
pothole offers "me too" and counts it, "Use my location" places the pin, and both pages stay accessible with
the results open. Screenshots of each step go to docs/screenshots/."""

from __future__ import annotations


import pytest
from sqlalchemy import func, select

from app.departments.models import Category
from app.extensions import db
from app.kinds import Kind
from geo.models import Place, PlaceKind
from signals import access
from signals.models import Signal, Supporter
from signals.workflow import FINAL

from tests.browser.pages import SHOTS, phone, serious_violations

pytestmark = pytest.mark.browser


def _open_pothole() -> tuple[Signal, str, float, float]:
    """An open public problem with a point, from the demo city, with its category's code and its point."""
    item = db.session.scalars(access.public_signals().where(
        Signal.kind == Kind.problem, Signal.location.isnot(None), Signal.status.notin_(FINAL))
        .order_by(Signal.registered_at.desc())).first()
    lon, lat = db.session.execute(select(func.ST_X(Signal.location), func.ST_Y(Signal.location))
                                  .where(Signal.id == item.id)).one()
    return item, db.session.get(Category, item.category_id).code, lon, lat


def test_a_neighbourhood_found_by_name_zooms_the_home_map_to_it(chromium, live_server):
    context, page = phone(chromium)
    page.goto(live_server + "/")
    page.fill("#place-q", "младост 1")
    hits = page.locator("#place-results button.place-hit")
    hits.first.wait_for()
    assert "Младост 1" in hits.first.inner_text() and "район" in hits.first.inner_text().lower()
    assert serious_violations(page) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("() => document.getElementById('place-q').scrollIntoView()")
    page.screenshot(path=str(SHOTS / "place-search.png"))
    hits.first.click()
    place = db.session.scalars(select(Place).where(Place.kind == PlaceKind.neighbourhood,
                                                   Place.name_bg == "Младост 1")).one()
    page.wait_for_function("() => window.map_city.getZoom() >= 13")
    lat, lon = page.evaluate("() => { const c = window.map_city.getCenter(); return [c.lat, c.lng]; }")
    assert place.south <= lat <= place.north and place.west <= lon <= place.east
    assert "Младост 1" in page.locator("#place-status").inner_text()
    page.evaluate("() => document.getElementById('place-status').scrollIntoView()")
    page.screenshot(path=str(SHOTS / "place-search-zoomed.png"))
    assert page.hosts == {live_server.split("/")[2]} and not page.errors, (page.hosts, page.errors)
    context.close()


def test_a_pin_next_to_an_open_problem_offers_me_too_and_counts_it(chromium, live_server):
    item, category, lon, lat = _open_pothole()
    before = db.session.scalar(select(func.count()).select_from(Supporter).where(Supporter.signal_id == item.id))
    context, page = phone(chromium)
    page.goto(live_server + "/signals/new")
    page.select_option("#category", category)
    page.fill("#lat", f"{lat + 10 / 111_320:.6f}")                     # ten metres north of it
    page.fill("#lon", f"{lon:.6f}")
    page.dispatch_event("#lon", "change")
    entry = page.locator("#nearby-list li", has_text=item.number)
    entry.wait_for()
    assert page.locator("#nearby").is_visible() and "м" in entry.inner_text()
    page.fill("#place-q", "Пирот")                                       # the form's search open beside the list
    page.locator("#place-results").wait_for(state="attached")
    assert serious_violations(page) == []
    entry.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "me-too-nearby.png"))
    entry.locator("button").click()
    entry.locator("[role=status]").wait_for()
    assert f"{before + 1}" in entry.locator(".nearby-count").inner_text()
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Supporter)
                             .where(Supporter.signal_id == item.id)) == before + 1
    page.goto(f"{live_server}/signals/{item.number}")
    support = page.locator("#support")
    assert str(before + 1) in support.inner_text()
    support.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "me-too-count.png"))
    assert page.hosts == {live_server.split("/")[2]} and not page.errors, (page.hosts, page.errors)
    context.close()


def test_use_my_location_places_the_pin_where_the_device_is(chromium, live_server):
    context, page = phone(chromium, geolocation={"latitude": 42.6951, "longitude": 23.3308, "accuracy": 12},
                           permissions=["geolocation"])
    page.goto(live_server + "/signals/new")
    page.click("#locate")
    page.wait_for_function("() => document.getElementById('lat').value !== ''")
    assert page.input_value("#lat") == "42.695100" and page.input_value("#lon") == "23.330800"
    assert "12" in page.locator("#locate-status").inner_text()
    assert page.locator(".leaflet-marker-icon").count() == 1
    assert not page.errors, page.errors
    context.close()
