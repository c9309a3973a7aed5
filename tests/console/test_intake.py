"""An operator registers a phone caller's items: any kind, the channel and the operator recorded, the caller's
contact details and scans kept, the tracking link mailed when an email is given, no per-IP limit; a caller's
earlier items found by email or phone; a resident or plain staff get 404; bad input is named at its field."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from geo.models import Area, AreaLevel
from signals.models import Channel, Signal
from tests.console.test_console_access import SECRET
from tests.signals.test_private_attachments import pdf


@pytest.fixture
def desk(app, db_session, create_user, create_category):
    operator = create_user(Role.operator, totp_secret=SECRET)
    complaints, problems = create_category(Kind.complaint), create_category(Kind.problem)
    db.session.commit()
    return {"operator": operator, "complaints": complaints, "problems": problems}


def _form(client) -> dict:
    page = client.get("/console/intake").get_data(as_text=True)
    return dict(re.findall(r'name="(csrf_token|submission_key)" type="hidden" value="([^"]+)"', page))


def test_an_operator_registers_a_phone_callers_complaint_with_a_scan(app, desk, login_as):
    client = login_as(desk["operator"])
    data = {**_form(client), "kind": "complaint", "channel": "phone", "category": desk["complaints"].code,
            "title": "Грубо отношение на гишето", "description": "Гражданинът се оплаква от отношението.",
            "person_name": "Петър Иванов Петров", "email": "petar@example.org", "phone": "+359 88 123 4567",
            "files": [(io.BytesIO(pdf()), "scan.pdf")]}
    response = client.post("/console/intake", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    number = response.headers["Location"].rsplit("/", 1)[1]
    item = db.session.scalar(select(Signal).where(Signal.number == number))
    assert (item.kind, item.channel, item.registered_by_id, item.user_id) == (
        Kind.complaint, Channel.phone, desk["operator"].id, None)
    assert item.filer.person_name == "Петър Иванов Петров" and [a.content_type for a in item.attachments] == [
        "application/pdf"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert number in page and "Петър Иванов Петров" in page
    mail = db.session.scalar(select(Delivery).where(Delivery.template == "registered"))
    assert mail.recipient == "petar@example.org"
    again = client.post("/console/intake", data={**data, "files": []}, content_type="multipart/form-data")
    assert again.headers["Location"].endswith(number)                      # the same POST: the first number
    found = client.get("/console/intake?lookup=0881234567").get_data(as_text=True)
    assert number in found
    assert number in client.get("/console/intake?lookup=PETAR@example.org").get_data(as_text=True)


def test_operators_are_not_held_to_the_per_ip_filing_limit(app, desk, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "FILING_RATE_LIMIT", "1 per hour")
    client = login_as(desk["operator"])
    district = db.session.scalar(select(Area.id).where(Area.level == AreaLevel.district))
    for n in range(3):
        response = client.post("/console/intake", data={
            **_form(client), "kind": "problem", "channel": "in_person", "category": desk["problems"].code,
            "title": f"Дупка {n}", "description": "Дупка на тротоара.", "district": str(district),
            "place_description": "пред блок 5"})
        assert response.status_code == 303, response.get_data(as_text=True)[:200]


def test_bad_input_is_named_at_its_field_and_nothing_is_registered(app, desk, login_as):
    client = login_as(desk["operator"])
    client.set_cookie("lang", "en")
    response = client.post("/console/intake", data={
        **_form(client), "kind": "complaint", "channel": "phone", "category": desk["problems"].code,
        "title": "Оплакване", "description": "Текст.", "email": "not-an-address"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="category-error"' in page and 'id="person_name-error"' in page
    assert 'id="email-error"' in page and db.session.scalar(select(Signal.id)) is None


def test_only_operators_and_admins_register_for_callers(app, desk, create_user, create_department, login_as):
    staff = create_user(Role.staff, department=create_department(), totp_secret=SECRET)
    resident = create_user(totp_secret=SECRET)
    assert login_as(staff).get("/console/intake").status_code == 404
    assert login_as(resident).get("/console/intake").status_code == 404
    assert login_as(create_user(Role.admin, totp_secret=SECRET)).get("/console/intake").status_code == 200
