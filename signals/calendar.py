"""The working-day calendar table: filled from the `holidays` package, edited by admins."""

from __future__ import annotations

from datetime import date, timedelta

import holidays
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert

from app import audit
from app.extensions import db
from signals.models import CalendarDay


def official_days(first_year: int, last_year: int, country: str = "BG") -> dict[date, tuple[bool, str, str]]:
    """Every date of the years: (working, source, note) from weekends and official holidays."""
    days: dict[date, tuple[bool, str, str]] = {}
    names = holidays.country_holidays(country, years=range(first_year, last_year + 1), observed=True)
    day = date(first_year, 1, 1)
    while day.year <= last_year:
        if day in names:
            days[day] = (False, "holiday", str(names.get(day))[:200])
        elif day.weekday() >= 5:
            days[day] = (False, "weekend", "")
        else:
            days[day] = (True, "workday", "")
        day += timedelta(days=1)
    return days


def sync(center_year: int, span: int = 3, country: str = "BG") -> int:
    """Fill calendar_days for center_year ± span; admin edits are kept. Returns rows written."""
    days = official_days(center_year - span, center_year + span, country)
    admin = set(db.session.scalars(select(CalendarDay.day).where(CalendarDay.source == "admin")))
    rows = [{"day": d, "working": w, "source": s, "note": n} for d, (w, s, n) in days.items() if d not in admin]
    if not rows:
        return 0
    stmt = insert(CalendarDay).values(rows)
    stmt = stmt.on_conflict_do_update(
        index_elements=[CalendarDay.day],
        set_={"working": stmt.excluded.working, "source": stmt.excluded.source, "note": stmt.excluded.note},
        where=(CalendarDay.source != "admin"))
    db.session.execute(stmt)
    return len(rows)


def set_day(day: date, working: bool, note: str = "", actor_id: int | None = None) -> None:
    """An admin's decision for one date (a non-working day, a working Saturday); kept by sync(), audited."""
    stmt = insert(CalendarDay).values(day=day, working=working, source="admin", note=note[:200])
    db.session.execute(stmt.on_conflict_do_update(
        index_elements=[CalendarDay.day], set_={"working": working, "source": "admin", "note": note[:200]}))
    audit.record(actor_id, "calendar_day", "calendar", None, day=day.isoformat(), working=working)
