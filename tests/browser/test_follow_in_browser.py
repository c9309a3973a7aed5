"""Following in Chromium, with the real worker and an aiosmtpd server: a visitor follows a public signal by email,
confirms from the mail as it arrived, staff change the status, the visitor's mail arrives and its unsubscribe
button works; a logged-in resident follows a second signal, finds it in My subscriptions and sees the unread count
rise after a status change. axe on the follow, subscriptions and messages pages; screenshots of them."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.kinds import Kind
from signals import access
from signals.models import Signal
from signals.workflow import Status
from tests.browser.pages import phone, serious_violations, shot
from tests.browser.test_accounts_in_browser import mail_worker  # noqa: F401
from tests.browser.test_console_in_browser import WIDE, _log_in_with_code, manager  # noqa: F401
from tests.browser.test_private_filing_in_browser import PASSWORD as RESIDENT_PASSWORD
from tests.browser.test_private_filing_in_browser import _log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def two_signals(manager):
    """Two public problems in progress in the manager's directorate, and the demo resident's known password."""
    from app.accounts.passwords import hash_password

    department = db.session.get(User, manager[1]).memberships[0].department_id
    found = [s for s in db.session.scalars(select(Signal).where(
        Signal.kind == Kind.problem, Signal.department_id == department, Signal.status == Status.in_progress)
        .order_by(Signal.id)) if access.is_public(s)][:2]
    resident = db.session.scalar(select(User).where(User.email == "resident@example.org"))
    resident.password_hash = hash_password(RESIDENT_PASSWORD)
    db.session.commit()
    assert len(found) == 2
    return [s.number for s in found]


def _mail_link(handler, to: str, pattern: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in reversed(handler.messages):
            if to in message["To"]:
                text = message.get_body(preferencelist=("plain",)).get_content()
                if found := re.search(pattern, text):
                    return found.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no mail to {to} matching {pattern} within {timeout}s")


def _resolve(page, base: str, number: str) -> None:
    page.goto(f"{base}/console/signals/{number}")
    page.select_option("#status select", "resolved")
    page.click("#status button[type=submit]")
    page.wait_for_url(f"**/console/signals/{number}")


def test_a_visitor_follows_by_email_and_a_resident_in_one_click(chromium, live_server, manager, two_signals,
                                                                mail_worker):
    first, second = two_signals
    found = {}
    context, visitor = phone(chromium)
    visitor.goto(f"{live_server}/signals/{first}")
    visitor.click("#follow a")
    visitor.wait_for_url(f"**/signals/{first}/follow")
    visitor.fill("#email", "walker@example.org")
    found["follow"] = serious_violations(visitor)
    shot(visitor, "follow-by-email-bg")
    visitor.click("main form button[type=submit]")
    assert "Проверете пощата си" in visitor.inner_text("main")
    confirm = _mail_link(mail_worker, "walker@example.org", r"(https?://\S+/subscriptions/confirm\?f=\d+&t=\S+)")
    visitor.goto(confirm)
    visitor.click("main form button[type=submit]")
    assert f"Следите {first}" in visitor.inner_text("main")

    staff_context, staff = phone(chromium)
    staff.set_viewport_size(WIDE)
    _log_in_with_code(staff, live_server, manager[0])
    _resolve(staff, live_server, first)
    unsubscribe = _mail_link(mail_worker, "walker@example.org",
                             r"(https?://\S+/subscriptions/unsubscribe\?f=\d+&t=\S+)")
    visitor.goto(unsubscribe)
    visitor.click("main form button[type=submit]")
    assert "Няма да получавате повече имейли" in visitor.inner_text("main")
    context.close()

    resident_context, resident = phone(chromium)
    _log_in(resident, live_server, "resident@example.org")
    resident.goto(f"{live_server}/signals/{second}")
    resident.click("#follow button")
    resident.wait_for_url(f"**/signals/{second}")
    resident.goto(f"{live_server}/my/subscriptions")
    assert second in resident.inner_text("main")
    found["subscriptions"] = serious_violations(resident)
    shot(resident, "my-subscriptions-bg")
    assert resident.locator(".messages-link .count").count() == 0
    _resolve(staff, live_server, second)
    deadline = time.monotonic() + 60
    while resident.locator(".messages-link .count").count() == 0 and time.monotonic() < deadline:
        time.sleep(0.5)
        resident.reload()
    assert resident.inner_text(".messages-link .count") == "1"
    resident.click(".messages-link")
    resident.wait_for_url("**/my/messages")
    assert second in resident.inner_text("main")
    found["messages"] = serious_violations(resident)
    shot(resident, "my-messages-bg")
    resident.goto(f"{live_server}/alerts/new")                            # an alert by district, no JavaScript needed
    resident.select_option("#district", index=1)
    found["alerts"] = serious_violations(resident)
    shot(resident, "alert-new-bg")
    resident.click("#alert-form button[type=submit]")
    resident.wait_for_url("**/my/subscriptions")
    assert resident.locator("form[action*='/my/alerts/']").count() == 1
    assert found == {"follow": [], "subscriptions": [], "messages": [], "alerts": []}
    resident_context.close()
    staff_context.close()
