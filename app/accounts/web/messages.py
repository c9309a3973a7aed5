"""Words the account pages share: how long to wait, and why a mailed link was refused."""

from __future__ import annotations

import math

from flask_babel import gettext as _
from flask_babel import ngettext


def wait_text(seconds: int) -> str:
    """"Too many attempts: try again in N seconds/minutes" in the interface's language."""
    if seconds < 120:
        again = ngettext("You can try again in %(num)d second.", "You can try again in %(num)d seconds.",
                         max(1, seconds))
    else:
        again = ngettext("You can try again in %(num)d minute.", "You can try again in %(num)d minutes.",
                         math.ceil(seconds / 60))
    return _("Too many wrong attempts for this account.") + " " + again


def refusal_text(reason: str) -> str:
    """Why a confirmation, reset or address-change link does not work, and what to do."""
    if reason == "used":
        return _("This link was used already. Each link works once: log in, or ask for a new one.")
    if reason == "expired":
        return _("This link has expired. Ask for a new one.")
    return _("This link is not valid. Check that you opened the whole link from the mail, or ask for a new one.")
