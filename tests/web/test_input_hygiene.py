"""The input-hygiene layer as every form sees it: typed text is NFC-normalised and trimmed, secrets are taken byte
for byte, and a log line never carries a visitor's newline or control character as it is."""

from __future__ import annotations

import logging
import unicodedata

import pytest
from wtforms import PasswordField, StringField, TextAreaField

from app import logs
from app.web.fields import CleanForm

DECOMPOSED = unicodedata.normalize("NFD", "Йордан Ёлкин")          # и + combining breve, е + diaeresis


class _Form(CleanForm):
    class Meta:
        csrf = False

    title = StringField()
    description = TextAreaField()
    password = PasswordField()


def _bound(app, **data) -> _Form:
    with app.test_request_context("/", method="POST", data=data):
        form = _Form()
        form.validate()
        return form


def test_typed_text_is_stored_composed_and_trimmed(app):
    assert DECOMPOSED != "Йордан Ёлкин"
    form = _bound(app, title=f"\u00a0 {DECOMPOSED}\u200b ", description=f"{DECOMPOSED}\r\nред две\t \r\n")
    assert form.title.data == "Йордан Ёлкин"
    assert form.description.data == "Йордан Ёлкин\nред две"


def test_a_secret_is_taken_byte_for_byte(app):
    secret = f"  {DECOMPOSED}\u00a0\u200b "
    form = _bound(app, password=secret)
    assert form.password.data == secret and not form.errors


def test_a_secret_with_a_control_character_is_refused(app):
    form = _bound(app, password="pass\x00word")
    assert form.password.errors and "управляващ знак" in form.password.errors[0]         # Bulgarian: the default


@pytest.mark.parametrize("typed", ["/nope\nFORGED line", "x\r\nFORGED", "a\x00b\x1b[31mred", "one\u2028two"])
def test_a_log_line_holds_a_visitors_text_escaped(app, caplog, typed):
    logs.install()
    with caplog.at_level(logging.INFO, logger="tests.hygiene"):
        logging.getLogger("tests.hygiene").info("typed: %s", typed)
    line = caplog.records[-1].getMessage()
    assert "\n" not in line and "\r" not in line and "\x00" not in line and "\x1b" not in line
    assert "\u2028" not in line and line == "typed: " + logs.escape(typed)
