"""/console/calendar: admins change the working-day calendar — a non-working day (a holiday declared by the
government, a city's day off) or a working Saturday. Due dates on a day made non-working move to the next working
day, and each item's history says so (signals.services.deadline_care)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms import DateField, RadioField, StringField
from wtforms.validators import InputRequired, Length, ValidationError

from app import clock
from app.accounts.models import Role
from app.extensions import db
from app.unit_of_work import unit_of_work
from app.web.errors import error_response
from app.web.fields import CleanForm, Visible, options
from signals.console.guard import console_page
from signals.deadlines import CalendarGap
from signals.models import CalendarDay
from signals.services import deadline_care

bp = Blueprint("console_calendar", __name__, url_prefix="/console")
NO_STORE = {"Cache-Control": "private, no-store"}


class DayForm(CleanForm):
    day = DateField(_l("Date"), validators=[InputRequired(_l("Give a date."))])
    working = RadioField(_l("The day becomes"), default="no", validators=[InputRequired()],
                         choices=options([("no", _l("non-working (due dates on it move to the next working day)")),
                                          ("yes", _l("working (due dates never move earlier)"))]))
    note = StringField(_l("Why (e.g. the decree)"), validators=[Visible(), Length(max=200)])

    def validate_day(self, field) -> None:
        """Only days to come, within the calendar's three years."""
        if field.data and not (clock.today() < field.data <= clock.today() + timedelta(days=730)):
            raise ValidationError(_l("Choose a day from tomorrow up to two years ahead."))


@bp.route("/calendar", methods=["GET", "POST"])
@console_page
def days():
    """The calendar's changes made by admins, and the form for another one."""
    if current_user.role != Role.admin:
        return error_response(404, "not_found", _("There is no such page."))
    form = DayForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                moved = deadline_care.change_day(form.day.data, form.working.data == "yes", form.note.data,
                                                 current_user)
        except CalendarGap:
            form.day.errors = [_("The calendar does not reach that day yet.")]
        else:
            flash(ngettext("Saved; %(num)d due date moved.", "Saved; %(num)d due dates moved.", moved), "ok")
            return redirect(url_for(".days"), 303)
    changed = db.session.scalars(select(CalendarDay).where(CalendarDay.source == "admin",
                                                           CalendarDay.day >= clock.today())
                                 .order_by(CalendarDay.day)).all()
    return render_template("console/calendar.html", form=form, changed=changed), 422 if form.errors else 200, \
        NO_STORE
