"""The console's forms: each about one item carries the item's version, so a form filled on an older state changes
nothing; the moderation forms (hold, blocklist) follow."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, DateField, HiddenField, MultipleFileField, RadioField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.kinds import PUBLIC_KINDS, Kind
from app.mail.addresses import optional_email
from app.web.fields import CleanForm, DecimalField, Visible, options, whole_number
from signals.labels import ACCESS_FORMS as LABELS
from signals.labels import HIDDEN
from signals.models import Channel, HiddenReason
from signals.services import blocklist
from signals.services.errors import InvalidInput
from signals.services.filing import ACCESS_FORMS

TEXT = 10_000


class VersionedForm(CleanForm):
    """A console action on one item, filled on the item's `version`."""

    version = HiddenField()


class AssignForm(VersionedForm):
    assignee = SelectField(_l("Assign to"), validate_choice=False)


class StatusForm(VersionedForm):
    status = SelectField(_l("New status"), validators=[InputRequired()], validate_choice=False)
    note = TextAreaField(_l("Note for the history (public; optional)"), validators=[Length(max=TEXT)])


class ReplyForm(VersionedForm):
    body = TextAreaField(_l("Reply"), validators=[Visible(), Length(max=TEXT)])
    audience = RadioField(_l("Who reads it"), default="public",
                          choices=options([("public", _l("everyone who may see the item")),
                                           ("filer", _l("the filer only"))]))
    files = MultipleFileField(_l("Photos (optional: the \"after\" beside the filer's \"before\")"),
                              render_kw={"accept": "image/jpeg,image/png"})


class RerouteForm(VersionedForm):
    department = SelectField(_l("Send to the department"), validate_choice=False)
    reason = TextAreaField(_l("Why (the filer reads it)"), validators=[Visible(), Length(max=2000)])


class DuplicateForm(VersionedForm):
    original = StringField(_l("Number of the earlier item"), validators=[Visible(), Length(max=40)])


class KindForm(VersionedForm):
    category = SelectField(_l("New kind and category"), validate_choice=False)


class CategoryForm(VersionedForm):
    category = SelectField(_l("Category"), validate_choice=False)


class PointForm(VersionedForm):
    lat = DecimalField(_l("Latitude"), validators=[InputRequired(), NumberRange(-90, 90)])
    lon = DecimalField(_l("Longitude"), validators=[InputRequired(), NumberRange(-180, 180)])


class RedactForm(VersionedForm):
    title = StringField(_l("Public title"), validators=[Visible(), Length(max=200)])
    description = TextAreaField(_l("Public text"), validators=[Visible(), Length(max=TEXT)])


class ExtendForm(VersionedForm):
    article = SelectField(_l("Extension under"), choices=options([
        ("30", _l("art. 30: the information is large in volume (+10 days)")),
        ("31", _l("art. 31: a third party's consent is needed (+14 days)"))]))
    reason = TextAreaField(_l("Reason (the requester reads it)"), validators=[Visible(), Length(max=2000)])


class ConsentForm(VersionedForm):
    third_party = StringField(_l("Third party whose consent is asked"), validators=[Visible(), Length(max=300)])


class NoteForm(VersionedForm):
    body = TextAreaField(_l("Internal note (staff only)"), validators=[Visible(), Length(max=TEXT)])


class ClarifyForm(VersionedForm):
    question = TextAreaField(_l("What should the filer clarify?"), validators=[Visible(), Length(max=TEXT)])


class IntakeForm(CleanForm):
    """An operator registers what a person brought by phone, email, paper or in person, on their behalf."""

    submission_key = HiddenField()
    kind = SelectField(_l("Kind"), choices=options([(k.value, k.value) for k in Kind]), default=Kind.problem.value)
    channel = SelectField(_l("Received by"), default=Channel.phone.value,
                          choices=options([(Channel.phone.value, _l("phone")), (Channel.email.value, _l("email")),
                                           (Channel.paper.value, _l("paper")),
                                           (Channel.in_person.value, _l("in person"))]))
    category = SelectField(_l("Category"), choices=[], validate_choice=False)
    title = StringField(_l("Title"), validators=[Visible(), Length(min=3, max=120)])
    description = TextAreaField(_l("What the person says"), validators=[Visible(), Length(max=TEXT)])
    district = SelectField(_l("District"), choices=[], validate_choice=False)
    place_description = StringField(_l("Where exactly?"), validators=[Optional(), Length(max=300)])
    person_name = StringField(_l("Names"), validators=[Length(max=300)])
    organisation = StringField(_l("Organisation (if the person speaks for one)"), validators=[Length(max=300)])
    email = StringField(_l("Email (optional: the tracking link goes there)"),
                        validators=[Length(max=254), lambda form, field: optional_email(field)])
    phone = StringField(_l("Phone"), validators=[Length(max=50)])
    address = TextAreaField(_l("Correspondence address"), validators=[Length(max=500)])
    access_form = SelectField(_l("Preferred form of access (information requests)"), validate_choice=False,
                              choices=options([("", "—")] + list(LABELS.items())))
    files = MultipleFileField(_l("Scanned documents (optional)"))
    by_hand = BooleanField(_l("Keep it in the triage inbox to route it by hand"))

    def validate_person_name(self, field) -> None:
        """A private kind needs the person's names or an organisation, as the law asks of a signal or request."""
        if self.kind.data not in {k.value for k in PUBLIC_KINDS} and not (field.data or "").strip() and \
                not (self.organisation.data or "").strip():
            raise ValidationError(_l("Write the person's names or the organisation's name."))

    def validate_place_description(self, field) -> None:
        """A problem is located: a district and where in it."""
        if self.kind.data == Kind.problem.value and not (self.district.data and (field.data or "").strip()):
            raise ValidationError(_l("For a problem, choose the district and say where in it."))

    def validate_access_form(self, field) -> None:
        if self.kind.data == Kind.info_request.value and field.data not in ACCESS_FORMS:
            raise ValidationError(_l("Choose the form of access the person prefers."))


