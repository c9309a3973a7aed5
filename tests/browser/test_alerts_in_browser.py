"""An area alert drawn on the map in Chromium: the demo resident draws a polygon around the centre of Sofia with the
vendored drawing tool and saves the alert; a new signal inside it reaches them by mail through the real worker and
an aiosmtpd server, one outside it does not. axe on the page with the drawn area; a screenshot."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.departments.models import Category
from app.extensions import db
from app.kinds import Kind
from signals import services
from signals.routing import Place
from subscriptions.models import Alert
from tests.browser.pages import phone, serious_violations, shot
from tests.browser.test_accounts_in_browser import mail_worker  # noqa: F401
from tests.browser.test_private_filing_in_browser import PASSWORD, _log_in

pytestmark = pytest.mark.browser
WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def resident(demo_city):
    user = db.session.scalar(select(User).where(User.email == "resident@example.org"))
    user.password_hash = hash_password(PASSWORD)
    db.session.commit()
    return user.email


def _report(lon: float, lat: float) -> str:
    category = db.session.scalar(select(Category).where(Category.kind == Kind.problem, Category.active.is_(True)))
    signal = services.register(Kind.problem, services.SignalInput(
        category=category, title="Счупена пейка", description="Счупена пейка в градинката.",
        place=Place(lon=lon, lat=lat)), None).signal
    db.session.commit()
    return signal.number


def test_an_alert_drawn_as_a_polygon_catches_a_signal_inside_and_not_outside(chromium, live_server, resident,
                                                                            mail_worker):
    context, page = phone(chromium)
    page.set_viewport_size(WIDE)
    _log_in(page, live_server, resident)
    page.goto(f"{live_server}/alerts/new")
    page.wait_for_selector(".leaflet-draw-draw-polygon")
    page.click(".leaflet-draw-draw-polygon")
    box = page.locator(".folium-map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    corners = [(-70, -50), (70, -50), (70, 50), (-70, 50)]
    for dx, dy in corners:
        page.mouse.click(cx + dx, cy + dy)
        time.sleep(0.15)
    page.mouse.click(cx + corners[0][0], cy + corners[0][1])             # the first corner again closes it
    page.wait_for_function("document.getElementById('polygon').value.length > 0")
    assert "Очертана е област" in page.inner_text("#drawn-status")
    found = serious_violations(page)
    shot(page, "alert-drawn-bg")
    page.click("#alert-form button[type=submit]")
    page.wait_for_url("**/my/subscriptions")
    assert "област, очертана на картата" in page.inner_text("main")
    db.session.expire_all()
    assert db.session.scalar(select(Alert.polygon).where(Alert.user_id.is_not(None))) is not None
    inside, outside = _report(23.3219, 42.6977), _report(23.2600, 42.6500)
    deadline, subjects = time.monotonic() + 60, []
    while time.monotonic() < deadline and not any(inside in s for s in subjects):
        subjects = [str(m["Subject"]) for m in mail_worker.messages if resident in m["To"]]
        time.sleep(0.3)
    assert any(inside in s for s in subjects) and not any(outside in s for s in subjects), subjects
    assert found == []
    context.close()
