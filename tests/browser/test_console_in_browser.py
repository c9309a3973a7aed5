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
from tests.browser.pages import phone, serious_violations, shot
from tests.browser.test_accounts_in_browser import mail_worker  # noqa: F401

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
    shot(page, "console-inbox-bg")
    page.click("p.view-switch a")
    page.wait_for_selector(".leaflet-interactive")
    found["map"] = serious_violations(page)
    shot(page, "console-inbox-map-bg")
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
    shot(page, "console-item-bg")
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
    shot(page, "console-moderation-bg")
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
    shot(page, "console-intake-bg")
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


@pytest.fixture
def reported(app, live_server, manager, monkeypatch):
    """A pothole reported by a resident who gave an email, routed to the manager's directorate; its tracking token
    derived with the live server's key (kept in the shared var/), as if it had been filed there."""
    from pathlib import Path

    monkeypatch.setitem(app.config, "FILER_TOKEN_KEY",
                        (Path(app.config["VAR_DIR"]) / "filer-token-key").read_text().strip())
    infra = db.session.scalar(select(User).where(User.email == manager[0])).memberships[0].department_id
    category = db.session.scalar(select(Category).where(Category.kind == Kind.problem,
                                                        Category.department_id == infra))
    item = services.register(Kind.problem, services.SignalInput(
        category=category, title="Дупка пред училището", description="Дълбока дупка пред входа на училището.",
        sender=services.Sender(email="parent@example.org"), place=Place(lon=23.3219, lat=42.6977)), None).signal
    db.session.commit()
    return item.number


def test_staff_fix_a_problem_with_an_after_photo_and_the_filer_says_it_is_not_fixed(
        chromium, live_server, manager, reported, mail_worker, tmp_path):
    import re as regex

    from PIL import Image

    context, page = phone(chromium)
    page.set_viewport_size(WIDE)
    _log_in_with_code(page, live_server, manager[0])
    page.fill("#f-q", reported)
    page.click("form.console-filters button[type=submit]")
    page.wait_for_url(f"**/console/signals/{reported}")
    page.select_option("#assignee", value=str(manager[1]))
    page.click("#assign button[type=submit]")
    page.wait_for_url(f"**/console/signals/{reported}")
    after = tmp_path / "after.jpg"
    Image.new("RGB", (120, 80), "gray").save(after, "JPEG")
    page.fill("#reply textarea", "Дупката е запълнена с асфалт.")
    page.set_input_files("#reply input[type=file]", str(after))
    page.click("#reply button[type=submit]")
    page.wait_for_url(f"**/console/signals/{reported}")
    for status in ("in_progress", "resolved"):
        page.select_option("#status select", status)
        page.click("#status button[type=submit]")
        page.wait_for_url(f"**/console/signals/{reported}")
    link = None
    deadline = time.monotonic() + 60
    while link is None and time.monotonic() < deadline:                # the "Is it fixed?" mail, as it arrived
        for message in mail_worker.messages:
            text = message.get_body(preferencelist=("plain",)).get_content()
            if "parent@example.org" in message["To"] and (found := regex.search(
                    rf"(https?://\S+/signals/{reported}\?t=\S+)", text)) and "?" in message["Subject"]:
                link = found.group(1)
        time.sleep(0.2)
    assert link, [m["Subject"] for m in mail_worker.messages]
    filer_context, filer = phone(chromium)
    filer.goto(link)
    assert filer.locator("img[src*='/photos/']").count() >= 1                # the "after" photo is public
    filer.check("#fixed input[value=no]")
    filer.fill("#comment", "Дупката се появи отново след дъжда.")
    found = serious_violations(filer)
    filer.click("#fix-check button[type=submit]")
    filer.wait_for_url(f"**/signals/{reported}")
    page.reload()
    assert "в процес на разглеждане" in page.inner_text("#state-h + dl")
    assert "Дупката се появи отново след дъжда." in page.inner_text("main")   # staff read the comment
    assert found == []
    filer_context.close()
    context.close()


def test_the_idle_warning_comes_two_minutes_before_the_end_and_lets_staff_stay(chromium, live_server, manager):
    context, page = phone(chromium)
    page.clock.install()                                     # the page's timers run on a clock the test moves
    _log_in_with_code(page, live_server, manager[0])
    warning = page.locator("#idle-warning")
    assert warning.is_hidden()
    page.clock.run_for(27 * 60 * 1000)
    assert warning.is_hidden()
    page.clock.run_for(61 * 1000)                            # 28 minutes: two before the 30-minute end
    warning.wait_for(state="visible")
    assert page.evaluate("document.activeElement.id") == "idle-stay" and serious_violations(page) == []
    with page.expect_response("**/console/keepalive") as kept:
        page.click("#idle-stay")
    assert kept.value.status == 204
    warning.wait_for(state="hidden")
    context.close()
