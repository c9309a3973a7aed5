"""Email addresses: checked with email-validator, stored in the form we send to, and counted per mailbox.

An internationalised domain is stored and sent as its A-label (`пример.бг` →
`xn--e1afmkfd.xn--90ae`). A local part outside ASCII (`иван@…`) needs SMTPUTF8 end
to end: it is accepted only with SMTP_SMTPUTF8 on, and then sent with SMTPUTF8.
"""

from __future__ import annotations

import hashlib

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

GMAIL = {"gmail.com", "googlemail.com"}
INVALID = _l("This does not look like an email address, for example name@example.org.")
NEEDS_SMTPUTF8 = _l("We cannot send mail to an address with letters other than Latin ones before the @. "
                    "Please give another address, or leave the field empty.")


class InvalidAddress(ValueError):
    """An address we cannot store or send to; the message is for the person who typed it."""


def smtputf8_enabled() -> bool:
    """Whether SMTP_SMTPUTF8 is on (mail to non-ASCII local parts)."""
    return bool(has_app_context() and current_app.config.get("SMTP_SMTPUTF8"))


def normalize(address: str) -> str:
    """The address as stored and sent: the checked local part, the domain as its A-label; InvalidAddress else."""
    try:
        checked = validate_email(address, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        raise InvalidAddress(str(INVALID)) from None
    if checked.ascii_email is None and not smtputf8_enabled():
        raise InvalidAddress(str(NEEDS_SMTPUTF8))
    return f"{checked.local_part}@{checked.ascii_domain}"


def needs_smtputf8(address: str) -> bool:
    """Whether sending to (or from) this address needs the SMTPUTF8 extension."""
    return not address.isascii()


def mailbox(address: str) -> str:
    """One key per mailbox, for counting: case ignored, +tags removed, dots ignored where Gmail ignores them."""
    local, _, domain = address.strip().lower().rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError:
        pass
    local = local.split("+", 1)[0]
    if domain in GMAIL:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"


def mailbox_hash(address: str) -> str:
    """A stable key for a mailbox that lets us count mails without reading addresses."""
    return hashlib.sha256(mailbox(address).encode()).hexdigest()


def optional_email(field) -> None:
    """A form's email field: nothing, or an address we can send to, kept as we send it (an IDN domain as its
    A-label); the reason at the field otherwise (WTForms' ValidationError)."""
    from wtforms.validators import ValidationError

    if field.data:
        try:
            field.data = normalize(field.data)
        except InvalidAddress as invalid:
            raise ValidationError(str(invalid)) from None
