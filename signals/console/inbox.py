"""/console: a department's inbox — filters, counts per status, a list or a map of the filtered items, bulk
assignment — and the keep-alive that the idle warning calls."""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from geoalchemy2.functions import ST_X, ST_Y
from sqlalchemy import select

from app.accounts.models import User
from app.departments.models import Category, Membership
from app.extensions import db
from app.kinds import Kind
from app.unit_of_work import unit_of_work
from app.web.fields import CleanForm, whole_number
from geo.models import Area, AreaLevel
from signals import deadlines, registry, workflow
from signals.console import inbox_query
from signals.console.guard import console_page, departments_of, manages_any
from signals.console.inbox_query import InboxFilter
from signals.models import Channel, Signal
from signals.services import assignment
from signals.workflow import Status

bp = Blueprint("console", __name__, url_prefix="/console")
NO_STORE = {"Cache-Control": "private, no-store"}
MAP_LIMIT = 2000


def _context(f: InboxFilter) -> dict:
    """What the filter form offers: the user's inboxes, categories, districts, colleagues, channels."""
    departments = departments_of(current_user)
    ids = [d.id for d in departments]
    return {"departments": departments, "department_ids": ids, "f": f,
            "categories": db.session.scalars(select(Category).where(Category.department_id.in_(ids or [-1]))
                                             .order_by(Category.kind, Category.position)).all(),
            "districts": db.session.scalars(select(Area).where(Area.level == AreaLevel.district)
                                            .order_by(Area.name_bg)).all(),
            "colleagues": _colleagues(ids), "statuses": list(Status), "kinds": list(Kind), "channels": list(Channel),
            "may_assign": manages_any(current_user), "form": CleanForm()}


def _colleagues(department_ids: list[int]) -> list[User]:
    return list(db.session.scalars(select(User).join(Membership).where(Membership.department_id.in_(
        department_ids or [-1]), User.active.is_(True)).distinct().order_by(User.last_name, User.first_name)))


@bp.get("")
@console_page
def inbox():
    """The inbox: filtered, counted per status, a page of 25 as a list, or all (up to 2,000) on a map."""
    f = InboxFilter.from_args(request.args)
    number = registry.normalize(f.q) if f.q else None
    if number and db.session.scalar(select(Signal.id).where(Signal.number == number)):
        return redirect(url_for("console_item.item", number=number), 303)   # the gate decides who sees it
    context = _context(f)
    items, total = inbox_query.page_of(current_user, context["department_ids"], f)
    counts = inbox_query.status_counts(current_user, context["department_ids"], f)
    waiting = inbox_query.waiting_count(current_user, context["department_ids"])
    left = deadlines.working_days_left([item.due_on for item in items if workflow.is_open(item.status)])
    return render_template("console/inbox.html", items=items, total=total, counts=counts, waiting=waiting, left=left,
                           pages=max(1, -(-total // inbox_query.PAGE)), view=request.args.get("view", "list"),
                           **context), 200, NO_STORE


@bp.get("/items.geojson")
@console_page
def items_geojson():
    """The filtered items with a point, for the inbox's map (numbers, statuses and console links only)."""
    f = InboxFilter.from_args(request.args)
    ids = [d.id for d in departments_of(current_user)]
    query = inbox_query.filtered(current_user, ids, f).where(Signal.location.is_not(None))
    rows = db.session.execute(query.with_only_columns(Signal.number, Signal.status, ST_X(Signal.location),
                                                      ST_Y(Signal.location)).limit(MAP_LIMIT)).all()
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                 "properties": {"number": number, "status": status.value,
                                "url": url_for("console_item.item", number=number)}}
                for number, status, lon, lat in rows]
    return jsonify({"type": "FeatureCollection", "features": features, "truncated": len(rows) == MAP_LIMIT}), \
        200, NO_STORE


@bp.post("/assign")
@console_page
def bulk_assign():
    """Give the chosen items to one colleague (managers and admins), or take them (anyone): item by item, each
    refused one named."""
    form = CleanForm()
    chosen = whole_number(request.form.get("assignee"))
    assignee = db.session.get(User, chosen) if chosen else current_user
    numbers = request.form.getlist("number")[:100]
    back = url_for(".inbox", **InboxFilter.from_args(request.form).args())
    if not form.validate_on_submit() or not numbers or assignee is None:
        flash(_("Choose items and a colleague."))
        return redirect(back, 303)
    done, refused = _assign_each(numbers, assignee)
    if done:
        flash(ngettext("%(num)d item assigned.", "%(num)d items assigned.", done))
    if refused:
        flash(_("Not assigned: %(numbers)s.", numbers=", ".join(refused)))
    return redirect(back, 303)


def _assign_each(numbers: list[str], assignee: User) -> tuple[int, list[str]]:
    done, refused = 0, []
    for number in numbers:
        item = db.session.scalar(select(Signal).where(Signal.number == registry.normalize(number)))
        if item is None or assignment.refusal(item, assignee, current_user):     # checked before any write
            refused.append(number[:24])
            continue
        with unit_of_work():
            assignment.assign(item, assignee, current_user)
        done += 1
    return done, refused


@bp.post("/keepalive")
@console_page
def keepalive():
    """The idle warning's "stay signed in": any request touches the session; this one answers 204."""
    return "", 204, NO_STORE
