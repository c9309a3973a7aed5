"""Rerouting: an operator routes a complaint from the triage inbox; the routed department's staff then see it
and another department's do not; the filer and the new department are told; plain staff may not reroute."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.accounts.models import Role
from app.audit import AuditEntry
from app.departments.models import Category, Department
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from signals import services
from signals.models import UpdateKind
from tests.console.test_console_access import SECRET
from tests.signals.formhelpers import form_token


def _version(client, number: str) -> str:
    page = client.get(f"/console/signals/{number}").get_data(as_text=True)
    return re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)


def test_an_operator_routes_a_complaint_from_triage(app, db_session, create_user, create_department, login_as):
    triage = Department(code="CCT", name_bg="Контактен център", is_triage=True)
    routed = create_department(email="routed@example.org")
    elsewhere = create_department()
    db.session.add(triage)
    db.session.flush()
    category = Category(code="cc-complaint", kind=Kind.complaint, department=triage, name_bg="оплакване")
    db.session.add(category)
    operator = create_user(Role.operator, totp_secret=SECRET)
    item = services.register(Kind.complaint, services.SignalInput(
        category=category, title="Оплакване", description="Текст.",
        sender=services.Sender(person_name="Петър Петров", email="petar@example.org")),
        None, registered_by=create_user(Role.operator)).signal
    staff_b = create_user(Role.staff, department=routed, totp_secret=SECRET)
    staff_c = create_user(Role.staff, department=elsewhere, totp_secret=SECRET)
    db.session.commit()
    assert login_as(staff_b).get(f"/console/signals/{item.number}").status_code == 404
    client = login_as(operator)
    done = client.post(f"/console/signals/{item.number}/reroute",
                       data={"csrf_token": form_token(client, f"/console/signals/{item.number}"),
                             "version": _version(client, item.number), "department": str(routed.id),
                             "reason": "Компетентна е дирекцията."})
    assert done.status_code == 303
    db.session.refresh(item)
    assert item.department_id == routed.id and any(u.kind == UpdateKind.reroute for u in item.updates)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "reroute")) is not None
    assert login_as(staff_b).get(f"/console/signals/{item.number}").status_code == 200
    assert login_as(staff_c).get(f"/console/signals/{item.number}").status_code == 404
    assert client.get(f"/console/signals/{item.number}").status_code == 404      # it left triage
    sent = {(d.template, d.recipient) for d in db.session.scalars(select(Delivery))}
    assert ("rerouted", "petar@example.org") in sent and ("console/new_item", "routed@example.org") in sent


def test_plain_staff_may_not_reroute(app, db_session, create_user, create_category, create_department,
                                     create_signal, login_as):
    category = create_category(Kind.problem)
    item = create_signal(Kind.problem, category=category)
    staff = create_user(Role.staff, department=category.department, totp_secret=SECRET)
    other = create_department()
    db.session.commit()
    client = login_as(staff)
    client.set_cookie("lang", "en")
    refused = client.post(f"/console/signals/{item.number}/reroute", follow_redirects=True,
                          data={"csrf_token": form_token(client, f"/console/signals/{item.number}"),
                                "version": _version(client, item.number), "department": str(other.id),
                                "reason": "Не е наше."})
    db.session.refresh(item)
    assert item.department_id == category.department_id and "may not do this" in refused.get_data(as_text=True)
