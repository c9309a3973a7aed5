"""The console's forms: each carries the item's version, so a form filled on an older state changes nothing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.web.fields import CleanForm, Visible

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
