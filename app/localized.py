"""Per-locale columns for data the public reads: name_bg (required), name_en, name_ru."""

from __future__ import annotations

DEFAULT_LOCALE = "bg"


def current_locale() -> str:
    """The request's locale, or the default outside a request."""
    try:
        from flask_babel import get_locale

        locale = get_locale()
        return locale.language if locale else DEFAULT_LOCALE
    except (RuntimeError, AttributeError):
        return DEFAULT_LOCALE


class Localized:
    """Mixin: `obj.text("name")` picks name_<locale>, falling back to Bulgarian."""

    def text(self, field: str = "name", locale: str | None = None) -> str:
        """The field in the locale (default: the request's), or its Bulgarian text."""
        locale = locale or current_locale()
        value = getattr(self, f"{field}_{locale}", "") or ""
        return value or getattr(self, f"{field}_{DEFAULT_LOCALE}")

    @property
    def name(self) -> str:
        """The name in the current locale."""
        return self.text("name")


def in_locale(model, field: str, locale: str | None = None):
    """SQL for a per-locale column in the locale, falling back to Bulgarian (for queries that select columns)."""
    from sqlalchemy import func

    locale = locale or current_locale()
    column = getattr(model, f"{field}_{locale}", None)
    default = getattr(model, f"{field}_{DEFAULT_LOCALE}")
    return default if column is None or locale == DEFAULT_LOCALE else func.coalesce(func.nullif(column, ""), default)
