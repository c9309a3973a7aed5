"""Deadlines: the rules per kind of the jurisdiction profile (signals/jurisdiction.py), counted on the working-day
calendar.

Deadlines are local dates (APP_TIMEZONE). Calendar-day periods ignore holidays
inside them; a period that ends on a non-working day ends on the next working day.
A rule change applies to items registered afterwards: the due date is stored on
the item when it is registered.
"""

from __future__ import annotations

import bisect
import calendar as _calendar
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.kinds import Kind
from signals import workflow
from signals.jurisdiction import Rule, profile
from signals.models import CalendarDay

CLARIFICATION_ANSWER_DAYS = 30   # the filer's time to answer a clarification request
MAX_CALENDAR_SCAN = 60           # no run of non-working days is longer than this


def rules(jurisdiction: str = "BG") -> dict[Kind, Rule]:
    """The deadline rule of each kind in a jurisdiction profile (signals/jurisdiction.py)."""
    return profile(jurisdiction).rules


def rule_for(kind: Kind) -> Rule:
    """The rule for a kind under the configured jurisdiction."""
    return profile().rules[kind]


class CalendarGap(LookupError):
    """A date the working-day calendar does not cover."""

    def __init__(self, day: date):
        super().__init__(f"the working-day calendar has no row for {day.isoformat()}: run `flask calendar sync`")
        self.day = day


class ExtensionNotAllowed(ValueError):
    """A ZDOI extension the law does not allow here."""


def _working_days(first: date, last: date) -> dict[date, bool]:
    rows = db.session.execute(select(CalendarDay.day, CalendarDay.working)
                              .where(CalendarDay.day.between(first, last))).all()
    found = {row.day: row.working for row in rows}
    day = first
    while day <= last:
        if day not in found:
            raise CalendarGap(day)
        day += timedelta(days=1)
    return found


def is_working(day: date) -> bool:
    """Whether a local date is a working day (from calendar_days)."""
    return _working_days(day, day)[day]


def next_working_day(day: date) -> date:
    """The day itself if it is a working day, else the first working day after it (one statement: the first
    working day of the span, and how many days up to it the calendar has, which must be all of them)."""
    last = day + timedelta(days=MAX_CALENDAR_SCAN)
    first_working = select(func.min(CalendarDay.day)).where(CalendarDay.day.between(day, last),
                                                           CalendarDay.working.is_(True)).scalar_subquery()
    known_days = (select(func.count()).select_from(CalendarDay)
                  .where(CalendarDay.day.between(day, func.coalesce(first_working, last))).scalar_subquery())
    found, known = db.session.execute(select(first_working, known_days)).one()
    if found is None or known != (found - day).days + 1:
        _working_days(day, found or last)          # names the first missing date
        raise CalendarGap(last)
    return found


def nth_working_day_after(day: date, n: int):
    """SQL (a scalar subquery): the n-th working day after a local date, from calendar_days (NULL beyond it);
    for "due within n working days" and reminders n working days ahead."""
    return (select(CalendarDay.day).where(CalendarDay.day > day, CalendarDay.working.is_(True))
            .order_by(CalendarDay.day).offset(n - 1).limit(1).scalar_subquery())


def working_days_left(due_dates: list[date | None], today: date | None = None) -> dict[date, int]:
    """For each due date, the working days from tomorrow up to it (0 on the due date itself; negative once overdue:
    the working days since), from one read of the calendar."""
    today = today or clock.today()
    dues = {d for d in due_dates if d is not None}
    if not dues:
        return {}
    low, high = min(dues | {today}), max(dues | {today})
    working = db.session.scalars(select(CalendarDay.day).where(CalendarDay.day > low, CalendarDay.day <= high,
                                                               CalendarDay.working.is_(True))
                                 .order_by(CalendarDay.day)).all()
    before = bisect.bisect_right(working, today)           # working days up to today
    return {due: bisect.bisect_right(working, due) - before for due in dues}


def add_months(day: date, months: int) -> date:
    """Same day of the month, clamped to the month's end (31 Dec + 2 months = 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def period_end(start: date, rule: Rule) -> date:
    """The last day of a period starting on a local date, before the non-working-day rule."""
    if rule.unit == "days":
        return start + timedelta(days=rule.amount)
    if rule.unit == "months":
        return add_months(start, rule.amount)
    if rule.unit == "working_days":
        span = _working_days(start, start + timedelta(days=rule.amount * 3 + MAX_CALENDAR_SCAN))
        day, left = start, rule.amount
        while left:
            day += timedelta(days=1)
            left -= span[day]
        return day
    raise ValueError(f"unknown unit {rule.unit!r}")


def due_from(start: date, rule: Rule) -> date:
    """The due date of a period starting on a local date: its end, moved to a working day."""
    end = period_end(start, rule)
    return end if rule.unit == "working_days" else next_working_day(end)


def deadline(kind: Kind, registered_at: datetime) -> date:
    """The due date of an item registered at a moment, counted from its local registration date."""
    return due_from(clock.local_date(registered_at), rule_for(kind))


def due_after_clarification(kind: Kind, *, due_on: date, paused_on: date, answered_on: date) -> date:
    """The new due date once the filer's clarification is registered.

    ZDOI art. 29: an information request's 14 days start again in full. Other kinds
    resume with the days that were left when the clock stopped.
    """
    rule = rule_for(kind)
    if rule.restart_on_clarification:
        return due_from(answered_on, rule)
    days_left = max((due_on - paused_on).days, 0)
    return next_working_day(answered_on + timedelta(days=days_left))


def clarification_expires_on(notice_sent_at: datetime) -> date:
    """The last day the filer may answer a clarification request (30 days from the notice's sending)."""
    return clock.local_date(notice_sent_at) + timedelta(days=CLARIFICATION_ANSWER_DAYS)


def extended_due(kind: Kind, *, period_start: date, due_on: date, article: str, reason: str,
                 on: date | None = None) -> date:
    """The due date after a ZDOI extension (art. 30: +10, art. 31: +14 days on the 14), before the deadline only."""
    extra = dict(rule_for(kind).extensions).get(article)
    if extra is None:
        raise ExtensionNotAllowed(f"{kind.value} has no extension under article {article!r}")
    if not reason.strip():
        raise ExtensionNotAllowed("an extension needs a reason, which the filer is told")
    if (on or clock.today()) > due_on:
        raise ExtensionNotAllowed(f"the deadline {due_on.isoformat()} has passed: it can no longer be extended")
    base = rule_for(kind)
    return next_working_day(period_start + timedelta(days=base.amount + extra))


def is_overdue(item, on: date | None = None) -> bool:
    """Past its due date while its deadline runs (open, not waiting for a clarification); computed, never
    stored."""
    return bool(item.due_on) and workflow.clock_runs(item.status) and (on or clock.today()) > item.due_on


def is_tacit_refusal(item, on: date | None = None) -> bool:
    """An information request past its deadline with no decision: a tacit refusal that may be appealed."""
    return item.kind == Kind.info_request and is_overdue(item, on)
