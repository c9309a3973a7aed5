"""The public report form: problem or question, place, category, text, photos, optional contact."""

from __future__ import annotations

import re
import secrets

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (EmailField, FloatField, HiddenField, MultipleFileField, RadioField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from app.kinds import Kind

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
