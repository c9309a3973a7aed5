"""A private item in Chromium on a phone: log in, file an information request with a PDF, review, edit, confirm,
read the number, find it in My signals, download the PDF; another resident's browser gets 404. axe on the form,
the review and the cabinet; screenshots of each."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfWriter
from sqlalchemy import select

from app.accounts.models import User
from app.accounts.passwords import hash_password
from app.extensions import db
from tests.browser.pages import phone, serious_violations, shot

pytestmark = pytest.mark.browser
PASSWORD = "quiet-orchard-lantern-47"


def _pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture
def residents(demo_city):
    """The demo resident with a known password, and a second resident."""
    resident = db.session.scalar(select(User).where(User.email == "resident@example.org"))
    resident.password_hash = hash_password(PASSWORD)
    other = User(email="neighbour@example.org", password_hash=hash_password(PASSWORD), first_name="Мария",
                 last_name="Колева", confirmed_at=resident.confirmed_at)
    db.session.add(other)
    db.session.commit()
    return resident.email, other.email


def _log_in(page, base: str, email: str) -> None:
    page.goto(base + "/account/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/my/signals")


def test_an_information_request_with_a_pdf_from_form_to_download(chromium, live_server, residents, tmp_path):
    mine, theirs = residents
    context, page = phone(chromium)
    _log_in(page, live_server, mine)
    page.goto(live_server + "/signals/new?kind=info_request")
    found = {"form": serious_violations(page)}
    assert page.input_value("#person_name") == "Иван Петров Иванов"
    page.fill("#title", "Договори за почистване")
    page.fill("#description", "Моля, предоставете договорите за почистване за 2026 г.")
    page.check("input[name=access_form][value=electronic]")
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_pdf())
    page.set_input_files("#files", str(scan))
    shot(page, "private-form-bg")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/signals/new/review?draft=*")
    assert "scan.pdf" in page.inner_text("main") and "Договори за почистване" in page.inner_text("main")
    found["review"] = serious_violations(page)
    page.click("a.secondary-link")                                           # Edit keeps everything
    page.wait_for_url(re.compile(r".*/signals/new\?.*draft=.*"))
    assert page.input_value("#title") == "Договори за почистване" and "scan.pdf" in page.inner_text("main")
    page.fill("#title", "Договори за почистване, 2026")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/signals/new/review?draft=*")
    shot(page, "private-review-bg")
    page.click("#confirm")
    page.wait_for_url("**/registered")
    number = page.inner_text("#registered-number")
    assert re.fullmatch(r"IR-\d{4}-\d{6}", number) and "ЗДОИ" in page.inner_text("#due-basis")
    page.goto(live_server + "/my/signals")
    found["cabinet"] = serious_violations(page)
    assert number in page.inner_text("main")
    shot(page, "private-cabinet-bg")
    page.click(f"text={number}")
    link = page.locator("ul.files a").first
    with page.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
    attachment = link.get_attribute("href")
    other_context, other = phone(chromium)
    _log_in(other, live_server, theirs)
    for path in (f"/signals/{number}", attachment):
        response = other.goto(live_server + path)
        assert response.status == 404, path
    assert found == {"form": [], "review": [], "cabinet": []}
    assert page.hosts == {live_server.split("/")[2]} and not page.errors, (page.hosts, page.errors)
    other_context.close()
    context.close()
