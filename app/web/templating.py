"""Jinja filters for local dates and times (APP_TIMEZONE, the request's locale) and file sizes, and a quicker
gettext.

Flask-Babel looks the translations up through three context lookups on every `_()`
in a template (a page has twenty or more); here they are found once per context
and locale, and found again when `force_locale` changes the locale (mail).
"""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask.globals import _cv_app, _cv_request
from flask_babel import format_date, format_datetime, format_decimal, get_translations

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


def translations():
    """The current context's translations, remembered on the context for its current locale object."""
    ctx = _cv_request.get(None) or _cv_app.get(None)
    remembered = getattr(ctx, "_contact_centre_translations", None)
    if remembered is not None and remembered[0] is getattr(ctx, "babel_locale", None):
        return remembered[1]
    found = get_translations()
    if ctx is not None:
        ctx._contact_centre_translations = (getattr(ctx, "babel_locale", None), found)
    return found


def filesize(size: int) -> str:
    """A file's size for people: whole kilobytes (never "0 KB"), or megabytes with one decimal, in the locale."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{format_decimal(round(size / 1024 / 1024, 1), '#,##0.0')} MB"


def init_templating(app: Flask) -> None:
    """Register the filters and the quicker gettext callables (after Flask-Babel installed its own)."""
    app.jinja_env.filters["localdatetime"] = localdatetime
    app.jinja_env.filters["localdate"] = localdate
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True)
