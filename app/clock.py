"""The one source of the current time, and the local calendar (APP_TIMEZONE).

Timestamps are aware UTC datetimes; every calendar question (year, "today",
daily jobs) is answered in the configured local zone. Tests freeze the clock.
Deadline rules live in signals/deadlines.py; this module is the infrastructure part
that the mail layer needs too.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

_frozen: datetime | None = None
_zone = ZoneInfo("Europe/Sofia")


def configure(timezone_name: str) -> None:
    """Set APP_TIMEZONE (called by create_app)."""
    global _zone
    _zone = ZoneInfo(timezone_name)


def zone() -> ZoneInfo:
    """The local zone (APP_TIMEZONE)."""
    return _zone


def now() -> datetime:
    """The current time as an aware UTC datetime (frozen in tests)."""
    if _frozen is not None:
        return _frozen
    return datetime.now(timezone.utc)


def local(moment: datetime) -> datetime:
    """A timestamp seen in APP_TIMEZONE."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: timestamps are aware UTC")
    return moment.astimezone(_zone)


def local_date(moment: datetime) -> date:
    """The local calendar date of a timestamp."""
    return local(moment).date()


def today() -> date:
    """Today's date in APP_TIMEZONE."""
    return local_date(now())


def local_midnight(day: date) -> datetime:
    """The UTC instant at which a local day starts."""
    return datetime(day.year, day.month, day.day, tzinfo=_zone).astimezone(timezone.utc)


def days_ago(days: int) -> datetime:
    """The instant N local days before the start of today (for "last N days")."""
    return local_midnight(today() - timedelta(days=days))


def parse_local(text: str) -> datetime:
    """Parse 'YYYY-MM-DD HH:MM' as local time, return aware UTC (tests, seed)."""
    naive = datetime.fromisoformat(text)
    if naive.tzinfo is not None:
        return naive.astimezone(timezone.utc)
    return naive.replace(tzinfo=_zone).astimezone(timezone.utc)


@contextmanager
def frozen(moment: datetime | str):
    """Freeze clock.now() at a moment (aware, or local 'YYYY-MM-DD HH:MM')."""
    global _frozen
    previous = _frozen
    _frozen = parse_local(moment) if isinstance(moment, str) else moment.astimezone(timezone.utc)
    try:
        yield _frozen
    finally:
        _frozen = previous


def freeze(moment: datetime | str | None) -> None:
    """Freeze (or with None, release) the clock without a with-block."""
    global _frozen
    if moment is None:
        _frozen = None
    else:
        _frozen = parse_local(moment) if isinstance(moment, str) else moment.astimezone(timezone.utc)
