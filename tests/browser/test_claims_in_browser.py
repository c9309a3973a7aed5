"""Claims and a clarification answer in Chromium on a phone: the demo resident finds an item filed earlier from
their address without an account, asks for it, opens the mailed link, confirms, and finds it in My signals; then
answers the department's question on a letter with a PDF. axe on the claims page, the confirmation and the
item page with the answer form; screenshots of them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.departments.models import Category
from app.extensions import db
from app.kinds import Kind
from signals import services
from signals.routing import Place
from signals.services.clarification import request_clarification
from signals.workflow import Status
from tests.browser.pages import phone, serious_violations, shot
from tests.browser.test_accounts_in_browser import _mailed_link, mail_worker  # noqa: F401
from tests.browser.test_private_filing_in_browser import _log_in, _pdf, residents  # noqa: F401


@pytest.fixture
def earlier_and_waiting(residents):  # noqa: F811
    """An anonymous problem from the resident's address, and a letter of theirs that waits for clarification."""
    resident = db.session.scalar(select(User).where(User.email == residents[0]))
    problem = db.session.scalar(select(Category).where(Category.kind == Kind.problem, Category.active.is_(True)))
    letters = db.session.scalar(select(Category).where(Category.kind == Kind.letter, Category.active.is_(True)))
    anonymous = services.register(Kind.problem, services.SignalInput(
        category=problem, title="Счупена пейка", description="Пейката пред входа е счупена.",
        sender=services.Sender(email="Resident@Example.org"), place=Place(lon=23.3219, lat=42.6977)), None).signal
    letter = services.register(Kind.letter, services.SignalInput(
        category=letters, title="Писмо за двора", description="Моля, окосете двора.",
        sender=services.Sender(person_name="Иван Петров Иванов")), resident).signal
    staff = User(email="clerk@example.org", password_hash="-", role=Role.staff, first_name="Анна", last_name="Илиева")
    db.session.add(staff)
    db.session.flush()
    services.change_status(letter, Status.in_progress, staff)
    request_clarification(letter, staff, "Кой е номерът на блока?")
    db.session.commit()
    return anonymous.number, letter.number


def test_a_claim_from_the_mail_and_an_answer_with_a_file(chromium, live_server, residents,  # noqa: F811
                                                         earlier_and_waiting, mail_worker, tmp_path):
    anonymous, letter = earlier_and_waiting
    context, page = phone(chromium)
    _log_in(page, live_server, residents[0])
    page.click("a[href='/my/claims']")
    page.wait_for_url("**/my/claims")
    found = {"claims": serious_violations(page)}
    shot(page, "claims-bg")
    page.check(f"input[name=number][value='{anonymous}']")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/my/claims")
    assert residents[0] in page.inner_text("main")
    page.goto(_mailed_link(mail_worker, residents[0], "/my/claims/confirm"))      # as it arrived by SMTP
    found["confirm"] = serious_violations(page)
    assert anonymous in page.inner_text("main")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/my/signals")
    assert anonymous in page.inner_text("main")
    page.goto(live_server + f"/signals/{letter}")
    assert "Кой е номерът на блока?" in page.inner_text("main")
    page.fill("#answer", "Блок 12, вход Б.")
    scan = tmp_path / "plan.pdf"
    scan.write_bytes(_pdf())
    page.set_input_files("#files", str(scan))
    found["answer"] = serious_violations(page)
    shot(page, "clarification-answer-bg")
    page.click("#clarify button[type=submit]")
    page.wait_for_url(f"**/signals/{letter}")
    assert "Блок 12, вход Б." in page.inner_text("main") and f"{letter}-1.pdf" in page.inner_text("ul.files")
    assert found == {"claims": [], "confirm": [], "answer": []}
    assert page.hosts == {live_server.split("/")[2]} and not page.errors, (page.hosts, page.errors)
    context.close()
