"""The deadline rules against the fixed vectors of ARCHITECTURE.md, on the synced working-day calendar."""

from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app import clock as app_clock
from app.kinds import Kind
from signals import calendar, deadlines
from signals.models import CalendarDay
from signals.workflow import Status


def local(text: str) -> datetime:
    return app_clock.parse_local(text)


def test_info_request_due_after_14_days_moved_off_a_holiday(db_session):
    # 2026-05-06 (St George's Day) is not a working day.
    assert deadlines.deadline(Kind.info_request, local("2026-04-22 10:00")) == date(2026, 5, 7)


def test_the_registration_date_is_local_not_utc(db_session):
    registered = datetime(2026, 4, 21, 21, 30, tzinfo=timezone.utc)   # 00:30 on 04-22 in Sofia
    assert deadlines.deadline(Kind.info_request, registered) == date(2026, 5, 7)


def test_december_request_and_its_art_30_extension(db_session):
    due = deadlines.deadline(Kind.info_request, local("2026-12-14 09:00"))
    assert due == date(2026, 12, 29)                                   # 12-28 is an observed holiday
    extended = deadlines.extended_due(Kind.info_request, period_start=date(2026, 12, 14), due_on=due, article="30",
                                  reason="голям обем информация", on=date(2026, 12, 20))
    assert extended == date(2027, 1, 7)
    art31 = deadlines.extended_due(Kind.info_request, period_start=date(2026, 12, 14), due_on=due, article="31",
                               reason="засяга трето лице", on=date(2026, 12, 20))
    assert art31 == date(2027, 1, 11)                                  # +28 = 01-11 (Monday)


def test_clarification_restarts_the_14_days(db_session):
    due = deadlines.due_after_clarification(Kind.info_request, due_on=date(2026, 6, 5), paused_on=date(2026, 5, 29),
                                        answered_on=date(2026, 6, 10))
    assert due == date(2026, 6, 24)


def test_an_admin_non_working_day_moves_the_deadline(db_session):
    calendar.set_day(date(2026, 6, 24), working=False, note="общински празник")
    due = deadlines.due_after_clarification(Kind.info_request, due_on=date(2026, 6, 5), paused_on=date(2026, 5, 29),
                                        answered_on=date(2026, 6, 10))
    assert due == date(2026, 6, 25)


def test_a_proposal_has_two_months_clamped_to_the_month_end(db_session):
    # 2027-02-28 is a Sunday.
    assert deadlines.deadline(Kind.proposal, local("2026-12-31 12:00")) == date(2027, 3, 1)


def test_service_target_of_30_calendar_days(db_session):
    assert deadlines.deadline(Kind.problem, local("2026-03-02 08:00")) == date(2026, 4, 1)
    assert deadlines.deadline(Kind.letter, local("2026-10-02 08:00")) == date(2026, 11, 2)   # 11-01 is a Sunday


def test_other_kinds_resume_with_the_days_left(db_session):
    # 10 days were left when the clock stopped on 06-01; the answer came on 06-15 → 06-25.
    due = deadlines.due_after_clarification(Kind.letter, due_on=date(2026, 6, 11), paused_on=date(2026, 6, 1),
                                        answered_on=date(2026, 6, 15))
    assert due == date(2026, 6, 25)


def test_the_filer_has_30_days_to_clarify():
    assert deadlines.clarification_expires_on(local("2026-06-10 23:30")) == date(2026, 7, 10)


def test_a_date_outside_the_calendar_is_a_gap(db_session):
    with pytest.raises(deadlines.CalendarGap, match="2040-01-15"):
        deadlines.deadline(Kind.problem, local("2039-12-16 10:00"))


@pytest.mark.parametrize("kwargs,message", [
    ({"on": date(2026, 12, 30)}, "has passed"),
    ({"reason": "  "}, "reason"),
    ({"article": "32"}, "no extension"),
])
def test_extensions_the_law_does_not_allow(db_session, kwargs, message):
    args = {"period_start": date(2026, 12, 14), "due_on": date(2026, 12, 29), "article": "30",
            "reason": "обем", "on": date(2026, 12, 20), **kwargs}
    with pytest.raises(deadlines.ExtensionNotAllowed, match=message):
        deadlines.extended_due(Kind.info_request, **args)


def test_only_information_requests_are_extended(db_session):
    with pytest.raises(deadlines.ExtensionNotAllowed):
        deadlines.extended_due(Kind.letter, period_start=date(2026, 12, 14), due_on=date(2027, 1, 13), article="30",
                           reason="обем", on=date(2026, 12, 20))


def test_overdue_and_tacit_refusal_are_computed():
    item = SimpleNamespace(kind=Kind.info_request, status=Status.in_progress, due_on=date(2026, 5, 7))
    assert not deadlines.is_overdue(item, date(2026, 5, 7)) and deadlines.is_overdue(item, date(2026, 5, 8))
    assert deadlines.is_tacit_refusal(item, date(2026, 5, 8))
    item.status = Status.granted
    assert not deadlines.is_overdue(item, date(2026, 5, 8)) and not deadlines.is_tacit_refusal(item, date(2026, 5, 8))
    letter = SimpleNamespace(kind=Kind.letter, status=Status.registered, due_on=date(2026, 5, 7))
    assert deadlines.is_overdue(letter, date(2026, 5, 8)) and not deadlines.is_tacit_refusal(letter, date(2026, 5, 8))


def test_calendar_sync_is_idempotent_and_keeps_admin_days(db_session):
    calendar.set_day(date(2026, 6, 24), working=False, note="общински празник")
    in_span = select(func.count()).select_from(CalendarDay).where(
        CalendarDay.day.between(date(2023, 1, 1), date(2029, 12, 31)))
    calendar.sync(2026, 3)
    count = db_session.scalar(in_span)
    calendar.sync(2026, 3)
    assert db_session.scalar(in_span) == count == 2557
    assert db_session.get(CalendarDay, date(2026, 6, 24)).working is False
    assert db_session.get(CalendarDay, date(2026, 1, 2)).working is False    # listed by `holidays` for BG
    assert db_session.get(CalendarDay, date(2026, 5, 25)).source == "holiday"
