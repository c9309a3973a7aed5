"""Settings an operator changes at run time (stored in the database, read per request)."""

from __future__ import annotations

from sqlalchemy import JSON, String, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class SiteSetting(db.Model):
    """One named setting, e.g. the moderation hold during a spam wave."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(JSON)


MODERATION_HOLD = "moderation_hold"


def get(key: str, default=None):
    """The current value of a setting (one query; never cached across requests)."""
    value = db.session.scalar(select(SiteSetting.value).where(SiteSetting.key == key))
    return default if value is None else value


def put(key: str, value) -> None:
    """Set a value in the current transaction."""
    stmt = insert(SiteSetting).values(key=key, value=value)
    db.session.execute(stmt.on_conflict_do_update(index_elements=[SiteSetting.key], set_={"value": value}))
