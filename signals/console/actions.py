"""One shape for every console action on an item: validate the form, check that it was filled on the item's
current version, run one service in one transaction, and answer with a message — never a half-done change."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from app.accounts.models import User
from app.extensions import db
from app.unit_of_work import unit_of_work
from app.web.templating import localdatetime
from signals.console import forms
from signals.models import Signal
from signals.services.errors import InvalidInput, NotAllowed, ServiceError, TransitionNotAllowed
from signals.services.replies import FilerNamed
from signals.services.status import ReasonMissing
from signals.services.zdoi import ExtensionRefused

MESSAGES = {ReasonMissing: lambda: _("Say why in the note: a refusal, a rejection or leaving without consideration "
                                     "always gives its reason."),
            ExtensionRefused: lambda: _("This extension is not allowed: the deadline has passed, the request was "
                                         "extended already, or (art. 31) the third party's consent was not asked "
                                         "within 7 days of registration."),
            FilerNamed: lambda: _("A public reply never names the filer: take the name out, or reply to the filer "
                                   "only."),
            TransitionNotAllowed: lambda: _("This status change is not allowed from the item's current status."),
            NotAllowed: lambda: _("You may not do this on this item."),
            InvalidInput: lambda: _("Nothing changed: check what you wrote and try again.")}
# A service error that names its field (signals.services.decisions.DecisionRefused) says what that field needs.
FIELD_MESSAGES = {
    "communicated_on": lambda: _("Give the date the decision reached the requester: not before the decision, not "
                                 "after today, and only once."),
    "months": lambda: _("The new time must be longer than the current one, at most six months from registration, "
                        "and set before the deadline passes."),
    "reason": lambda: _("Give the reason: the filer reads it."),
}


def _stale(item: Signal, version: str) -> str | None:
    """Why a form is stale (who changed the item, and when), or None."""
    if version == str(item.version):
        return None
    last = max(item.updates, key=lambda u: (u.created_at, u.id), default=None)
    who = db.session.get(User, last.author_id).name if last is not None and last.author_id else _("the system")
    return _("Nothing changed: %(who)s changed this item at %(when)s after you opened it. Read it again and "
             "repeat your action if it is still needed.", who=who, when=localdatetime(last.created_at) if last
             else "")


def act(item: Signal, form: forms.VersionedForm, do: Callable[[], object], done: str, anchor: str):
    """Validate, check the version, run one service in one transaction; every outcome is a message."""
    page = url_for("console_item.item", number=item.number)
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors) or MESSAGES[InvalidInput]())
        return redirect(f"{page}#{anchor}", 303)
    stale = _stale(item, form.version.data or "")
    if stale:
        flash(stale)
        return redirect(f"{page}#{anchor}", 303)
    try:
        with unit_of_work():
            do()
    except ServiceError as error:
        named = FIELD_MESSAGES.get(getattr(error, "field", ""))
        flash(named() if named else next((m() for kind, m in MESSAGES.items() if isinstance(error, kind)),
                                         MESSAGES[InvalidInput]()))
        return redirect(f"{page}#{anchor}", 303)
    flash(done, "ok")
    return redirect(page, 303)
