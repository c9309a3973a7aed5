"""Corrections in the console: mark a duplicate, change the kind (within its visibility class) or the category,
move the point, redact personal data from the public text and photos. Each form carries the item's version and
calls one service (signals.services.corrections, duplicates, redaction) through the console's `act`."""

from __future__ import annotations

from flask import Blueprint, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.departments.models import Category
from app.extensions import db
from app.web.fields import whole_number
from signals import registry
from signals.access import Reader
from signals.console import forms
from signals.console.actions import act
from signals.console.guard import console_page
from signals.gate import item_route
from signals.models import Signal
from signals.services import corrections, duplicates, redaction

bp = Blueprint("console_corrections", __name__, url_prefix="/console/signals")


def _category(code: str | None) -> Category | None:
    return db.session.scalar(select(Category).where(Category.code == (code or "")[:64], Category.active.is_(True)))


@bp.post("/<number>/duplicate")
@console_page
@item_route("act_as_staff")
def duplicate(item: Signal, reader: Reader):
    """Close the item as a duplicate of an earlier one; its supporters move there; the filer is told."""
    form = forms.DuplicateForm()
    number = registry.normalize(form.original.data or "")
    original = db.session.scalar(select(Signal).where(Signal.number == number)) if number else None
    return act(item, form, lambda: duplicates.mark_duplicate(item, original, current_user),
               _("Marked as a duplicate."), "duplicate")


@bp.post("/<number>/kind")
@console_page
@item_route("act_as_staff")
def kind(item: Signal, reader: Reader):
    """Another kind of the same visibility class, with a category of it; the due date is counted again."""
    form = forms.KindForm()
    category = _category(form.category.data)
    return act(item, form, lambda: corrections.change_kind(item, category.kind if category else item.kind,
                                                          category or item.category, current_user),
               _("The kind is changed."), "kind")


@bp.post("/<number>/category")
@console_page
@item_route("act_as_staff")
def category(item: Signal, reader: Reader):
    """Another category of the same kind (the department stays)."""
    form = forms.CategoryForm()
    chosen = _category(form.category.data)
    return act(item, form, lambda: corrections.change_category(item, chosen or item.category, current_user),
               _("The category is changed."), "category")


@bp.post("/<number>/point")
@console_page
@item_route("act_as_staff")
def point(item: Signal, reader: Reader):
    """Move the item's point (inside the municipality); the district follows."""
    form = forms.PointForm()
    return act(item, form, lambda: corrections.move_point(item, float(form.lon.data), float(form.lat.data),
                                                          current_user), _("The place is corrected."), "point")


@bp.post("/<number>/redact")
@console_page
@item_route("act_as_staff")
def redact(item: Signal, reader: Reader):
    """Take personal data out of the public title, text or photos; the original stays for staff."""
    form = forms.RedactForm()
    withdrawn = {n for n in map(whole_number, request.form.getlist("withdraw_photo")) if n}
    return act(item, form, lambda: redaction.redact(item, current_user, form.title.data, form.description.data,
                                                    withdrawn), _("The public text is redacted."), "redact")

