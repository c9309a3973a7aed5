"""Form fields on the input-hygiene layer (app/web/text.py), and the base form every form uses.

`CleanForm` adds `text.clean` to every text field it binds (one-line or multiline by
the field's kind), so no form can forget it; password fields and hidden tokens are
taken byte for byte and only refused when they hold control characters.
"""

from __future__ import annotations

import functools

from babel import support
from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted   # Flask-WTF's own markers for "read the request"
from werkzeug.datastructures import MultiDict
from wtforms import Field, FileField, HiddenField, MultipleFileField, PasswordField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import StopValidation
from wtforms.widgets import TextInput

from app.localized import current_locale
from app.web import text


def _clean_line(value):
    return text.clean(value) if isinstance(value, str) or value is None else value


def _clean_long(value):
    return text.clean(value, multiline=True) if isinstance(value, str) or value is None else value


def _byte_for_byte(value):
    if isinstance(value, str) and not text.is_clean(value):
        raise text.BadText(str(text.CONTROL_MESSAGE))
    return value


@functools.cache
def _wtforms_catalogue(locale: str):
    """WTForms' own messages in a locale, loaded once per process (Flask-WTF loads them on every request)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _Messages:
    """WTForms' built-in messages (lengths, ranges) in the visitor's language."""

    def gettext(self, string):
        return _wtforms_catalogue(current_locale()).ugettext(string)

    def ngettext(self, singular, plural, n):
        return _wtforms_catalogue(current_locale()).ungettext(singular, plural, n)


class CleanForm(FlaskForm):
    """A Flask-WTF form whose text fields pass the input-hygiene layer."""

    class Meta:
        def get_translations(self, form):
            """WTForms' messages from a catalogue loaded once per process and locale."""
            return _Messages()

        def wrap_formdata(self, form, formdata):
            """What the browser sent as an HTML form: text parts, and file parts for file fields only (a file in
            a text field's name, or a JSON body, is not form data); None when nothing was submitted."""
            if formdata is not _Auto:
                return formdata
            if not _is_submitted():
                return None
            files = {name for name, unbound in form._unbound_fields
                     if issubclass(unbound.field_class, (FileField, MultipleFileField))}
            parts = [*request.form.items(multi=True)]
            parts += [(name, upload) for name, upload in request.files.items(multi=True) if name in files]
            return MultiDict(parts)

        def bind_field(self, form, unbound_field, options):
            """Give every text field its cleaning filter, first in line, and `dir="auto"` (a right-to-left name
            shows as typed, isolated from the page)."""
            kind = unbound_field.field_class
            if issubclass(kind, (PasswordField, HiddenField)):
                extra = _byte_for_byte
            elif issubclass(kind, TextAreaField):
                extra = _clean_long
            elif issubclass(kind, StringField):
                extra = _clean_line
            else:
                extra = None
            if extra is not None:
                options = {**options, "filters": (extra, *options.get("filters", unbound_field.kwargs.get(
                    "filters", ())))}
            if extra is not None and extra is not _byte_for_byte:   # typed text shows in its own direction
                render_kw = options.get("render_kw", unbound_field.kwargs.get("render_kw")) or {}
                options = {**options, "render_kw": {"dir": "auto", **render_kw}}
            return unbound_field.bind(form=form, **options)


class Visible:
    """Required text: refused when nothing visible remains (only white space, invisible or blank letters)."""

    def __init__(self, message=None):
        self.message = message or text.EMPTY_MESSAGE
        self.field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        if not text.has_visible(field.data if isinstance(field.data, str) else ""):
            raise StopValidation(str(self.message))


class DecimalField(Field):
    """A number typed as text (`inputmode="decimal"`): a decimal point or comma, never NaN or infinity.

    A text input, not type=number: a Bulgarian browser's number input turns "42,6977" into 426977.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.6f}".rstrip("0").rstrip(".")

    def process_formdata(self, valuelist) -> None:
        """Parse the typed number; an error goes to the field."""
        self.data = None
        if valuelist:
            self.data = text.parse_number(valuelist[0])


def whole_number(value: str | None, low: int = 1, high: int = 10**9) -> int | None:
    """A whole number typed into a form or a query string, within [low, high]; None for anything else (an id, a
    page, a count of days), so bad input never reaches the database."""
    value = value or ""
    # ASCII digits only: str.isdigit() also takes "²" and "⑤", which int() refuses (a 500 once, on several routes).
    return int(value) if value.isascii() and value.isdigit() and len(value) <= len(str(high)) \
        and low <= int(value) <= high else None


def options(pairs) -> list[SelectChoice]:
    """A choice field's options from (value, label) pairs (WTForms 3.3 deprecates plain tuples); read them back as
    `option.value` and `option.label`."""
    return [SelectChoice(value, label) for value, label in pairs]
