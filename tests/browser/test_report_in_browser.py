"""The report loop in Debian's Chromium: by mouse with a photo, by keyboard alone; no other host is contacted."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from PIL import Image

pytestmark = pytest.mark.browser


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, "JPEG")
    return buffer.getvalue()


def _only_local(tab, base: str) -> None:
    host = urlsplit(base).netloc
    assert tab.hosts and set(tab.hosts) == {host}, set(tab.hosts)
    assert not tab.errors, tab.errors


def test_click_the_map_fill_attach_submit_and_find_it_by_number(tab, live_server):
    tab.goto(live_server + "/signals/new")
    tab.wait_for_selector("#map_city.leaflet-container")
    box = tab.locator("#map_city").bounding_box()
    tab.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert tab.input_value("#lat") and tab.input_value("#lon")
    tab.select_option("#category", "potholes")
    tab.fill("#title", "Дупка пред блок 12")
    tab.fill("#description", "Дълбока дупка на платното, колите я заобикалят в насрещното.")
    tab.set_input_files("#photos", files=[{"name": "dupka.jpg", "mimeType": "image/jpeg", "buffer": _photo()}])
    tab.click("#send")
    number = tab.locator("#registered-number").inner_text().strip()
    assert number.startswith("SG-")
    tab.goto(live_server + "/")
    tab.fill("#track-number", number.lower().replace("-", " "))
    tab.click("form.track button")
    assert number in tab.locator("dl.card").inner_text()
    _only_local(tab, live_server)


def _tab_to(tab, element_id: str, limit: int = 60) -> None:
    for _ in range(limit):
        tab.keyboard.press("Tab")
        if tab.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} cannot be reached with the Tab key")


def test_a_report_with_the_keyboard_alone(tab, live_server):
    tab.goto(live_server + "/signals/new")
    _tab_to(tab, "category")
    tab.keyboard.press("ArrowDown")   # the first category after the empty choice
    chosen = tab.input_value("#category")
    assert chosen
    _tab_to(tab, "lat")
    tab.keyboard.type("42.6945")
    _tab_to(tab, "lon")
    tab.keyboard.type("23.3265")
    _tab_to(tab, "title")
    tab.keyboard.type("Счупена пейка в градинката")
    _tab_to(tab, "description")
    tab.keyboard.type("Пейката до чешмата е счупена и опасна за децата.")
    _tab_to(tab, "email")
    tab.keyboard.type("resident@example.org")
    tab.keyboard.press("Enter")
    tab.wait_for_selector("#registered-number")
    assert tab.locator("#registered-number").inner_text().startswith(("SG-", "QN-"))
    _only_local(tab, live_server)


def test_a_photo_with_a_gps_position_is_offered_as_the_place(tab, live_server):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (42.0, 41.0, 40.2), 3: "E", 4: (23.0, 19.0, 35.4)}
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, "JPEG", exif=exif.tobytes())
    tab.goto(live_server + "/signals/new")
    tab.set_input_files("#photos", files=[{"name": "gps.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}])
    tab.wait_for_selector("#photo-gps-note:not([hidden])")
    assert abs(float(tab.input_value("#lat")) - 42.6945) < 1e-4
    assert abs(float(tab.input_value("#lon")) - 23.3265) < 1e-4
    _only_local(tab, live_server)


def test_the_home_map_counts_reports_and_filters_them_by_status(tab, live_server):
    urls = []
    tab.on("request", lambda request: urls.append(request.url))
    tab.goto(live_server + "/")
    tab.wait_for_selector("#map-signals[data-count]", state="attached")
    everything = int(tab.get_attribute("#map-signals", "data-count"))
    assert everything > 0
    tab.select_option("#f-status", "closed")
    # Poll from Python: our CSP forbids the eval that a string predicate would need.
    for _ in range(100):
        closed = int(tab.get_attribute("#map-signals", "data-count"))
        if closed != everything:
            break
        tab.wait_for_timeout(100)
    assert 0 < closed < everything
    assert any("status=closed" in url for url in urls if "/map/cells.json" in url)
    assert tab.locator(".legend li").count() >= 10
    _only_local(tab, live_server)


def test_a_marker_popup_names_category_and_status_in_the_pages_language(tab, live_server):
    """The map data carries codes only; the popup's words come from /map/labels.bg.json."""
    tab.goto(live_server + "/")
    tab.wait_for_selector("#map-signals[data-count]", state="attached")
    # Zoom to the biggest cluster until points show, then open one point's popup.
    for _ in range(6):
        if tab.get_attribute("#map-signals", "data-mode") == "points":
            break
        tab.evaluate("""() => { let best = null; window.map_city.eachLayer(layer => {
            const span = layer.getElement && layer.getElement() && layer.getElement().querySelector("span");
            if (span && (!best || +span.textContent > best.n)) { best = { at: layer.getLatLng(), n: +span.textContent }; } });
            if (best) { window.map_city.setView(best.at, Math.min(window.map_city.getZoom() + 3, 18), { animate: false }); } }""")
        tab.wait_for_timeout(700)
    for _ in range(50):
        opened = tab.evaluate("""() => { let done = false; window.map_city.eachLayer(layer => {
            if (!done && layer instanceof L.CircleMarker && layer.getPopup()) { layer.openPopup(); done = true; } });
            return done; }""")
        if opened:
            break
        tab.wait_for_timeout(100)
    number, category, status = tab.locator(".leaflet-popup-content").inner_text().split("\n")
    assert number.startswith("SG-") and re.search("[а-я]", category) and re.search("[а-я]", status)
    assert "_" not in category + status      # a label, not a code such as in_progress
    _only_local(tab, live_server)
