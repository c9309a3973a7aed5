"""Alerts from the web: `/alerts/new` (a district, or a point and a radius typed — the keyboard and no-JS path — or a
polygon drawn on the map, which the page's script writes into a field as GeoJSON; optionally some categories; at
once or a daily digest at a local time), the confirmation of an address, the one-click unsubscribe, and a user's
alerts in My subscriptions."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import EmailField, HiddenField, RadioField, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.departments.models import Category
from app.extensions import csrf, db, limiter
from app.kinds import Kind
from app.localized import current_locale
from app.mail.addresses import optional_email
from app.unit_of_work import unit_of_work
from app.web.fields import CleanForm, DecimalField, options, whole_number
from geo.models import district_choices
from subscriptions import alerts, areas, follows, tokens
from subscriptions.models import Alert

bp = Blueprint("alerts", __name__)
NO_STORE = {"Cache-Control": "private, no-store"}
AREA_MESSAGES = {
    "none": _l("Choose a district, or give a point and a radius, or draw an area on the map."),
    "district": _l("Choose one of the districts."),
    "outside": _l("The area must lie in the municipality."),
    "radius": _l("The radius is from 100 to 5,000 metres."),
    "polygon": _l("The drawn area is not one simple polygon: draw it again."),
    "vertices": _l("The drawn area has more than 200 corners: draw it more simply."),
    "too_large": _l("The drawn area is larger than the municipality."),
}


class AlertForm(CleanForm):
    district = SelectField(_l("District"), validate_choice=False)
    lat = DecimalField(_l("Latitude of the point"), validators=[Optional()])
    lon = DecimalField(_l("Longitude of the point"), validators=[Optional()])
    radius = StringField(_l("Radius, in metres (100 to 5,000)"), render_kw={"inputmode": "numeric"})
    polygon = HiddenField()
    categories = SelectMultipleField(_l("Only these categories (none chosen: every category)"), choices=[],
                                     validate_choice=False, option_widget=CheckboxInput(),
                                     widget=ListWidget(prefix_label=False))
    mode = RadioField(_l("When"), default="immediate", choices=options([
        ("immediate", _l("at once, one email per new signal (at most 10 a day; the rest in the digest)")),
        ("digest", _l("one email a day with the new signals"))]))
    digest_hour = SelectField(_l("Time of the daily email"), default="7",
                              choices=options([(str(h), f"{h:02d}:00") for h in range(24)]))
    email = EmailField(_l("Your email address"), validators=[Length(max=254), lambda f, field: optional_email(field)],
                       render_kw={"autocomplete": "email"})


def _form() -> AlertForm:
    form = AlertForm()
    form.district.choices = options([("", "—")] + district_choices(current_locale()))
    form.categories.choices = options([(c.code, c.text("name")) for c in db.session.scalars(
        select(Category).where(Category.kind == Kind.problem, Category.active.is_(True)).order_by(Category.position))])
    return form


def _choice(form: AlertForm) -> areas.AreaChoice:
    return areas.AreaChoice(district_id=whole_number(form.district.data), radius_m=whole_number(form.radius.data),
                            lon=form.lon.data, lat=form.lat.data, polygon=(form.polygon.data or "").strip()[:100_000])


def _limit() -> str:
    return current_app.config["FOLLOW_RATE_LIMIT"]


@bp.route("/alerts/new", methods=["GET", "POST"])
@limiter.limit(_limit, scope="follow", methods=["POST"])
def new():
    """A new alert: a user's at once; a visitor's once the address confirms the mailed link."""
    form = _form()
    user = current_user if current_user.is_authenticated else None
    if form.validate_on_submit():
        if user is None and not form.email.data:
            form.email.errors = [_("Give the address the alerts go to.")]
        elif _saved(form, user):
            return _created(user)
    return render_template("subscriptions/alert_new.html", form=form), 422 if form.errors else 200, NO_STORE


def _saved(form: AlertForm, user) -> bool:
    """Create the alert; False with the reason at its field."""
    try:
        with unit_of_work():
            alerts.create(_choice(form), form.categories.data or [], form.mode.data or "immediate",
                          (whole_number(form.digest_hour.data, 0, 23) or 0) * 60, user=user,
                          email=form.email.data or "", locale=current_locale())
    except areas.AreaRefused as refused:
        field = form.polygon if refused.reason in ("polygon", "vertices", "too_large") else \
            form.radius if refused.reason == "radius" else form.district
        field.errors = [str(AREA_MESSAGES[refused.reason])]
        return False
    except follows.FollowLimited:
        form.email.errors = [_("Too many mails went to this address today. Please try again tomorrow.")]
        return False
    return True


def _created(user):
    if user is not None:
        flash(_("Your alert is saved."), "ok")
        return redirect(url_for("subscriptions.mine"), 303)
    return render_template("subscriptions/alert_check_mail.html"), 200, NO_STORE


def _by_link(purpose: str) -> Alert | None:
    found = db.session.get(Alert, n) if (n := whole_number(request.values.get("a"))) else None
    return found if tokens.matches(found, purpose, request.values.get("t")) else None


@bp.route("/alerts/confirm", methods=["GET", "POST"])
def confirm():
    """The confirmation link of an alert's address: one button (a GET changes nothing); the POST confirms."""
    found = _by_link(tokens.CONFIRM)
    if found is None:
        return render_template("subscriptions/link_invalid.html"), 404, NO_STORE
    if request.method == "POST" and CleanForm().validate_on_submit():
        with unit_of_work():
            alerts.confirm(found)
        return render_template("subscriptions/alert_confirmed.html"), 200, NO_STORE
    return render_template("subscriptions/alert_confirm.html", alert=found), 200, NO_STORE


@bp.route("/alerts/unsubscribe", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe():
    """One-click unsubscribe (RFC 8058): the POST needs no cookie and no CSRF token; a GET shows one button."""
    found = _by_link(tokens.UNSUBSCRIBE)
    if request.method == "POST":
        if found is not None:
            with unit_of_work():
                alerts.delete(found)
        return render_template("subscriptions/unsubscribed.html"), 200, NO_STORE
    if found is None:
        return render_template("subscriptions/link_invalid.html"), 404, NO_STORE
    return render_template("subscriptions/alert_unsubscribe.html", alert=found), 200, NO_STORE


@bp.post("/my/alerts/<int:alert_id>/delete")
@login_required
def stop(alert_id: int):
    """Delete one of the user's alerts."""
    found = db.session.get(Alert, alert_id) if CleanForm().validate_on_submit() else None
    if found is None or found.user_id != current_user.id:
        flash(_("Nothing changed: please try again."))
    else:
        with unit_of_work():
            alerts.delete(found, current_user)
        flash(_("The alert is deleted."), "ok")
    return redirect(url_for("subscriptions.mine"), 303)
