"""Passwords: argon2 hashes (rehashed on login when the parameters change) and a strength check with zxcvbn.

zxcvbn scores the first 64 characters (its cost grows with length and it refuses more than 72); its
feedback is English, so each of its messages is listed here for translation.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from zxcvbn import zxcvbn

_hasher = PasswordHasher()
MIN_LENGTH = 10
MAX_LENGTH = 1000            # a longer "password" is a mistake or an attack on the hasher
SCORED = 64

# zxcvbn's messages (zxcvbn/feedback.py), so that pybabel extracts them.
_MESSAGES = [
    "Add another word or two. Uncommon words are better.",
    "Capitalization doesn't help very much.",
    "Reversed words aren't much harder to guess.",
    "Predictable substitutions like '@' instead of 'a' don't help very much.",
    "Use a few words, avoid common phrases.",
    "No need for symbols, digits, or uppercase letters.",
    "Straight rows of keys are easy to guess.",
    "Short keyboard patterns are easy to guess.",
    "This is a top-10 common password.",
    "This is similar to a commonly used password.",
    "A word by itself is easy to guess.",
    "All-uppercase is almost as easy to guess as all-lowercase.",
    "Use a longer keyboard pattern with more turns.",
    'Repeats like "aaa" are easy to guess.',
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".',
    "This is a top-100 common password.",
    "This is a very common password.",
    "Names and surnames by themselves are easy to guess.",
    "Common names and surnames are easy to guess.",
    "Avoid repeated words and characters.",
    'Sequences like "abc" or "6543" are easy to guess.',
    "Avoid sequences.",
    "Recent years are easy to guess.",
    "Dates are often easy to guess.",
    "Avoid recent years.",
    "Avoid years that are associated with you.",
    "Avoid dates and years that are associated with you.",
]
_l("Add another word or two. Uncommon words are better.")
_l("Capitalization doesn't help very much.")
_l("Reversed words aren't much harder to guess.")
_l("Predictable substitutions like '@' instead of 'a' don't help very much.")
_l("Use a few words, avoid common phrases.")
_l("No need for symbols, digits, or uppercase letters.")
_l("Straight rows of keys are easy to guess.")
_l("Short keyboard patterns are easy to guess.")
_l("This is a top-10 common password.")
_l("This is similar to a commonly used password.")
_l("A word by itself is easy to guess.")
_l("All-uppercase is almost as easy to guess as all-lowercase.")
_l("Use a longer keyboard pattern with more turns.")
_l('Repeats like "aaa" are easy to guess.')
_l('Repeats like "abcabcabc" are only slightly harder to guess than "abc".')
_l("This is a top-100 common password.")
_l("This is a very common password.")
_l("Names and surnames by themselves are easy to guess.")
_l("Common names and surnames are easy to guess.")
_l("Avoid repeated words and characters.")
_l('Sequences like "abc" or "6543" are easy to guess.')
_l("Avoid sequences.")
_l("Recent years are easy to guess.")
_l("Dates are often easy to guess.")
_l("Avoid recent years.")
_l("Avoid years that are associated with you.")
_l("Avoid dates and years that are associated with you.")


def hash_password(password: str) -> str:
    """Hash a password for storage."""
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    """Check a password against its stored hash; False for any mismatch or bad hash."""
    if not stored or len(password) > MAX_LENGTH:
        return False
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether a hash was made with other parameters than today's (rehash it at the next login)."""
    try:
        return _hasher.check_needs_rehash(stored)
    except InvalidHashError:
        return True


def weaknesses(password: str, *related: str) -> list[str]:
    """Why a new password is refused, in the interface's language; empty when it is good enough.

    `related` are the account's own words (names, address parts): a password made of them scores low."""
    if len(password) < MIN_LENGTH:
        return [gettext("Use at least %(n)d characters.", n=MIN_LENGTH)]
    if len(password) > MAX_LENGTH:
        return [gettext("Use at most %(n)d characters.", n=MAX_LENGTH)]
    words = [word for value in related for word in str(value).replace("@", " ").split() if len(word) > 2]
    result = zxcvbn(password[:SCORED], user_inputs=words[:20])
    if result["score"] >= current_app.config["PASSWORD_MIN_SCORE"]:
        return []
    feedback = result["feedback"]
    said = [feedback["warning"]] if feedback["warning"] else []
    said += feedback["suggestions"]
    reasons = [gettext("This password is too easy to guess.")]
    reasons += [gettext(text) if text in _MESSAGES else text for text in said]
    return reasons