class ModerateForm(VersionedForm):
    """Approve, or show again, one item of the moderation lists (prefixed by the item's id: many on one page)."""


class HideForm(VersionedForm):
    reason = SelectField(_l("Reason"), validators=[InputRequired()],
                         choices=options([(reason.value, HIDDEN[reason]) for reason in HiddenReason]))


class HoldForm(CleanForm):
    hold = RadioField(_l("New public items"), validators=[InputRequired()],
                      choices=options([
                          ("off", _l("published at once (photos and question texts still wait for approval)")),
                          ("on", _l("held for review, every one of them (during a spam wave)"))]))


class BlockForm(CleanForm):
    pattern = StringField(_l("Address or domain"), validators=[InputRequired(), Length(max=254)])
    reason = StringField(_l("Reason (moderators read it; optional)"), validators=[Length(max=blocklist.REASON_MAX)])

    def validate_pattern(self, field) -> None:
        """An address (name@example.org) or a domain written with its @ (@example.org)."""
        try:
            blocklist.pattern_of(field.data)
        except InvalidInput:
            raise ValidationError(_l("Give an address, such as name@example.org, or a domain with its @, such as "
                                     "@example.org.")) from None


class DecisionForm(VersionedForm):
    """A decision on an information request or a proposal: the outcome and what the law asks it to state (the
    choices are set per kind by the view; the service checks the whole again)."""

    outcome = RadioField(_l("Decision"), validators=[InputRequired(_l("Choose the decision."))], choices=[],
                         validate_choice=False)
    extent = TextAreaField(_l("Extent of the information to which access is given"), validators=[Length(max=2000)])
    access_form = SelectField(_l("Form of access"), choices=options([("", "—")] + list(LABELS.items())))
    term_days = StringField(_l("Term of access, in days from receiving the decision"), default="30",
                            render_kw={"inputmode": "numeric", "autocomplete": "off"})
    place = StringField(_l("Place of access (not needed for access by email)"), validators=[Length(max=300)])
    costs = DecimalField(_l("Costs of access, EUR (none for access by email)"), validators=[Optional()])
    information_url = StringField(_l("Web address where the information is published (optional)"),
                                  validators=[Length(max=500)], render_kw={"inputmode": "url"})
    grounds = SelectMultipleField(_l("Legal grounds of the refusal"), choices=[], validate_choice=False,
                                  option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))
    without_consideration = RadioField(_l("Why it is left without consideration"), choices=[],
                                       validate_choice=False)
    reasons = TextAreaField(_l("Facts and reasons (the requester reads them)"), validators=[Length(max=TEXT)])
    files = MultipleFileField(_l("Decision document and the information (optional)"))

    def validate_term_days(self, field) -> None:
        if (field.data or "").strip() and whole_number(field.data.strip(), 1, 3650) is None:
            raise ValidationError(_l("Write a whole number of days."))

    def validate_costs(self, field) -> None:
        if field.data is not None and not 0 <= field.data <= 1_000_000:
            raise ValidationError(_l("Write the costs as an amount of at least 0, such as 2,50."))


class CommunicationForm(VersionedForm):
    communicated_on = DateField(_l("Date the decision reached the requester"),
                                validators=[InputRequired(_l("Give the date as day, month and year."))])


class ProposalExtensionForm(VersionedForm):
    months = SelectField(_l("Time for the decision, from registration"), choices=options([
        (str(n), _l("%(num)d months", num=n)) for n in range(3, 7)]))
    reason = TextAreaField(_l("Reason (the filer reads it)"), validators=[Visible(), Length(max=2000)])
