"""The public report form (problem or question, place, category, text, photos, optional contact) and its
conversion into what the filing service takes; bad input gets its message at its field."""

from __future__ import annotations

import re
import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (EmailField, FloatField, HiddenField, MultipleFileField, RadioField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from app.departments.models import Category, Department
from app.extensions import db
from app.kinds import Kind
from app.localized import current_locale
from geo.models import Area, AreaLevel
from signals import photos, routing
from signals.services import Sender, SignalInput

MAX_LINKS = 2
MAX_PHOTOS = 3
_LINK = re.compile(r"(https?://|www\.)", re.IGNORECASE)


def few_links(form, field) -> None:
    """Refuse texts with more links than a report needs (spam)."""
    if len(_LINK.findall(field.data or "")) > MAX_LINKS:
        raise ValidationError(_l("Please include at most %(n)d links.", n=MAX_LINKS))


class ReportForm(FlaskForm):
    """What an anonymous resident fills in; bad input gets its message at its field."""

    kind = RadioField(_l("What do you want to do?"), default=Kind.problem.value,
                      choices=[(Kind.problem.value, _l("Report a problem")), (Kind.question.value, _l("Ask a question"))])
    category = SelectField(_l("Category"), validators=[InputRequired(_l("Choose a category."))], choices=[])
    title = StringField(_l("Title"), validators=[InputRequired(_l("Write a short title.")),
                                                 Length(min=5, max=120), few_links])
    description = TextAreaField(_l("Description"), validators=[InputRequired(_l("Describe the problem or question.")),
                                                               Length(min=10, max=3000), few_links])
    lat = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)])
    lon = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)])
    district = SelectField(_l("District"), choices=[], validate_choice=False, validators=[Optional()])
    place_description = StringField(_l("Where exactly?"), validators=[Optional(), Length(max=300), few_links])
    photos = MultipleFileField(_l("Photos (up to 3: JPEG, PNG or WebP, at most 10 MB each)"))
    name = StringField(_l("Your name (optional, never public)"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("Email (optional: for the tracking link and notices)"),
                       validators=[Optional(), Email(_l("This does not look like an email address."),
                                                     check_deliverability=False), Length(max=254)])
    website = StringField(_l("Leave this field empty"))   # honeypot, labelled for screen readers
    submission_key = HiddenField()

    def __init__(self, *args, categories=(), districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = {"": [("", "—")], **dict(categories)}   # optgroups: one per department
        self.district.choices = [("", "—")] + list(districts)
        if not self.submission_key.data:
            self.submission_key.data = secrets.token_urlsafe(24)

    def validate_website(self, field) -> None:
        """A filled honeypot means a robot."""
        if field.data:
            raise ValidationError(_l("Please leave this field empty."))

    def validate_photos(self, field) -> None:
        """At most three photos (their content is checked when they are processed)."""
        if len([f for f in (field.data or []) if getattr(f, "filename", "")]) > MAX_PHOTOS:
            raise ValidationError(_l("You can attach at most %(n)d photos.", n=MAX_PHOTOS))

    def validate_lon(self, field) -> None:
        """A problem needs a place: a point (both coordinates) or a district with a description."""
        has_point = self.lat.data is not None and field.data is not None
        if (self.lat.data is None) != (field.data is None):
            raise ValidationError(_l("Give both latitude and longitude, or choose the place on the map."))
        if self.kind.data == Kind.problem.value and not has_point and not self.district.data:
            raise ValidationError(_l("Choose the place on the map, type its coordinates, or choose a district."))

    def validate_place_description(self, field) -> None:
        """A district alone needs words saying where in it."""
        if self.district.data and self.lat.data is None and not (field.data or "").strip():
            raise ValidationError(_l("Describe where in the district the problem is."))


PHOTO_ERRORS = {
    "too_large": lambda: _("A photo is larger than 10 MB."),
    "too_many_pixels": lambda: _("A photo has more than 40 megapixels."),
    "bad_type": lambda: _("Only JPEG, PNG and WebP photos are accepted."),
}


def report_form() -> ReportForm:
    """The form with its choices: categories grouped by department (optgroups) and districts, in the locale."""
    groups: dict[str, list] = {}
    categories = db.session.scalars(select(Category).join(Department).where(
        Category.active.is_(True), Category.kind.in_([Kind.problem, Kind.question]))
        .order_by(Department.code, Category.position)).all()
    for category in categories:
        groups.setdefault(category.department.name, []).append((category.code, category.name))
    districts = db.session.scalars(select(Area).where(Area.level == AreaLevel.district).order_by(Area.code)).all()
    return ReportForm(categories=groups.items(), districts=[(str(a.id), f"{a.code} {a.name}") for a in districts])


def _cleaned_photos(form: ReportForm) -> list[photos.Photo]:
    cleaned = []
    for upload in [f for f in (form.photos.data or []) if getattr(f, "filename", "")]:
        try:
            cleaned.append(photos.clean(upload.read(photos.MAX_BYTES + 1)))
        except photos.PhotoRejected as rejected:
            form.photos.errors.append(PHOTO_ERRORS[str(rejected)]())
            break
    return cleaned


def report_input(form: ReportForm) -> tuple[Kind, SignalInput, list[photos.Photo]] | None:
    """A valid form as the filing service's input and cleaned photos, or None with errors put on the form."""
    category = db.session.scalar(select(Category).where(Category.code == form.category.data))
    if category is None or category.kind.value != form.kind.data:
        form.category.errors.append(_("Choose a category of this kind."))
    place = routing.Place(lon=form.lon.data, lat=form.lat.data,
                          area_id=int(form.district.data) if (form.district.data or "").isdigit() else None)
    if place.has_point and not routing.inside_municipality(place.lon, place.lat):
        form.lat.errors.append(_("This point is outside the municipality. Choose a place inside it."))
    cleaned = _cleaned_photos(form)
    if form.category.errors or form.lat.errors or form.photos.errors:
        return None
    sender = Sender(person_name=(form.name.data or "").strip(), email=(form.email.data or "").strip(),
                    locale=current_locale())
    data = SignalInput(category=category, title=form.title.data, description=form.description.data, place=place,
                       place_description=form.place_description.data or "", sender=sender,
                       submission_key=form.submission_key.data, locale=current_locale())
    return Kind(form.kind.data), data, cleaned
