"""/console/canned: a department's canned responses, kept by its managers (and admins): add one per language,
take one out of use. Staff insert them into a reply on the item's console page, placeholders filled in."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from app.extensions import db
from app.unit_of_work import unit_of_work
from app.web.errors import error_response
from app.web.fields import CleanForm, Visible, options
from signals.console.audit_view import managed
from signals.console.guard import console_page
from signals.models import CannedResponse
from signals.services import canned

bp = Blueprint("console_canned", __name__, url_prefix="/console")
NO_STORE = {"Cache-Control": "private, no-store"}


class CannedForm(CleanForm):
    locale = SelectField(_l("Language"), choices=options([("bg", "Български"), ("en", "English"), ("ru", "Русский")]))
    title = StringField(_l("Title (for staff)"), validators=[Visible(), Length(max=120)])
    body = TextAreaField(_l("Text"), validators=[Visible(), Length(max=10_000)])


def _department():
    departments = managed(current_user)
    chosen = request.values.get("department", "")
    return next((d for d in departments if str(d.id) == chosen), departments[0] if departments else None), \
        departments


@bp.route("/canned", methods=["GET", "POST"])
@console_page
def responses():
    """The chosen department's canned responses, and the form for a new one."""
    department, departments = _department()
    if department is None:
        return error_response(404, "not_found", _("There is no such page."))
    form = CannedForm()
    if form.validate_on_submit():
        with unit_of_work():
            canned.save(department, form.locale.data, form.title.data, form.body.data, current_user)
        flash(_("The canned response is saved."), "ok")
        return redirect(url_for(".responses", department=department.id), 303)
    rows = db.session.scalars(select(CannedResponse).where(CannedResponse.department_id == department.id,
                                                           CannedResponse.active.is_(True))
                              .order_by(CannedResponse.locale, CannedResponse.title)).all()
    return render_template("console/canned.html", form=form, rows=rows, department=department,
                           departments=departments), 422 if form.errors else 200, NO_STORE


@bp.post("/canned/<int:response_id>/retire")
@console_page
def retire(response_id: int):
    """Take a canned response out of use (managers of its department, admins)."""
    found = db.session.get(CannedResponse, response_id)
    if found is None or found.department_id not in {d.id for d in managed(current_user)} or \
            not CleanForm().validate_on_submit():
        return error_response(404, "not_found", _("There is no such page."))
    with unit_of_work():
        canned.retire(found, current_user)
    flash(_("The canned response is no longer offered."), "ok")
    return redirect(url_for(".responses", department=found.department_id), 303)
