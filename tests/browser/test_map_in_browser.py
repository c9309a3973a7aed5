"""The map at city scale in Chromium on a phone: clusters whose counts add up to every public signal of the
last 30 days, and points with working popups at street zoom."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from signals import access
from signals.models import Signal
from tests.browser.pages import shot

pytestmark = pytest.mark.browser


def _public_last_30_days() -> int:
    return db.session.scalar(access.public_signals().where(
        Signal.location.isnot(None), Signal.registered_at >= clock.days_ago(30))
        .with_only_columns(func.count()))


def test_city_clusters_count_every_signal_and_a_street_shows_points(chromium, live_server):
    expected = _public_last_30_days()
    assert expected > 20
    context = chromium.new_context(locale="bg-BG", viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    page.goto(live_server + "/")
    page.wait_for_selector("#map-signals[data-mode=cells]", state="attached")
    counts = page.eval_on_selector_all(".cell-cluster span", "spans => spans.map(s => Number(s.textContent))")
    assert counts and sum(counts) == expected
    assert int(page.get_attribute("#map-signals", "data-count")) == expected
    scale, attribution = (page.locator(f".leaflet-control-{name}").bounding_box() for name in ("scale", "attribution"))
    assert scale["x"] + scale["width"] <= attribution["x"], (scale, attribution)    # the text never covers the scale
    shot(page.locator("section", has=page.locator("#map-signals")), "map-city-clusters-bg-390")
    number = db.session.scalar(access.public_signals().where(
        Signal.location.isnot(None), Signal.registered_at >= clock.days_ago(30))
        .order_by(Signal.registered_at.desc()).with_only_columns(Signal.number))
    lon, lat = db.session.execute(select(func.ST_X(Signal.location), func.ST_Y(Signal.location))
                                  .where(Signal.number == number)).one()
    page.evaluate(f"() => window.map_city.setView([{lat}, {lon}], 18, {{ animate: false }})")
    page.wait_for_selector("#map-signals[data-mode=points]", state="attached")
    for _ in range(50):
        opened = page.evaluate("""() => { let done = false; window.map_city.eachLayer(layer => {
            if (!done && layer instanceof L.CircleMarker && layer.getPopup()) { layer.openPopup(); done = true; } });
            return done; }""")
        if opened:
            break
        page.wait_for_timeout(100)
    popup = page.locator(".leaflet-popup-content")
    link = popup.locator("a")
    assert link.inner_text().startswith("SG-") and len(popup.inner_text().split("\n")) == 3
    # Leaflet fades a popup in: the screenshot waits until it is fully drawn, or its text looks faint.
    for _ in range(50):                     # (wait_for_function would need eval, which our CSP forbids)
        if page.locator(".leaflet-popup").evaluate("popup => getComputedStyle(popup).opacity") == "1":
            break
        page.wait_for_timeout(50)
    shot(page.locator("section", has=page.locator("#map-signals")), "map-street-points-bg-390")
    link.click()
    page.wait_for_load_state()
    assert "/signals/SG-" in page.url and page.locator("h1").inner_text()
    assert hosts == {live_server.split("/")[2]} and not errors, (hosts, errors)
    context.close()
