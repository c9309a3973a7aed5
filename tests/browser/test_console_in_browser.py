"""The console in Chromium: a manager of the infrastructure directorate logs in with two-factor, works the inbox
(list and map), opens a routed problem, takes it and replies in public; the reply is on the public page. axe on
the inbox and the item; screenshots of the list, the map and the item."""

from __future__ import annotations

import time

import pyotp
import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.departments.models import Category
from app.extensions import db
from app.kinds import Kind
from signals import services
from signals.routing import Place
from tests.browser.pages import phone, serious_violations
from tests.browser.test_private_filing_in_browser import SHOTS

pytestmark = pytest.mark.browser
PASSWORD = "amber-quarry-signal-83"
SECRET = pyotp.random_base32()
WIDE = {"width": 1280, "height": 900}


@pytest.fixture
def manager(demo_city):
    user = db.session.scalar(select(User).where(User.email == "staff.infra@example.org"))
    user.password_hash, user.totp_secret = hash_password(PASSWORD), SECRET
    db.session.commit()
    return user.email, user.id


def _log_in_with_code(page, base: str, email: str) -> None:
    page.goto(base + "/console")
    page.wait_for_url("**/account/login?next=*")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/account/login/code*")
    page.fill("#code", pyotp.TOTP(SECRET).now())
    page.click("main form button[type=submit]")
    page.wait_for_url("**/console")


def test_a_manager_works_a_problem_from_the_inbox(chromium, live_server, manager):
    context, page = phone(chromium)
    page.set_viewport_size(WIDE)
    _log_in_with_code(page, live_server, manager[0])
    rows = page.locator("table.inbox tbody tr")
    assert rows.count() > 0 and "INFRA" not in page.inner_text("main")
    found = {"inbox": serious_violations(page)}
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "console-inbox-bg.png"), full_page=True)
    page.click("p.view-switch a")
    page.wait_for_selector(".leaflet-interactive")
    found["map"] = serious_violations(page)
    page.screenshot(path=str(SHOTS / "console-inbox-map-bg.png"), full_page=True)
    page.click("p.view-switch a")
    page.set_viewport_size({"width": 320, "height": 800})                    # reflow: the inbox on a phone
    time.sleep(0.2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.set_viewport_size(WIDE)
    number = page.locator("table.inbox tbody tr a.number").first.inner_text()
    page.click(f"text={number}")
    page.wait_for_url(f"**/console/signals/{number}")
    found["item"] = serious_violations(page)
    page.select_option("#assignee", value=str(manager[1]))
    page.click("#assign button[type=submit]")
    page.wait_for_url(f"**/console/signals/{number}")
    assert "Възлагането е записано." in page.inner_text("main")
    page.fill("#reply textarea", "Ремонтът е възложен и ще бъде извършен до края на седмицата.")
    page.click("#reply button[type=submit]")
    page.wait_for_url(f"**/console/signals/{number}")
    assert "Отговорът е публикуван." in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "console-item-bg.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})                    # reflow: no sideways scrolling
    time.sleep(0.2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    public = context.new_page()
    public.goto(live_server + f"/signals/{number}")
    assert "ще бъде извършен до края на седмицата" in public.inner_text("main")
    assert found == {"inbox": [], "map": [], "item": []}
    assert page.hosts == {live_server.split("/")[2]} and not page.errors, (page.hosts, page.errors)
    context.close()


@pytest.fixture
def desk(demo_city):
    """The demo operator and two demo staff accounts, with known passwords and two-factor on."""
    emails = ("operator@example.org", "staff.admin@example.org", "staff.infra@example.org")
    for email in emails:
        user = db.session.scalar(select(User).where(User.email == email))
        user.password_hash, user.totp_secret = hash_password(PASSWORD), SECRET
    problem = db.session.scalar(select(Category).where(Category.kind == Kind.problem, Category.active.is_(True)))
    services.register(Kind.problem, services.SignalInput(                      # one report waits for a moderator
        category=problem, title="Изоставена кола", description="Изоставена кола без номера пред блок 7.",
        place=Place(lon=23.3219, lat=42.6977), held=True), None)
    db.session.commit()
    return emails


def test_an_operator_registers_a_callers_complaint_and_routes_it_from_triage(chromium, live_server, desk):
    operator, routed_staff, other_staff = desk
    context, page = phone(chromium)
    page.set_viewport_size(WIDE)
    _log_in_with_code(page, live_server, operator)
    page.click("nav.console-nav a[href$='/console/moderation']")             # the moderators' desk
    page.wait_for_url("**/console/moderation")
    assert "Изоставена кола" in page.inner_text("main")
    moderation = serious_violations(page)
    page.screenshot(path=str(SHOTS / "console-moderation-bg.png"), full_page=True)
    page.click("nav.console-nav a[href$='/console/intake']")
    page.wait_for_url("**/console/intake")
    page.select_option("#kind", "complaint")
    page.select_option("#channel", "phone")
    page.select_option("#category", label=page.locator("#category option", has_text="Жалба").first.inner_text())
    page.fill("#title", "Грубо отношение на гишето")
    page.fill("#description", "Гражданинът се оплаква от отношението на служител на гише 3.")
    page.fill("#person_name", "Петър Иванов Петров")
    page.fill("#phone", "+359 88 765 4321")
    page.check("#by_hand")
    found = {"intake": serious_violations(page)}
    page.screenshot(path=str(SHOTS / "console-intake-bg.png"), full_page=True)
    page.click("main form[enctype] button[type=submit]")
    page.wait_for_url("**/console/signals/CP-*")
    number = page.url.rsplit("/", 1)[1]
    assert number in page.inner_text(".notice")
    page.select_option("#reroute select", label="Дирекция „Административно обслужване“")
    page.fill("#reroute textarea", "Компетентна е дирекцията.")
    page.click("#reroute button[type=submit]")
    page.wait_for_url(f"**/console/signals/{number}")
    assert "Дирекция „Административно обслужване“" in page.inner_text("main")
    for email, status in ((routed_staff, 200), (other_staff, 404)):
        other_context, other = phone(chromium)
        _log_in_with_code(other, live_server, email)
        assert other.goto(f"{live_server}/console/signals/{number}").status == status, email
        other_context.close()
    assert found == {"intake": []} and moderation == []
    context.close()
