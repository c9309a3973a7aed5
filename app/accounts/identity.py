"""Who an account is: its address in the one form that makes it unique, the jurisdiction's person profile, and
an organisation's registry number checked by its checksum (for BG the ЕИК/БУЛСТАТ)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.mail.addresses import InvalidAddress, normalize


def normal_email(address: str) -> str:
    """The address as stored and compared: checked, lower case, the domain as its A-label; InvalidAddress else.
    `Ann@Example.org` and `ann@example.org` are one account."""
    return normalize(address.strip()).lower()


def same_email(address: str) -> str | None:
    """normal_email, or None for an address that cannot be one (a login form's lookup)."""
    try:
        return normal_email(address)
    except InvalidAddress:
        return None


@dataclass(frozen=True)
class NameField:
    """One part of a person's name in the jurisdiction's profile."""

    attribute: str
    label: object
    required: bool


@dataclass(frozen=True)
class Profile:
    """What a jurisdiction asks of a person and an organisation."""

    names: tuple[NameField, ...]
    org_id_label: object
    org_id_valid: object          # callable(str) -> bool


def _eik_digit(digits: str, first: range, second: range) -> int:
    total = sum(int(d) * w for d, w in zip(digits, first)) % 11
    if total == 10:
        total = sum(int(d) * w for d, w in zip(digits, second)) % 11
    return 0 if total == 10 else total


def valid_eik(value: str) -> bool:
    """Whether a Bulgarian ЕИК/БУЛСТАТ (9 or 13 digits) has the right check digits."""
    if not re.fullmatch(r"\d{9}|\d{13}", value):
        return False
    if _eik_digit(value[:8], range(1, 9), range(3, 11)) != int(value[8]):
        return False
    if len(value) == 9:
        return True
    return _eik_digit(value[8:12], (2, 7, 3, 5), (4, 9, 5, 7)) == int(value[12])


PROFILES = {
    "BG": Profile(
        names=(NameField("first_name", _l("First name"), True),
               # Optional here; an access-to-information request asks for all three names (ZDOI art. 25(1)).
               NameField("middle_name", _l("Middle name"), False),
               NameField("last_name", _l("Surname"), True)),
        org_id_label=_l("UIC/BULSTAT"),
        org_id_valid=valid_eik),
}


def profile() -> Profile:
    """The profile of the configured JURISDICTION."""
    return PROFILES[current_app.config["JURISDICTION"]]
