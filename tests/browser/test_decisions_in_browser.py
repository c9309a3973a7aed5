"""An information request decided in Chromium: the head of the legal directorate (authorised to decide) finds the
routed request in the inbox, extends it under art. 30, then grants it partially with a signed decision attached;
the requester reads each step in the history and the decision with its appeal route, and each notice arrives at
the test SMTP server; a clerk of the same directorate without the authorisation cannot decide. axe on the
decision form and on the decided request; screenshots of both."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.departments.models import Category, Membership
from app.extensions import db
from app.kinds import Kind
from signals import services
from tests.browser.pages import phone, serious_violations, shot
from tests.browser.test_accounts_in_browser import mail_worker  # noqa: F401
from tests.browser.test_console_in_browser import PASSWORD, SECRET, WIDE, _log_in_with_code
from tests.browser.test_private_filing_in_browser import PASSWORD as RESIDENT_PASSWORD
from tests.browser.test_private_filing_in_browser import _log_in, _pdf

pytestmark = pytest.mark.browser


@pytest.fixture
def request_desk(demo_city):
    """The demo resident's information request routed to the legal directorate; its head (authorised to decide, as
    the demo data makes every head) and a clerk without the authorisation, all with known passwords."""
    head = db.session.scalar(select(User).where(User.email == "staff.legal@example.org"))
    head.password_hash, head.totp_secret = hash_password(PASSWORD), SECRET
    clerk = User(email="clerk.legal@example.org", role=Role.staff, password_hash=hash_password(PASSWORD),
                 totp_secret=SECRET, first_name="Калина", last_name="Петрова", confirmed_at=head.confirmed_at)
    db.session.add(clerk)
    db.session.flush()
    db.session.add(Membership(user_id=clerk.id, department_id=head.memberships[0].department_id))
    resident = db.session.scalar(select(User).where(User.email == "resident@example.org"))
    resident.password_hash, resident.locale = hash_password(RESIDENT_PASSWORD), "bg"
    category = db.session.scalar(select(Category).where(Category.kind == Kind.info_request,
                                                        Category.department_id == head.memberships[0].department_id))
    item = services.register(Kind.info_request, services.SignalInput(
        category=category, title="Договори за зимно почистване",
        description="Моля за копие от договорите за зимно почистване на пътищата за сезон 2026/2027.",
        sender=services.Sender(email=resident.email, person_name="Иван Петров Иванов",
                               address="гр. София 1000, ул. „Московска“ 33")), resident).signal
    item.access_form = "copies"
    db.session.commit()
    assert item.department_id == head.memberships[0].department_id
    return {"number": item.number, "head": head.email, "clerk": clerk.email, "resident": resident.email}


def _subjects_to(handler, address: str, wanted: tuple[str, ...], timeout: float = 60) -> list[str]:
    """The subjects of the mails that reached the SMTP server for an address, once each wanted word is in one."""
    deadline = time.monotonic() + timeout
    while True:
        subjects = [str(m["Subject"]) for m in handler.messages if address in m["To"]]
        if all(any(word in s for s in subjects) for word in wanted) or time.monotonic() > deadline:
            return subjects
        time.sleep(0.2)


def test_an_authorised_official_extends_and_partially_grants_a_request_the_requester_reads_each_step(
        chromium, live_server, request_desk, mail_worker, tmp_path):
    number = request_desk["number"]
    context, page = phone(chromium)
    page.set_viewport_size(WIDE)
    _log_in_with_code(page, live_server, request_desk["head"])
    page.fill("#f-q", number)                                            # found in the inbox by its number
    page.click("form.console-filters button[type=submit]")
    page.wait_for_url(f"**/console/signals/{number}")
    page.select_option("#extend select", "30")
    page.fill("#extend textarea", "Информацията е в голям обем: договорите на шест района.")
    page.click("#extend button[type=submit]")
    page.wait_for_url(f"**/console/signals/{number}")
    assert "Срокът е удължен." in page.inner_text("main")
    page.click("text=Вземете решение")
    page.wait_for_url(f"**/console/signals/{number}/decision")
    page.check("#outcome input[value=partially_granted]")
    page.fill("#extent", "Договорите за зимно почистване без приложенията с цени на подизпълнителите.")
    page.select_option("#access_form", "copies")
    page.fill("#place", "Център за административно обслужване, ул. „Московска“ 33, гише 5")
    page.fill("#costs", "3,20")
    page.check("#grounds input[value='37.1.2']")
    page.fill("#reasons", "Подизпълнителите не дадоха съгласие за разкриване на единичните си цени.")
    decision = tmp_path / "reshenie.pdf"
    decision.write_bytes(_pdf())
    page.set_input_files("#files", str(decision))
    found = {"form": serious_violations(page)}
    shot(page, "console-decision-form-bg")
    page.click("#decision button[type=submit]")
    page.wait_for_url(f"**/console/signals/{number}")
    assert "Решението е записано; заявителят е уведомен." in page.inner_text("main")
    assert "частичен достъп" in page.inner_text("#state-h + dl")
    assert "в 14-дневен срок от съобщаването" in page.inner_text("#decision-section")
    found["decided in the console"] = serious_violations(page)
    shot(page, "console-decided-request-bg")
    context.close()

    clerk_context, clerk = phone(chromium)                                # a clerk without the authorisation
    clerk.set_viewport_size(WIDE)
    _log_in_with_code(clerk, live_server, request_desk["clerk"])
    clerk.goto(f"{live_server}/console/signals/{number}")
    assert clerk.locator("#extend").count() == 0 and clerk.locator("text=Вземете решение").count() == 0
    assert clerk.goto(f"{live_server}/console/signals/{number}/decision").status == 403
    clerk_context.close()

    resident_context, resident = phone(chromium)
    _log_in(resident, live_server, request_desk["resident"])
    resident.goto(f"{live_server}/signals/{number}")
    history = resident.inner_text("ol.history")
    assert "удължен срок" in history and "Информацията е в голям обем" in history
    assert "частичен достъп" in history
    text = resident.inner_text("#decision")
    for shown in ("Договорите за зимно почистване без приложенията", "30 дни от получаването", "гише 5",
                  "3,20 EUR", "чл. 37, ал. 1, т. 2 ЗДОИ", "в 14-дневен срок от съобщаването", "-1.pdf"):
        assert shown in text, shown
    assert resident.evaluate("document.documentElement.scrollWidth") <= 390
    found["decided"] = serious_violations(resident)
    shot(resident, "decided-request-requester-bg")
    resident.set_viewport_size({"width": 320, "height": 800})                # reflow
    time.sleep(0.2)
    assert resident.evaluate("document.documentElement.scrollWidth") <= 320
    subjects = _subjects_to(mail_worker, request_desk["resident"], ("удължен", "решение"))
    assert any("удължен" in s for s in subjects) and any("решение" in s for s in subjects), subjects
    assert found == {"form": [], "decided in the console": [], "decided": []}
    resident_context.close()
