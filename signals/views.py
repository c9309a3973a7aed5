"""Public pages of the registry (the home page for now; the report loop comes with issue 4)."""

from __future__ import annotations

from flask import Blueprint, render_template


from app import clock
from app.extensions import db
from app.localized import current_locale
from signals import access, workflow
from signals.models import Signal

bp = Blueprint("signals", __name__)


@bp.get("/")
def home():
    """The home page: latest public items (the map comes with issue 4)."""
    query = (access.public_signals().where(Signal.registered_at >= clock.days_ago(30))
             .order_by(Signal.registered_at.desc()).limit(10))
    return render_template("signals/home.html", latest=db.session.scalars(query).all())


@bp.app_template_global()
def status_label(item: Signal) -> str:
    """An item's status in the legal terms, in the current locale."""
    return workflow.label(item.status, current_locale(), item.kind)



