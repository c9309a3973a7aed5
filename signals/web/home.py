"""The home page: the map of public reports of the last 30 days, tracking by number, the latest reports."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select

from app.departments.models import Category
from app.extensions import db
from app.kinds import Kind
from app.localized import current_locale
from signals import queries, workflow

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    """The home page: map with filters, track by number, latest public items."""
    categories = db.session.scalars(select(Category).where(
        Category.active.is_(True), Category.kind.in_([Kind.problem, Kind.question])).order_by(Category.position)).all()
    statuses = sorted(workflow.statuses_of(Kind.problem) | workflow.statuses_of(Kind.question), key=lambda s: s.value)
    try:
        filters, bad_filter = queries.parse_filters(request.args), False
    except queries.BadQuery:
        filters, bad_filter = queries.Filters(), True
    return render_template("signals/home.html", latest=db.session.scalars(queries.latest_public(filters)).all(),
                           categories=categories, filters=filters, bad_filter=bad_filter,
                           statuses=[(s.value, workflow.label(s, current_locale())) for s in statuses])
