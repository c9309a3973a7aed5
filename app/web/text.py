"""Input hygiene: one layer that turns what a person typed into the text we store, or says what is wrong.

Every text field of every form, and every query argument, passes here:

- text is NFC-normalised, CRLF and lone CR become LF (so a newline counts as one
  character), and it is stripped of white space and invisible characters at both ends;
- NUL and every other control character is refused, except newlines and tabs in
  long text (a tab in one-line text is white space and becomes a space);
- required text is refused when nothing visible remains: white space of every kind,
  format characters (zero-width spaces, joiners, marks), and the blank letters some
  fonts draw as nothing (the Hangul fillers, the braille blank, …);
- numbers accept a decimal comma and refuse NaN and infinities.

Secrets (passwords, codes, tokens) are taken byte for byte: they never pass `clean`.
"""

from __future__ import annotations

import math
import re
import unicodedata

from flask_babel import lazy_gettext as _l

# Letters and marks that render as nothing in common fonts (Unicode's "default ignorable" code points that are
# not format characters, and the blank letters that spammers use to fake an empty text).
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5\u180b\u180c\u180d\u180e\u180f"
                          "\U0001d159"
                          + "".join(chr(c) for c in range(0xFE00, 0xFE10))
                          + "".join(chr(c) for c in range(0xE0100, 0xE01F0)))
CONTROL_MESSAGE = _l("This text contains a character that cannot be used (a control character). "
                     "Please type it again or paste it as plain text.")
EMPTY_MESSAGE = _l("Please write something here: this field cannot be left empty.")
NUMBER_MESSAGE = _l("Enter a number, for example 42.6977 or 42,6977.")


class BadText(ValueError):
    """Text that cannot be stored; the message is shown at the field."""


def invisible(ch: str) -> bool:
    """Whether a character shows nothing: white space, a format character, a blank letter, a combining
    grapheme joiner or variation selector."""
    return ch.isspace() or unicodedata.category(ch) in ("Zs", "Zl", "Zp", "Cf") or ch in BLANK_LETTERS


def has_visible(text: str | None) -> bool:
    """Whether anything visible remains in the text."""
    return any(not invisible(ch) for ch in text or "")


def clean(value: str | None, *, multiline: bool = False) -> str:
    """Normalise typed text (NFC, LF newlines, trimmed) or raise BadText for a control character."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    allowed = "\n\t" if multiline else ""
    if not multiline:
        text = text.replace("\t", " ")
    for ch in text:
        category = unicodedata.category(ch)
        if (category == "Cc" and ch not in allowed) or category == "Cs":   # Cs: a lone surrogate
            raise BadText(str(CONTROL_MESSAGE))
    start, end = 0, len(text)
    while start < end and invisible(text[start]):
        start += 1
    while end > start and invisible(text[end - 1]):
        end -= 1
    return text[start:end]


_UNCLEAN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")   # Unicode's Cc and Cs, as one class


def is_clean(value: str) -> bool:
    """Whether a value (a query argument, a header) holds no control character or lone surrogate."""
    return _UNCLEAN.search(value) is None


def parse_number(value: str | float | None) -> float | None:
    """A finite number from what someone typed, with a decimal point or comma; None for empty; BadText else."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = clean(value).replace("\u2212", "-").replace(" ", "").replace("\u00a0", "")
        if not text:
            return None
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise BadText(str(NUMBER_MESSAGE)) from None
    if not math.isfinite(number):
        raise BadText(str(NUMBER_MESSAGE))
    return number
