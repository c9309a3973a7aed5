"""The console's forms: each about one item carries the item's version, so a form filled on an older state changes
nothing; the moderation forms (hold, blocklist) follow."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length

from app.web.fields import CleanForm, Visible
from signals.labels import HIDDEN
from signals.models import HiddenReason
from signals.services import blocklist
from signals.services.errors import InvalidInput

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
                          choices=[("public", _l("everyone who may see the item")), ("filer", _l("the filer only"))])


class NoteForm(VersionedForm):
    body = TextAreaField(_l("Internal note (staff only)"), validators=[Visible(), Length(max=TEXT)])


class ClarifyForm(VersionedForm):
    question = TextAreaField(_l("What should the filer clarify?"), validators=[Visible(), Length(max=TEXT)])


class ModerateForm(VersionedForm):
    """Approve, or show again, one item of the moderation lists (prefixed by the item's id: many on one page)."""


class HideForm(VersionedForm):
    reason = SelectField(_l("Reason"), validators=[InputRequired()],
                         choices=[(reason.value, HIDDEN[reason]) for reason in HiddenReason])


class HoldForm(CleanForm):
    hold = RadioField(_l("New public items"), validators=[InputRequired()],
                      choices=[("off", _l("published at once (photos and question texts still wait for approval)")),
                               ("on", _l("held for review, every one of them (during a spam wave)"))])


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
