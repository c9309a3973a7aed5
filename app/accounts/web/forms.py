"""The account forms: registration (person or organisation, by the jurisdiction's profile), login and its second
step, reset, profile, address, password, two-factor and deletion. Each checks its fields and says what is
wrong next to them; paste is never blocked."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from app.accounts.identity import normal_email, profile
from app.accounts.models import AccountKind
from app.accounts.passwords import MAX_LENGTH, weaknesses
from app.mail.addresses import InvalidAddress
from app.web.fields import CleanForm, Visible, options, whole_number

LANGUAGES = [("bg", "Български"), ("en", "English"), ("ru", "Русский")]
_PHONE = re.compile(r"\+?[0-9 ()/-]{6,40}")


def _email_field(label=None):
    return EmailField(label or _l("Email"), validators=[Visible(), Length(max=254)],
                      render_kw={"autocomplete": "email", "spellcheck": "false"})


def _checked_email(field) -> None:
    try:
        field.data = normal_email(field.data)
    except InvalidAddress as invalid:
        raise ValidationError(str(invalid)) from None


def kind_rules(form, kind: str) -> bool:
    """What the kind requires: the profile's required names for a person; name and seat for an organisation,
    whose registry number, when given, must pass its checksum."""
    ok = True
    if kind == AccountKind.organisation.value:
        required = [form.organisation, form.seat]
        if form.org_id.data:
            form.org_id.data = re.sub(r"\s", "", form.org_id.data)
            if not profile().org_id_valid(form.org_id.data):
                form.org_id.errors.append(_l("This number is not valid: check its digits."))
                ok = False
    else:
        required = [getattr(form, name.attribute) for name in profile().names if name.required]
    for field in required:
        if not (field.data or "").strip():
            field.errors.append(_l("Fill this in."))
            ok = False
    return ok


class NewPasswordMixin:
    """A new password: at least 10 characters, scored by zxcvbn against the account's own words."""

    def related_words(self) -> list[str]:
        """The account's words a password must not be made of (names, address)."""
        return []

    def validate_password(self, field) -> None:
        """Refuse a weak password with zxcvbn's feedback, in the interface's language."""
        reasons = weaknesses(field.data or "", *self.related_words())
        if reasons:
            raise ValidationError(" ".join(reasons))


def _new_password(label=None):
    return PasswordField(label or _l("Password"), validators=[Visible(), Length(max=MAX_LENGTH)],
                         render_kw={"autocomplete": "new-password", "minlength": 10})


class RegisterForm(NewPasswordMixin, CleanForm):
    """A person (names by the profile) or an organisation (name, seat, optional registry number)."""

    kind = RadioField(_l("I register as"), choices=options([(AccountKind.person.value, _l("a person")),
                                                            (AccountKind.organisation.value, _l("an organisation"))]),
                      default=AccountKind.person.value)
    first_name = StringField(_l("First name"), validators=[Length(max=100)], render_kw={"autocomplete": "given-name"})
    middle_name = StringField(_l("Middle name"), validators=[Length(max=100)],
                              render_kw={"autocomplete": "additional-name"})
    last_name = StringField(_l("Surname"), validators=[Length(max=100)], render_kw={"autocomplete": "family-name"})
    organisation = StringField(_l("Organisation's name"), validators=[Length(max=200)],
                               render_kw={"autocomplete": "organization"})
    seat = StringField(_l("Registered seat"), validators=[Length(max=200)])
    org_id = StringField(_l("UIC/BULSTAT (optional)"), validators=[Length(max=20)],
                         render_kw={"inputmode": "numeric", "autocomplete": "off"})
    address = StringField(_l("Correspondence address"), validators=[Visible(), Length(max=300)],
                          render_kw={"autocomplete": "street-address"})
    email = _email_field()
    phone = StringField(_l("Phone (optional)"), validators=[Length(max=40)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})
    password = _new_password()
    locale = SelectField(_l("Language of our mail"), choices=options(LANGUAGES), default="bg")

    def related_words(self) -> list[str]:
        """Names, organisation and address: a password made of them is refused."""
        return [self.first_name.data, self.middle_name.data, self.last_name.data, self.organisation.data,
                self.email.data, self.address.data]

    def validate_email(self, field) -> None:
        """An address we can send to, in the form that makes it unique."""
        _checked_email(field)

    def validate_phone(self, field) -> None:
        """Digits with the usual separators, or nothing."""
        if field.data and not _PHONE.fullmatch(field.data):
            raise ValidationError(_l("Type a phone number with digits, e.g. +359 2 949 4000."))

    def validate(self, extra_validators=None) -> bool:
        """The fields, then what the chosen kind requires (names by the profile, or the organisation)."""
        return super().validate(extra_validators) & kind_rules(self, self.kind.data)


