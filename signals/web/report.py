"""The report form's work around the form class: its choices, the photos it keeps between tries, and the
conversion of a valid form into the filing service's input."""

from __future__ import annotations

import secrets
from decimal import Decimal

from flask import current_app, request, session
from flask_babel import gettext as _
from limits import parse_many
from sqlalchemy import select

from app.departments.models import Category, Department
from app.extensions import db, limiter
from app.kept import Kept
from app.unit_of_work import unit_of_work
from app.kinds import Kind
from app.localized import current_locale, in_locale
from app.web.fields import whole_number
from geo import place_search
from geo.models import Area, AreaLevel, district_choices
from signals import photos, routing, uploads
from signals.services import Sender, SignalInput
from signals.web.forms import MAX_PHOTOS, PUBLIC, ReportForm

PHOTO_ERRORS = {
    "too_large": lambda: _("A photo is larger than 10 MB."),
    "too_many_pixels": lambda: _("A photo has too many pixels: at most %(jpeg)d megapixels for JPEG, %(png)d for "
                                 "PNG and %(webp)d for WebP.", jpeg=photos.MAX_PIXELS["JPEG"] // 1_000_000,
                                 png=photos.MAX_PIXELS["PNG"] // 1_000_000,
                                 webp=photos.MAX_PIXELS["WEBP"] // 1_000_000),
    "bad_type": lambda: _("Only JPEG, PNG and WebP photos are accepted."),
}


def build_form() -> ReportForm:
    """The form with its choices: each public kind's categories grouped by department, and the districts."""
    locale = current_locale()
    kind = request.args.get("kind") if request.method == "GET" else None
    form = ReportForm(categories=category_groups(locale), districts=district_choices(locale),
                      **({"kind": kind} if kind in PUBLIC else {}))
    if request.method == "GET" and request.args.get("place"):
        prefill_place(form, request.args["place"], locale)
    return form


GROUPS_TTL = 60.0      # seconds: categories change only by `flask seed` and migrations
_GROUPS: Kept[dict] = Kept(GROUPS_TTL)


def category_groups(locale: str) -> dict[str, list]:
    """Each public kind's active categories grouped by department name, in a locale: kept a minute per process
    (like the districts), so the form's GET and POST run no statement for them."""

    def groups() -> dict[str, list]:
        rows = db.session.execute(
            select(Category.kind, Category.code, in_locale(Category, "name", locale),
                   in_locale(Department, "name", locale))
            .join(Department).where(Category.active.is_(True), Category.kind.in_([Kind(k) for k in PUBLIC]))
            .order_by(Department.code, Category.position, Category.code)).all()
        grouped: dict[str, dict[str, list]] = {kind: {} for kind in PUBLIC}
        for kind, code, name, department in rows:
            grouped[kind.value].setdefault(department, []).append((code, name))
        return {k: list(v.items()) for k, v in grouped.items()}

    return _GROUPS.get(locale, groups)


def forget_category_groups() -> None:
    """Drop the kept lists (after categories change in this process: tests, `flask seed`)."""
    _GROUPS.clear()


def prefill_place(form: ReportForm, ref: str, locale: str) -> None:
    """Start the form at a place found by search (/places links here): its district and name, and for a
    street the point offered on it. An unknown reference leaves the form empty."""
    hit = place_search.find(ref, locale)
    if hit is None:
        return
    area_id = db.session.scalar(select(Area.id).where(Area.level == AreaLevel.district,
                                                      Area.code == hit.district_code))
    form.district.data = str(area_id) if area_id else form.district.data
    if hit.kind != "district":
        form.place_description.data = hit.name
    if hit.kind == "street":
        form.lon.data, form.lat.data = (Decimal(f"{hit.point[0]:.6f}"), Decimal(f"{hit.point[1]:.6f}"))


def uploader() -> str:
    """This browser session's uploader id: held photos are shown back to it alone."""
    if "uploader" not in session:
        session["uploader"] = secrets.token_urlsafe(16)
    return session["uploader"]


def _ip_allows_another() -> bool:
    """The per-IP share of held photos (through the rate limiter: no IP is stored)."""
    key = (current_app.config.get("RATELIMIT_KEY_PREFIX", ""), "pending-photo", request.remote_addr or "unknown")
    try:
        return all([limiter.limiter.hit(item, *key)
                    for item in parse_many(current_app.config["PENDING_PHOTO_RATE_LIMIT"])])
    except Exception:  # noqa: BLE001 - the limiter's storage is out: hold anyway, the total cap still holds
        return True


def keep_photos(form: ReportForm, removing: str | None = None) -> list[uploads.PendingPhoto]:
    """Clean this POST's photos and hold those that pass (errors go to the field), and forget one the visitor
    removes, in a unit of work of their own; the photos now held. Nothing to keep: no transaction at all."""
    files = [f for f in (form.photos.data or []) if getattr(f, "filename", "")]
    if not files and not removing:
        return uploads.held(form.submission_key.data, uploader())
    with unit_of_work():
        held = _hold(form, files)
        if removing:
            held = remove_photo(form, removing)
    return held


def _hold(form: ReportForm, files: list) -> list[uploads.PendingPhoto]:
    held = uploads.held(form.submission_key.data, uploader())
    if len(held) + len(files) > MAX_PHOTOS:
        form.photos.errors.append(_("You can attach at most %(n)d photos.", n=MAX_PHOTOS))
        return held
    for upload in files:
        try:
            photo = photos.clean(upload.read(photos.MAX_BYTES + 1))
        except photos.PhotoRejected as rejected:
            form.photos.errors.append(PHOTO_ERRORS[str(rejected)]())
            continue
        try:
            if not _ip_allows_another():
                raise uploads.StoreFull("ip")
            held.append(uploads.hold(photo, form.submission_key.data, uploader()))
        except uploads.StoreFull:
            form.photos.errors.append(_("We cannot keep more photos right now. Please try again later."))
            break
    return held


def remove_photo(form: ReportForm, photo_id: str) -> list[uploads.PendingPhoto]:
    """Forget one held photo of this form and session (its remove button); the photos still held."""
    kept = []
    for pending in uploads.held(form.submission_key.data, uploader()):
        if str(pending.id) == photo_id:
            uploads.release(pending)
        else:
            kept.append(pending)
    return kept


def report_input(form: ReportForm) -> tuple[Kind, SignalInput]:
    """A valid form as the filing service's input."""
    category = db.session.scalar(select(Category).where(Category.code == form.category.data))
    place = routing.Place(lon=form.lon.data, lat=form.lat.data,
                          area_id=whole_number(form.district.data))
    sender = Sender(person_name=form.name.data or "", email=form.email.data or "", locale=current_locale())
    data = SignalInput(category=category, title=form.title.data, description=form.description.data, place=place,
                       place_description=form.place_description.data or "", sender=sender,
                       submission_key=form.submission_key.data, locale=current_locale())
    return Kind(form.kind.data), data
