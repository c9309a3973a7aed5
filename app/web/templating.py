"""Jinja filters for local dates and times (APP_TIMEZONE, the request's locale)."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime

from app import clock


def localdatetime(value: datetime | None, fmt: str = "medium") -> str:
    """A timestamp in local time and the current locale."""
    return format_datetime(clock.local(value), fmt) if value else ""


def localdate(value: date | datetime | None, fmt: str = "long") -> str:
    """A local date (or the local date of a timestamp) in the current locale."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = clock.local_date(value)
    return format_date(value, fmt)


def init_templating(app: Flask) -> None:
    """Register the filters."""
    app.jinja_env.filters["localdatetime"] = localdatetime
    app.jinja_env.filters["localdate"] = localdate
