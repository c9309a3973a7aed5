"""The report form as a resident meets it in Chromium: a validation error keeps the chosen photo (thumbnail
shown) and the filing then succeeds with it; a long word or URL never makes a page wider than a 320 px phone;
the category list follows the chosen kind."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

pytestmark = pytest.mark.browser
SHOTS = None   # set DOCS_SCREENSHOTS=1 to refresh docs/screenshots from these tests


def _photo(path) -> str:
    Image.new("RGB", (640, 480), "teal").save(path, "JPEG")
    return str(path)


def test_a_validation_error_keeps_the_photo_and_the_filing_then_succeeds_with_it(tab, live_server, tmp_path):
    tab.goto(live_server + "/signals/new")
    tab.select_option("#category", "potholes")
    tab.fill("#lat", "42,6945")                                  # a decimal comma, as a Bulgarian keyboard types
    tab.fill("#lon", "23,3265")
    tab.fill("#description", "Дълбока дупка на платното пред блок 12.")
    tab.set_input_files("#photos", _photo(tmp_path / "hole.jpg"))
    tab.click("#send")                                            # no title: refused
    tab.wait_for_selector("#error-summary")
    assert tab.locator("#title-error").is_visible()
    thumbnail = tab.locator(".held-photos img")
    assert thumbnail.count() == 1
    assert tab.evaluate("img => img.complete && img.naturalWidth > 0", thumbnail.element_handle())
    assert tab.input_value("#description").startswith("Дълбока дупка")
    tab.fill("#title", "Дупка пред блок 12")
    tab.click("#send")
    tab.wait_for_selector("#registered-number")
    number = tab.inner_text("#registered-number")
    tab.goto(f"{live_server}/signals/{number}")
    photos = tab.locator(".photos img")
    assert photos.count() == 1 and tab.evaluate("img => img.naturalWidth", photos.element_handle()) == 640


def test_a_long_word_or_url_never_widens_the_page_on_a_phone(chromium, live_server):
    context = chromium.new_context(locale="bg-BG", viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_server + "/signals/new")
    page.select_option("#category", "potholes")
    page.fill("#lat", "42.6945")
    page.fill("#lon", "23.3265")
    word, url = "Д" * 100, "https://example.org/" + "a" * 380
    page.fill("#title", "Дупка " + "Ж" * 100)
    page.fill("#description", f"{word} {url}")
    page.fill("#place_description", "ул. " + "Щ" * 120)
    page.click("#send")
    page.wait_for_selector("#registered-number")
    number = page.inner_text("#registered-number")
    for path in (f"/signals/{number}", f"/track?number={number}", "/", f"/track?number={'X' * 300}"):
        page.goto(live_server + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
    context.close()


def test_the_category_list_follows_the_chosen_kind(tab, live_server):
    tab.goto(live_server + "/signals/new")
    problems = tab.eval_on_selector_all("#category option", "os => os.map(o => o.value)")
    tab.check("input[value=question]")
    questions = tab.eval_on_selector_all("#category option", "os => os.map(o => o.value)")
    assert "potholes" in problems and "potholes" not in questions and len(questions) > 1
    assert not tab.locator("#category optgroup[label='']").count()
