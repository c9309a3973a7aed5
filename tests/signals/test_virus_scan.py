"""The optional virus scan, against a real clamd (tests/fixtures/clamd.py): an infected file is refused at its
field with nothing stored; a file uploaded while the daemon is away waits, staff cannot download it, and the
relay's pass releases it (or deletes it) once the daemon answers; the filer always gets what they sent."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.accounts.models import Role
from app.extensions import db
from app.kinds import Kind
from app.mail import relay
from signals import virus_scan
from signals.drafts import Draft
from signals.models import Attachment, Signal
from tests.fixtures.clamd import MALWARE_MARK
from tests.signals.formhelpers import form_token
from tests.signals.test_private_attachments import _send, _stored, pdf


def infected_pdf() -> bytes:
    """A well-formed PDF that carries the test signature in a trailing comment."""
    return pdf() + b"%" + MALWARE_MARK + b"\n"


@pytest.fixture(autouse=True)
def scanner_setting_restored(app, monkeypatch):
    """Each test sets CLAMD_SOCKET as it needs; the setting is restored after it."""
    monkeypatch.setitem(app.config, "CLAMD_SOCKET", "")


@pytest.fixture
def filer(create_user):
    return create_user(first_name="Мария", middle_name="Иванова", last_name="Петрова", address="ул. „Раковски“ 1")


def _file_letter(client, category, content: bytes) -> tuple[Signal, Attachment]:
    sent = _send(client, category, [(content, "scan.pdf")])
    assert sent.status_code == 303, sent.get_data(as_text=True)[:300]
    key = sent.headers["Location"].split("draft=")[1]
    token = form_token(client, sent.headers["Location"])
    done = client.post("/signals/new/review", data={"draft": key, "csrf_token": token})
    number = done.headers["Location"].split("/")[2]
    item = db.session.scalar(select(Signal).where(Signal.number == number))
    return item, db.session.scalar(select(Attachment).where(Attachment.signal_id == item.id))


def test_the_daemon_itself_answers_clean_and_infected(app, db_session, clamd_socket):
    app.config["CLAMD_SOCKET"] = clamd_socket
    assert virus_scan.scan(pdf()) == virus_scan.CLEAN
    assert virus_scan.scan(b"%PDF-1.4 " + MALWARE_MARK) == virus_scan.INFECTED
    app.config["CLAMD_SOCKET"] = ""
    assert virus_scan.scan(b"%PDF-1.4 " + MALWARE_MARK) == virus_scan.NOT_SCANNED


def test_an_infected_pdf_is_refused_at_its_field_and_nothing_is_stored(app, clamd_socket, filer, create_category,
                                                                     login_as):
    app.config["CLAMD_SOCKET"] = clamd_socket
    category = create_category(Kind.letter)
    client = login_as(filer)
    client.set_cookie("lang", "en")
    before = _stored(app)
    response = _send(client, category, [(infected_pdf(), "report.pdf")])
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'id="files-error"' in page and "virus check found" in page
    assert _stored(app) == before and db.session.scalar(select(func.count()).select_from(Draft)) == 0


def test_a_clean_file_is_marked_clean_and_staff_download_it(app, clamd_socket, filer, create_category,
                                                            create_user, login_as):
    app.config["CLAMD_SOCKET"] = clamd_socket
    category = create_category(Kind.letter)
    item, attachment = _file_letter(login_as(filer), category, pdf())
    assert attachment.scan_status == virus_scan.CLEAN
    staff = login_as(create_user(Role.staff, department=category.department))
    assert staff.get(f"/signals/{item.number}/attachments/{attachment.id}").status_code == 200


def test_a_file_waits_while_the_daemon_is_away_and_the_relay_pass_decides(app, clamd_socket, tmp_path, filer,
                                                                         create_category, create_user, login_as):
    app.config["CLAMD_SOCKET"] = str(tmp_path / "no-clamd-here.sock")           # the daemon is down
    category = create_category(Kind.letter)
    client = login_as(filer)
    client.set_cookie("lang", "en")
    item, waiting = _file_letter(client, category, pdf())
    _, bad = _file_letter(client, category, infected_pdf())
    assert waiting.scan_status == bad.scan_status == virus_scan.PENDING
    staff = login_as(create_user(Role.staff, department=category.department))
    staff.set_cookie("lang", "en")
    held = staff.get(f"/signals/{item.number}/attachments/{waiting.id}")
    assert held.status_code == 409 and "waiting for its virus check" in held.get_data(as_text=True)
    assert client.get(f"/signals/{item.number}/attachments/{waiting.id}").status_code == 200     # the filer's own
    assert "waiting for the virus check" in client.get(f"/signals/{item.number}").get_data(as_text=True)
    assert "attachment-scan" in relay.run_pass_tasks()                             # still away: nothing decided
    db.session.refresh(waiting)
    assert waiting.scan_status == virus_scan.PENDING
    app.config["CLAMD_SOCKET"] = clamd_socket                                       # the daemon is back
    relay.run_pass_tasks()
    db.session.refresh(waiting)
    db.session.refresh(bad)
    assert (waiting.scan_status, bad.scan_status) == (virus_scan.CLEAN, virus_scan.INFECTED)
    assert staff.get(f"/signals/{item.number}/attachments/{waiting.id}").status_code == 200
    assert not (Path(app.config["UPLOAD_DIR"]) / bad.storage_key).exists()
    gone = client.get(f"/signals/{bad.signal.number}/attachments/{bad.id}")
    assert gone.status_code == 410 and "malicious content" in gone.get_data(as_text=True)
