"""Corrections from the console: a duplicate moves its supporters to the earlier signal and tells the filer; a
letter becomes a complaint (never a public kind) with its due date counted again; the category and the point
change; each writes its history entry and audit row."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from app import clock
from app.accounts.models import Role
from app.audit import AuditEntry
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from signals.models import Supporter, UpdateKind
from signals.workflow import Status
from tests.console.test_console_access import SECRET
from tests.signals.formhelpers import form_token


def _post(client, item, action: str, **data):
    page = client.get(f"/console/signals/{item.number}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    return client.post(f"/console/signals/{item.number}/{action}", data={
        "csrf_token": form_token(client, f"/console/signals/{item.number}"), "version": version, **data})


def _audited(action: str, item) -> bool:
    return db.session.scalar(select(AuditEntry).where(AuditEntry.action == action,
                                                      AuditEntry.object_id == item.id)) is not None


def test_a_duplicate_moves_its_supporters_and_tells_the_filer(app, db_session, create_category, create_user,
                                                                create_signal, login_as):
    category = create_category(Kind.problem)
    staff = create_user(Role.staff, department=category.department, totp_secret=SECRET)
    original = create_signal(Kind.problem, category=category)
    twin = create_signal(Kind.problem, category=category, email="twin@example.org")
    for key in ("a" * 64, "b" * 64):
        db.session.add(Supporter(signal_id=twin.id, key=key, created_at=clock.now()))
    db.session.add(Supporter(signal_id=original.id, key="a" * 64, created_at=clock.now()))
    db.session.commit()
    assert _post(login_as(staff), twin, "duplicate", original=original.number.lower()).status_code == 303
    db.session.refresh(twin)
    assert twin.status == Status.duplicate and _audited("duplicate", twin)
    assert db.session.scalar(select(func.count()).select_from(Supporter)
                             .where(Supporter.signal_id == original.id)) == 2
    assert db.session.scalar(select(func.count()).select_from(Supporter).where(Supporter.signal_id == twin.id)) == 0
    assert db.session.scalar(select(Delivery).where(Delivery.recipient == "twin@example.org",
                                                    Delivery.template == "status")) is not None


def test_kind_category_and_point_change_within_their_rules(app, db_session, create_category, create_user,
                                                           create_signal, login_as):
    letters = create_category(Kind.letter)
    complaints = create_category(Kind.complaint, department=letters.department)
    problems = create_category(Kind.problem)
    other_problems = create_category(Kind.problem, department=problems.department)
    staff = create_user(Role.staff, department=letters.department, totp_secret=SECRET)
    field = create_user(Role.staff, department=problems.department, totp_secret=SECRET)
    letter = create_signal(Kind.letter, category=letters, user=create_user(), point=None)
    problem = create_signal(Kind.problem, category=problems)
    db.session.commit()
    client = login_as(staff)
    assert _post(client, letter, "kind", category=complaints.code).status_code == 303
    db.session.refresh(letter)
    assert letter.kind == Kind.complaint and letter.number.startswith("LT-") and _audited("correct_kind", letter)
    assert _post(client, letter, "kind", category=problems.code).status_code == 303     # never a public kind
    db.session.refresh(letter)
    assert letter.kind == Kind.complaint
    worker = login_as(field)
    _post(worker, problem, "category", category=other_problems.code)
    _post(worker, problem, "point", lat="42,6977", lon="23.3219")
    db.session.refresh(problem)
    assert problem.category_id == other_problems.id and problem.area is not None
    kinds = [u.kind for u in problem.updates]
    assert UpdateKind.category_change in kinds and UpdateKind.relocation in kinds


def test_redaction_takes_personal_data_out_of_the_public_page_and_keeps_it_for_staff(
        app, db_session, create_category, create_user, create_signal, login_as):
    category = create_category(Kind.problem)
    staff = create_user(Role.staff, department=category.department, totp_secret=SECRET)
    item = create_signal(Kind.problem, category=category, title="Дупка пред дома на Иван Петров",
                         description="Дупка. Телефонът ми е 0888 123 456.")
    db.session.commit()
    client = login_as(staff)
    assert _post(client, item, "redact", title="Дупка пред дома", description="Дупка.").status_code == 303
    public = app.test_client().get(f"/signals/{item.number}").get_data(as_text=True)
    assert "Иван Петров" not in public and "0888 123 456" not in public and "Дупка пред дома" in public
    console = client.get(f"/console/signals/{item.number}").get_data(as_text=True)
    assert "Иван Петров" in console and "0888 123 456" in console and _audited("redaction", item)
    db.session.refresh(item)
    assert [u.visibility.value for u in item.updates if u.kind == UpdateKind.redaction] == ["internal"]