class LoginForm(CleanForm):
    """Email and password; `next` is checked by safe_next before it is followed."""

    email = EmailField(_l("Email"), validators=[Visible(), Length(max=254)],
                       render_kw={"autocomplete": "username", "spellcheck": "false"})
    password = PasswordField(_l("Password"), validators=[Visible(), Length(max=MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password"})
    next = HiddenField()


class CodeForm(CleanForm):
    """The second step: a six-digit code from the authenticator app, or a recovery code."""

    code = StringField(_l("Code from your authenticator app, or a recovery code"),
                       validators=[Visible(), Length(max=20)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"})


class EmailOnlyForm(CleanForm):
    """Forgot password: the address only."""

    email = EmailField(_l("Email"), validators=[Visible(), Length(max=254)],
                       render_kw={"autocomplete": "email", "spellcheck": "false"})


class ResetForm(NewPasswordMixin, CleanForm):
    """A new password from a reset link (the token comes back in a hidden field, never in the path)."""

    token = HiddenField()
    password = _new_password(_l("New password"))


class ConfirmForm(CleanForm):
    """The button behind a mailed link: opening a link does nothing until it is pressed (mail scanners open
    links too)."""

    token = HiddenField()


class ProfileForm(CleanForm):
    """Names (or the organisation), address, phone and language; the address has its own form."""

    first_name = RegisterForm.first_name
    middle_name = RegisterForm.middle_name
    last_name = RegisterForm.last_name
    organisation = RegisterForm.organisation
    seat = RegisterForm.seat
    org_id = RegisterForm.org_id
    address = RegisterForm.address
    phone = RegisterForm.phone
    locale = RegisterForm.locale
    kind: str = AccountKind.person.value          # the account's, set by the view (never posted)

    validate_phone = RegisterForm.validate_phone

    def validate(self, extra_validators=None) -> bool:
        """The fields, then what the account's kind requires."""
        return super().validate(extra_validators) & kind_rules(self, self.kind)

    FIELDS = ("first_name", "middle_name", "last_name", "organisation", "seat", "org_id", "address", "phone",
              "locale")

    def values(self) -> dict:
        """The fields as the service takes them."""
        return {name: getattr(self, name).data or "" for name in self.FIELDS}


class EmailChangeForm(CleanForm):
    """A new address, confirmed by the password; it replaces the old one once its link is used."""

    email = _email_field(_l("New email"))
    password = PasswordField(_l("Your password"), validators=[Visible(), Length(max=MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password"})

    def validate_email(self, field) -> None:
        """An address we can send to."""
        _checked_email(field)


class PasswordChangeForm(NewPasswordMixin, CleanForm):
    """The current password and a new one."""

    current = PasswordField(_l("Current password"), validators=[Visible(), Length(max=MAX_LENGTH)],
                            render_kw={"autocomplete": "current-password"})
    password = _new_password(_l("New password"))
    words: list[str] = []

    def related_words(self) -> list[str]:
        """The account's names and address (set by the view)."""
        return self.words


class EnableTwoFactorForm(CleanForm):
    """The first code from the app proves the secret was read right."""

    code = StringField(_l("Six-digit code from the app"), validators=[Visible(), Length(max=10)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"})


class PasswordOnlyForm(CleanForm):
    """Turning two-factor off or deleting the account asks for the password again."""

    password = PasswordField(_l("Your password"), validators=[Visible(), Length(max=MAX_LENGTH)],
                             render_kw={"autocomplete": "current-password"})


class EndSessionForm(CleanForm):
    """End one session from the list (its row number, never its key)."""

    session = HiddenField(validators=[Optional()])

    def session_id(self) -> int | None:
        """The chosen session's row id, or None for bad input."""
        return whole_number(self.session.data)
