"""/my/signals: every item the logged-in person filed, public or private, newest first, with number, date, kind,
status and due date; filters by kind and status, 20 a page."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func, select

from app.extensions import db
from app.kinds import Kind
from app.localized import current_locale
from app.web.fields import whole_number
from signals import workflow
from signals.models import Signal
from signals.services import claims

bp = Blueprint("my", __name__)
PAGE = 20


def _page() -> int:
    return whole_number(request.args.get("page"), 1, 99_999) or 1


def _choice(name: str, enum_class):
    """A filter value from the query string, or None for "all" and anything unknown."""
    try:
        return enum_class(request.args.get(name, ""))
    except ValueError:
        return None


@bp.get("/my/signals")
@login_required
def signals():
    """My items: filtered by kind and status, newest first, 20 a page."""
    kind, status, page = _choice("kind", Kind), _choice("status", workflow.Status), _page()
    mine = select(Signal).where(Signal.user_id == current_user.id)
    mine = mine.where(Signal.kind == kind) if kind else mine
    mine = mine.where(Signal.status == status) if status else mine
    total = db.session.scalar(mine.with_only_columns(func.count()))
    items = db.session.scalars(mine.order_by(Signal.registered_at.desc(), Signal.id.desc())
                               .offset((page - 1) * PAGE).limit(PAGE))
    statuses = [(s.value, workflow.label(s, current_locale())) for s in workflow.Status]
    claimable = db.session.scalar(claims.claimable(current_user).with_only_columns(func.count()).order_by(None))
    return render_template("signals/my.html", items=list(items), page=page, pages=max(1, -(-total // PAGE)),
                           total=total, kind=kind, status=status, kinds=list(Kind), statuses=statuses,
                           kinds_by_value={k.value: k for k in Kind}, claimable=claimable)
