"""Deadlines kept by the registry itself: admins' calendar changes move the due dates they touch, and staff are
reminded three working days before a deadline, once.

A day made non-working moves every open item due on it to the next working day, with a public history entry
that says so (the filer sees why the date changed). A day made working never moves a due date earlier. The
reminder goes to the assignee, or to the department's managers when nobody is assigned; an internal history
entry records it, so it is sent once per due date."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app import audit, clock
from app.accounts.models import User
from app.departments.models import Membership
from app.extensions import db
from app.mail import outbox
from signals import calendar, deadlines, workflow
from signals.models import Signal, Update, UpdateKind, Visibility
from signals.workflow import Status

REMIND_DAYS = 3
OPEN = sorted((s for s in Status if workflow.is_open(s)), key=lambda s: s.value)


def change_day(day: date, working: bool, note: str, actor: User) -> int:
    """Make a date working or non-working; returns how many due dates moved."""
    calendar.set_day(day, working, note, actor.id)
    db.session.flush()
    if working:
        return 0
    moved = 0
    new_due = deadlines.next_working_day(day)
    for item in db.session.scalars(select(Signal).where(Signal.due_on == day, Signal.status.in_(OPEN))
                                   .with_for_update()):
        item.due_on = new_due
        item.updates.append(Update(kind=UpdateKind.due_moved, visibility=Visibility.public, created_at=clock.now(),
                                   author_id=actor.id, body=note.strip()[:200],
                                   data={"old": day.isoformat(), "new": new_due.isoformat()}))
        audit.record(actor.id, "due_moved", "signal", item.id, old=day.isoformat(), new=new_due.isoformat())
        moved += 1
    db.session.flush()
    return moved


def _reminded(item: Signal) -> bool:
    return any(u.kind == UpdateKind.reminder and (u.data or {}).get("due_on") == item.due_on.isoformat()
               for u in item.updates)


def _recipients(item: Signal) -> list[User]:
    if item.assignee_id:
        return [db.session.get(User, item.assignee_id)]
    return list(db.session.scalars(select(User).join(Membership).where(
        Membership.department_id == item.department_id, Membership.is_manager.is_(True), User.active.is_(True))))


def remind() -> int:
    """The daily task: open items due on the third working day from today are reminded of, once; returns how
    many items were."""
    due = db.session.scalar(select(deadlines.nth_working_day_after(clock.today(), REMIND_DAYS)))
    if due is None:
        return 0
    reminded = 0
    for item in db.session.scalars(select(Signal).where(Signal.due_on == due, Signal.status.in_(workflow.RUNNING))
                                   .with_for_update(skip_locked=True)):
        if _reminded(item):
            continue
        people = [p for p in _recipients(item) if p is not None]
        for person in people:
            outbox.add(person.email, "console/reminder",
                       {"number": item.number, "due_on": item.due_on, "link": f"/console/signals/{item.number}"},
                       locale=person.locale or "bg", signal_id=item.id)
        item.updates.append(Update(kind=UpdateKind.reminder, visibility=Visibility.internal, created_at=clock.now(),
                                   data={"due_on": item.due_on.isoformat(), "to": len(people)}))
        reminded += 1
    db.session.flush()
    return reminded
