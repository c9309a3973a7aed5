"""Deadlines the registry keeps (frozen clock, real calendar table): a day made non-working by an admin moves the
due dates on it and the history says so, a day made working never moves one earlier; the three-working-day
reminder goes once to the assignee (to the managers when nobody is assigned); overdue turns at local midnight."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app import clock
from app.accounts.models import Role
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from signals import deadlines
from signals.models import CalendarDay, UpdateKind
from signals.services import deadline_care
from tests.console.test_console_access import SECRET
from tests.signals.formhelpers import form_token


def test_a_day_made_non_working_moves_the_due_dates_on_it_and_says_so(app, db_session, create_category,
                                                                      create_signal, create_user, login_as):
    category = create_category(Kind.problem)
    with clock.frozen("2026-11-02 10:00"):                      # 30 days: due on Wednesday 2 December
        item = create_signal(Kind.problem, category=category)
        later = create_signal(Kind.problem, category=category)
    later.due_on = date(2026, 12, 9)
    db.session.commit()
    assert item.due_on == date(2026, 12, 2)
    admin = login_as(create_user(Role.admin, totp_secret=SECRET))
    admin.set_cookie("lang", "en")
    with clock.frozen("2026-11-20 10:00"):
        response = admin.post("/console/calendar", data={"csrf_token": form_token(admin, "/console/calendar"),
                                                         "day": "2026-12-02", "working": "no",
                                                         "note": "Ден на траур, обявен от общината"})
    assert response.status_code == 303
    db.session.refresh(item)
    db.session.refresh(later)
    assert item.due_on == date(2026, 12, 3) and later.due_on == date(2026, 12, 9)
    moved = [u for u in item.updates if u.kind == UpdateKind.due_moved]
    assert moved and moved[0].data == {"old": "2026-12-02", "new": "2026-12-03"}
    public = app.test_client()
    public.set_cookie("lang", "en")
    assert "due date moved" in public.get(f"/signals/{item.number}").get_data(as_text=True)
    working = db.session.get(CalendarDay, date(2026, 12, 5))               # a Saturday made working
    assert working.working is False
    with clock.frozen("2026-11-20 10:00"):
        admin.post("/console/calendar", data={"csrf_token": form_token(admin, "/console/calendar"),
                                              "day": "2026-12-05", "working": "yes", "note": "Отработване"})
    db.session.refresh(item)
    assert item.due_on == date(2026, 12, 3)                                # never earlier


def test_the_reminder_goes_once_three_working_days_before_the_deadline(app, db_session, create_category,
                                                                       create_signal, create_user):
    category = create_category(Kind.problem)
    manager = create_user(Role.staff, department=category.department, manager=True)
    staff = create_user(Role.staff, department=category.department)
    assigned, unassigned = (create_signal(Kind.problem, category=category) for _ in range(2))
    assigned.due_on = unassigned.due_on = date(2026, 12, 10)               # Thursday
    assigned.assignee_id = staff.id
    db.session.flush()
    with clock.frozen("2026-12-04 07:00"):                                 # Friday: Mon, Tue, Wed — not yet
        assert deadline_care.remind() == 0
    with clock.frozen("2026-12-07 07:00"):                                 # Monday: Tue, Wed, Thu
        assert deadline_care.remind() == 2
        assert deadline_care.remind() == 0                                 # once
    sent = {(d.recipient, d.signal_id) for d in db.session.scalars(select(Delivery).where(
        Delivery.template == "console/reminder"))}
    assert sent == {(staff.email, assigned.id), (manager.email, unassigned.id)}


def test_an_item_turns_overdue_at_local_midnight(app, db_session, create_signal):
    item = create_signal(Kind.problem)
    item.due_on = date(2026, 12, 10)
    with clock.frozen("2026-12-10 23:30"):
        assert not deadlines.is_overdue(item)
    with clock.frozen("2026-12-11 00:30"):
        assert deadlines.is_overdue(item)
