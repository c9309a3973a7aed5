"""Production start-up check that needs the database: no demo account may exist (convention 15)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from app.accounts.models import User
from app.config import ConfigError
from app.extensions import db

DEMO_DOMAIN = "@example.org"


def refuse_demo_accounts(app: Flask) -> None:
    """Raise ConfigError in production while any @example.org account exists."""
    if app.config["APP_ENV"] != "production":
        return
    with app.app_context():
        demo = db.session.scalar(select(func.count()).select_from(User)
                                 .where(func.lower(User.email).endswith(DEMO_DOMAIN)))
        db.session.remove()
    if demo:
        raise ConfigError(f"APP_ENV=production refuses to start: {demo} demo account(s) ({DEMO_DOMAIN}) exist; "
                          "remove them first")
