"""Public pages of the registry: home, the report form and its confirmation."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.departments.models import Category, Department
from app.extensions import db, limiter
from app.kinds import Kind
from app.localized import current_locale
from geo.models import Area, AreaLevel
from signals import access, intake, labels, photos, routing, services, tokens, workflow
from signals.forms import ReportForm
from signals.models import Signal

bp = Blueprint("signals", __name__)
PHOTO_ERRORS = {
    "too_large": lambda: _("A photo is larger than 10 MB."),
    "too_many_pixels": lambda: _("A photo has more than 40 megapixels."),
    "bad_type": lambda: _("Only JPEG, PNG and WebP photos are accepted."),
}


@bp.get("/")
def home():
    """The home page: track by number, latest public items."""
    query = (access.public_signals().where(Signal.registered_at >= clock.days_ago(30))
             .order_by(Signal.registered_at.desc()).limit(10))
    categories = db.session.scalars(select(Category).where(
        Category.active.is_(True), Category.kind.in_([Kind.problem, Kind.question])).order_by(Category.position)).all()
    statuses = sorted(workflow.statuses_of(Kind.problem) | workflow.statuses_of(Kind.question), key=lambda s: s.value)
    return render_template("signals/home.html", latest=db.session.scalars(query).all(), categories=categories,
                           statuses=[(s.value, workflow.label(s, current_locale())) for s in statuses])


@bp.app_template_global()
def status_label(item: Signal) -> str:
    """An item's status in the legal terms, in the current locale."""
    return workflow.label(item.status, current_locale(), item.kind)


@bp.record_once
def _template_globals(state) -> None:
    state.app.jinja_env.globals.update(labels.GLOBALS)


def _choices() -> tuple[list, list]:
    """Categories grouped by department (optgroups) and the districts, in the current locale."""
    groups: dict[str, list] = {}
    categories = db.session.scalars(select(Category).join(Department).where(
        Category.active.is_(True), Category.kind.in_([Kind.problem, Kind.question]))
        .order_by(Department.code, Category.position)).all()
    for category in categories:
        groups.setdefault(category.department.name, []).append((category.code, category.name))
    districts = db.session.scalars(select(Area).where(Area.level == AreaLevel.district).order_by(Area.code)).all()
    return groups, [(str(area.id), f"{area.code} {area.name}") for area in districts]


def _filing_limit() -> str:
    return current_app.config["FILING_RATE_LIMIT"]


@bp.route("/signals/new", methods=["GET", "POST"])
@limiter.limit(_filing_limit, methods=["POST"], error_message="filing")
def new():
    """The report form (problem or question); bad input gets its message at its field and stores nothing."""
    groups, districts = _choices()
    form = ReportForm(categories=groups.items(), districts=districts)
    if form.validate_on_submit():
        first = intake.existing(form.submission_key.data)
        if first is not None:
            return redirect(url_for(".registered", number=first.number))
        data, cleaned = _input(form)
        if data is not None:
            filed = intake.file_report(Kind(form.kind.data), data, cleaned)
            if filed.token:
                session["registered"] = {"number": filed.signal.number, "token": filed.token}
            return redirect(url_for(".registered", number=filed.signal.number))
    return render_template("signals/new.html", form=form), (400 if form.errors else 200)


def _input(form: ReportForm):
    """Turn a valid form into SignalInput and cleaned photos, or put errors on the form and return (None, [])."""
    category = db.session.scalar(select(Category).where(Category.code == form.category.data))
    if category is None or category.kind.value != form.kind.data:
        form.category.errors.append(_("Choose a category of this kind."))
    place = routing.Place(lon=form.lon.data, lat=form.lat.data,
                          area_id=int(form.district.data) if (form.district.data or "").isdigit() else None)
    if place.has_point and not routing.inside_municipality(place.lon, place.lat):
        form.lat.errors.append(_("This point is outside the municipality. Choose a place inside it."))
    cleaned = []
    for upload in [f for f in (form.photos.data or []) if getattr(f, "filename", "")]:
        try:
            cleaned.append(photos.clean(upload.read(photos.MAX_BYTES + 1)))
        except photos.PhotoRejected as rejected:
            form.photos.errors.append(PHOTO_ERRORS[str(rejected)]())
            break
    if form.category.errors or form.lat.errors or form.photos.errors:
        return None, []
    sender = services.Sender(person_name=(form.name.data or "").strip(), email=(form.email.data or "").strip(),
                             locale=current_locale())
    data = services.SignalInput(category=category, title=form.title.data, description=form.description.data,
                                place=place, place_description=form.place_description.data or "", sender=sender,
                                submission_key=form.submission_key.data, locale=current_locale())
    return data, cleaned


@bp.get("/signals/<number>/registered")
def registered(number: str):
    """The confirmation: number, date, department, expected answer date, the tracking link."""
    signal = db.session.scalar(select(Signal).where(Signal.number == number))
    if signal is None or not signal.kind.is_public:
        abort(404)
    mine = session.get("registered") or {}
    token = mine.get("token") if mine.get("number") == number else None
    link = url_for(".item", number=number, t=token) if token else None
    response = current_app.make_response(render_template(
        "signals/registered.html", signal=signal, link=link, base_url=current_app.config["PUBLIC_BASE_URL"],
        email_given=bool(signal.filer and signal.filer.email)))
    response.headers["Cache-Control"] = "no-store"
    return tokens.remember(response, signal, token) if token else response

