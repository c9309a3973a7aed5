"""The public report form (problem or question, place, category, text, photos, optional contact) and its
conversion into what the filing service takes; bad input gets its message at its field.

Every text field passes the input-hygiene layer (app/web/text.py) through CleanForm.
"""

from __future__ import annotations

import re
import secrets

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, MultipleFileField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, ValidationError

from app.kinds import Kind
from app.web import text
from app.mail.addresses import optional_email
from app.web.fields import CleanForm, DecimalField, Visible, options
from signals import routing
from signals.documents import DOCX_TYPE
from signals.services.fix_check import COMMENT_MAX

MAX_LINKS = 2
MAX_PHOTOS = 3
PUBLIC = (Kind.problem.value, Kind.question.value)
_LINK = re.compile(r"(https?://|www\.)", re.IGNORECASE)
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def few_links(form, field) -> None:
    """Refuse texts with more links than a report needs (spam)."""
    if len(_LINK.findall(field.data or "")) > MAX_LINKS:
        raise ValidationError(_l("Please include at most %(n)d links.", n=MAX_LINKS))


class ReportForm(CleanForm):
    """What an anonymous resident fills in; bad input gets its message at its field."""

    kind = RadioField(_l("What do you want to do?"), default=Kind.problem.value,
                      choices=options([(Kind.problem.value, _l("Report a problem")),
                                       (Kind.question.value, _l("Ask a question"))]))
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    title = StringField(_l("Title"), validators=[Visible(_l("Write a short title.")), Length(min=5, max=120),
                                                 few_links])
    description = TextAreaField(_l("Description"), validators=[
        Visible(_l("Describe the problem or question.")), Length(min=10, max=3000), few_links])
    lat = DecimalField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)])
    lon = DecimalField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)])
    district = SelectField(_l("District"), choices=[], validate_choice=False)
    place_description = StringField(_l("Where exactly?"), validators=[Optional(), Length(max=300), few_links])
    photos = MultipleFileField(_l("Photos (up to 3: JPEG, PNG or WebP, at most 10 MB each)"))
    name = StringField(_l("Your name (optional, never public)"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("Email (optional: for the tracking link and notices)"), validators=[Length(max=254)])
    website = StringField(_l("Leave this field empty"))   # honeypot, labelled for screen readers
    submission_key = HiddenField()

    def __init__(self, *args, categories: dict | None = None, districts=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.kind.data not in PUBLIC:
            self.kind.data = Kind.problem.value
        self.categories = categories or {}          # kind → [(department name, [(code, name)])]
        self.category.choices = options([(code, name) for _, group in self.categories.get(self.kind.data, [])
                                         for code, name in group])
        self.district.choices = options([("", "—")] + list(districts))
        if not _KEY.match(self.submission_key.data or ""):   # absent or tampered: a fresh one, and no error
            self.submission_key.data = secrets.token_urlsafe(24)
            self.submission_key.process_errors = []

    @property
    def category_groups(self) -> list:
        """The chosen kind's categories, grouped by department (no empty group)."""
        return [group for group in self.categories.get(self.kind.data, []) if group[1]]

    def validate_category(self, field) -> None:
        """A category of the chosen kind (without JavaScript the list may still show the other kind's)."""
        if not field.data:
            raise ValidationError(_l("Choose a category."))
        if field.data not in {option.value for option in field.choices}:
            raise ValidationError(_l("Choose a category of this kind."))

    def validate_district(self, field) -> None:
        """Only a district from the list."""
        if field.data and field.data not in {option.value for option in field.choices}:
            raise ValidationError(_l("Choose a district from the list."))

    def validate_website(self, field) -> None:
        """A filled honeypot means a robot."""
        if field.data:
            raise ValidationError(_l("Please leave this field empty."))

    def validate_email(self, field) -> None:
        """An address we can send to, stored as we send it (an IDN domain as its A-label)."""
        optional_email(field)

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then the place as a whole: field validators stop at an empty optional field,
        so these rules live here.

        Both coordinates or neither; a problem needs a point inside the municipality, or a district with words
        saying where in it; a district without a point always needs those words.
        """
        valid = super().validate(extra_validators)
        lat, lon, district = self.lat.data, self.lon.data, self.district.data
        if self.lat.errors or self.lon.errors or self.district.errors:
            return False
        problem = None
        if (lat is None) != (lon is None):
            field, problem = self.lon, _l("Give both latitude and longitude, or choose the place on the map.")
        elif lat is None and self.kind.data == Kind.problem.value and not district:
            field, problem = self.lon, _l("Choose the place on the map, type its coordinates, or choose a district.")
        elif lat is None and district and not self.place_description.data:
            field, problem = self.place_description, _l("Describe where in the district the problem is.")
        elif lat is not None and not routing.inside_municipality(lon, lat):
            field, problem = self.lat, _l("This point is outside the municipality. Choose a place inside it.")
        if problem is not None:
            field.errors.append(str(problem))
            return False
        return valid


class AnswerForm(CleanForm):
    """What the filer says in answer, and the files that go with it."""

    answer = TextAreaField(_l("Your answer"), validators=[Visible(), Length(max=10_000)])
    files = MultipleFileField(_l("Files (optional)"), render_kw={
        "accept": ".pdf,.jpg,.jpeg,.png,.docx,application/pdf,image/jpeg,image/png," + DOCX_TYPE})


class FixedForm(CleanForm):
    """The filer's answer to "Is it fixed?": yes or no, and for a no what is still wrong."""

    fixed = RadioField(_l("Is it fixed?"), choices=options([("yes", _l("Yes, it is fixed")),
                                                            ("no", _l("No, it is not fixed"))]),
                       validate_choice=False, validators=[InputRequired(_l("Choose yes or no.")),
                                                          AnyOf(("yes", "no"), _l("Choose yes or no."))])
    comment = TextAreaField(_l("Your comment"), validators=[Length(max=COMMENT_MAX)])

    def validate_comment(self, field) -> None:
        """A no says what is still not fixed."""
        if self.fixed.data == "no" and not text.has_visible(field.data or ""):
            raise ValidationError(_l("Say what is still not fixed."))
