"""The report form as a resident meets it in Chromium: a validation error keeps the chosen photo (thumbnail
shown) and the filing then succeeds with it; a lost session keeps what was typed; the 429 page says when to try
again and links back; a long word or URL never makes a page wider than a 320 px phone; the category list follows
the chosen kind. Screenshots of the error with a kept photo, the expired session and the 429 page."""

from __future__ import annotations

import pytest
from PIL import Image

from tests.browser.pages import serious_violations, shot

pytestmark = pytest.mark.browser


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
    shot(tab, "report-form-error-kept-photo-bg")
    tab.fill("#title", "Дупка пред блок 12")
    tab.click("#send")
    tab.wait_for_selector("#registered-number")
    number = tab.inner_text("#registered-number")
    tab.goto(f"{live_server}/signals/{number}")
    photos = tab.locator(".photos img")
    assert photos.count() == 1 and tab.evaluate("img => img.naturalWidth", photos.element_handle()) == 640


def test_a_lost_session_shows_our_page_with_the_typed_text_kept(tab, live_server):
    tab.goto(live_server + "/signals/new")
    tab.select_option("#category", "potholes")
    tab.fill("#lat", "42.6945")
    tab.fill("#lon", "23.3265")
    tab.fill("#title", "Паднал клон на тротоара")
    tab.fill("#description", "Голям клон препречва тротоара пред училището от сутринта.")
    tab.context.clear_cookies()                                   # the session is gone (expired, another browser)
    tab.click("#send")
    tab.wait_for_selector("#error-summary")
    assert "Сесията ви е изтекла" in tab.inner_text("#error-summary")
    assert tab.input_value("#title") == "Паднал клон на тротоара"
    assert tab.input_value("#description").startswith("Голям клон")
    assert serious_violations(tab) == []
    shot(tab, "session-expired-bg")
    tab.click("#send")                                            # the page carries a fresh token: it goes through
    tab.wait_for_selector("#registered-number")


def test_the_429_page_says_when_to_try_again_and_links_back(app, tab, live_server):
    """The page the limiter answers a refused form with, as the browser shows it (rendered by the app with its
    styles; the live server's limits are set high for the other tests)."""
    from flask_babel import force_locale

    from app.web.errors import too_many_requests

    with app.test_request_context("/signals/new", method="POST"), force_locale("bg"):
        refused = too_many_requests(1500, back="/signals/new")
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1500"
    tab.route(live_server + "/signals/new", lambda route: route.fulfill(
        status=429, body=refused.get_data(), headers={"Content-Type": "text/html; charset=utf-8"}))
    tab.goto(live_server + "/signals/new")
    assert "25" in tab.inner_text("main")                         # about 25 minutes
    back = tab.locator("main a[href='/signals/new']")
    assert back.count() >= 1
    assert serious_violations(tab) == []
    shot(tab, "too-many-requests-bg")


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
