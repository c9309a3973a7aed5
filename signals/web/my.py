"""/my/signals: the items the logged-in person filed, newest first, with their status and due date."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.extensions import db
from signals.models import Signal

bp = Blueprint("my", __name__)
PAGE = 20


@bp.get("/my/signals")
@login_required
def signals():
    """My items, 20 a page."""
    page = request.args.get("page", "1")
    page = int(page) if page.isdigit() and 0 < len(page) < 6 else 1
    mine = select(Signal).where(Signal.user_id == current_user.id)
    total = db.session.scalar(mine.with_only_columns(func.count()))
    items = db.session.scalars(mine.order_by(Signal.registered_at.desc()).offset((page - 1) * PAGE).limit(PAGE))
    return render_template("signals/my.html", items=list(items), page=page, pages=max(1, -(-total // PAGE)),
                           total=total)
