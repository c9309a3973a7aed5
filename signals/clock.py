"""Deadlines: the rules per kind and jurisdiction, the working-day calendar. (Stub; see issue 3.)"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from app import clock as _clock
from app.kinds import Kind

now = _clock.now


def deadline(kind: Kind, registered_at: datetime) -> date:
    """The due date of an item registered at a moment (placeholder: 30 calendar days)."""
    return _clock.local_date(registered_at) + timedelta(days=14 if kind == Kind.info_request else 30)
local_date = _clock.local_date
