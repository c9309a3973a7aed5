"""The form of a private item (letter, complaint, proposal, access-to-information request): the sender snapshot,
filled from the profile and editable for this item, the category and the text, an optional earlier item of mine
it repeats, and for an information request what ZDOI art. 25(1) asks, with the form of access of art. 26(1)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import EmailField, MultipleFileField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from app.accounts.identity import valid_eik
from app.departments.models import Category, Department
from app.extensions import db
from app.kinds import Kind
from app.localized import current_locale, in_locale
from app.mail.addresses import optional_email
from app.web.fields import CleanForm, Visible, options
from signals import registry
from signals.documents import DOCX_TYPE
from signals.models import Signal
from signals.labels import ACCESS_FORMS

PRIVATE = (Kind.letter.value, Kind.complaint.value, Kind.proposal.value, Kind.info_request.value)
FIELDS = ("category", "title", "description", "refers_to", "person_name", "organisation", "organisation_seat",
          "eik", "address", "email", "phone", "access_form")


class PrivateForm(CleanForm):
    """One private item; `kind` comes from the address (/signals/new?kind=…), never from the form."""

    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    title = StringField(_l("Subject"), validators=[Visible(), Length(max=200)])
    description = TextAreaField(_l("Text"), validators=[Visible(), Length(max=10_000)])
    refers_to = StringField(_l("Repeats my earlier item (optional)"), validators=[Length(max=30)],
                            render_kw={"placeholder": "LT-2026-000042", "spellcheck": "false"})
    person_name = StringField(_l("Your names"), validators=[Length(max=300)], render_kw={"autocomplete": "name"})
    organisation = StringField(_l("Organisation (when you write for one)"), validators=[Length(max=300)],
                               render_kw={"autocomplete": "organization"})
    organisation_seat = StringField(_l("Organisation's seat"), validators=[Length(max=300)])
    eik = StringField(_l("UIC/BULSTAT (optional)"), validators=[Length(max=20)], render_kw={"inputmode": "numeric"})
    address = StringField(_l("Correspondence address"), validators=[Visible(), Length(max=500)],
                          render_kw={"autocomplete": "street-address"})
    email = EmailField(_l("Email"), validators=[Length(max=254)], render_kw={"autocomplete": "email"})
    phone = StringField(_l("Phone (optional)"), validators=[Length(max=50)], render_kw={"autocomplete": "tel"})
    access_form = RadioField(_l("Preferred form of access"), choices=options(list(ACCESS_FORMS.items())),
                             validate_choice=False)
    files = MultipleFileField(_l("Attachments (optional)"), render_kw={
        "accept": ".pdf,.jpg,.jpeg,.png,.docx,application/pdf,image/jpeg,image/png," + DOCX_TYPE})

    def __init__(self, kind: str, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.user = kind, user
        self.category.choices = options(category_choices(Kind(kind)))

    def validate_category(self, field) -> None:
        """A category of this kind."""
        if field.data not in {option.value for option in self.category.choices}:
            raise ValidationError(_l("Choose a category."))

    def validate_email(self, field) -> None:
        """An address we can send to, or nothing."""
        optional_email(field)

    def validate_eik(self, field) -> None:
        """An ЕИК/БУЛСТАТ with the right check digits, or nothing."""
        if field.data:
            field.data = "".join(field.data.split())
            if not valid_eik(field.data):
                raise ValidationError(_l("This number is not valid: check its digits."))

    def validate_refers_to(self, field) -> None:
        """One of my own earlier items, by its number (typed as loosely as anywhere)."""
        if field.data:
            item = registry.find(field.data)
            if item is None or item.user_id != self.user.id:
                raise ValidationError(_l("This is not the number of one of your items."))
            field.data = item.number

    def validate(self, extra_validators=None) -> bool:
        """The fields, then the sender: a person's names or an organisation with its seat; an information
        request needs all three names of a person (ZDOI art. 25(1)) and a form of access."""
        ok = super().validate(extra_validators)
        organisation = (self.organisation.data or "").strip()
        if organisation and not (self.organisation_seat.data or "").strip():
            self.organisation_seat.errors.append(_l("Fill this in."))
            ok = False
        if not organisation and not (self.person_name.data or "").strip():
            self.person_name.errors.append(_l("Fill this in."))
            ok = False
        if self.kind == Kind.info_request.value:
            if not organisation and len((self.person_name.data or "").split()) < 3:
                self.person_name.errors.append(_l("A request for access to public information needs your three "
                                                  "names (ZDOI art. 25(1))."))
                ok = False
            if self.access_form.data not in ACCESS_FORMS:
                self.access_form.errors = [_l("Choose how you want to receive the information.")]
                ok = False
        return ok

    def data_for_draft(self) -> dict:
        """The fields as a draft keeps them."""
        data = {name: getattr(self, name).data or "" for name in FIELDS}
        if self.kind != Kind.info_request.value:
            data["access_form"] = ""                  # only an information request names a form of access
        return data


def category_choices(kind: Kind) -> list[tuple[str, str]]:
    """The active categories of a kind, "Department: Category", in the reader's language."""
    locale = current_locale()
    rows = db.session.execute(
        select(Category.code, in_locale(Category, "name", locale), in_locale(Department, "name", locale))
        .join(Department).where(Category.active.is_(True), Category.kind == kind)
        .order_by(Department.code, Category.position, Category.code)).all()
    return [(code, f"{department}: {name}") for code, name, department in rows]


def from_profile(user) -> dict:
    """The sender snapshot as the profile gives it."""
    names = " ".join(part for part in (user.first_name, user.middle_name, user.last_name) if part)
    return {"person_name": names or user.display_name, "organisation": user.organisation,
            "organisation_seat": user.seat, "eik": user.org_id, "address": user.address, "email": user.email,
            "phone": user.phone}


def referenced(number: str | None) -> Signal | None:
    """The earlier item a draft names."""
    return registry.find(number) if number else None
