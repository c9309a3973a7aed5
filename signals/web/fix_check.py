"""The filer's answer to "Is it fixed?" on a resolved problem's page (POST /signals/<number>/fixed): yes closes
the item, no reopens it with the filer's comment (signals/services/fix_check.py)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _

from app.unit_of_work import unit_of_work
from signals.access import Reader
from signals.gate import item_route
from signals.models import Signal
from signals.services import fix_check
from signals.services.errors import ServiceError
from signals.web.forms import FixedForm
from signals.web.items import render_item

bp = Blueprint("fix_check", __name__)


def _back(item: Signal, message: str):
    flash(message)
    return redirect(url_for("items.item", number=item.number), 303)


@bp.post("/signals/<number>/fixed")
@item_route("reply_as_filer")
def answer(item: Signal, reader: Reader):
    """Register the filer's yes (the item is closed) or no with a comment (it is reopened, the department told)."""
    if fix_check.open_question(item) is None:           # read-only: a refusal writes nothing
        return _back(item, _("This item does not wait for your answer whether it is fixed: it was not asked, "
                             "is answered already, or the %(days)d days to answer are over.",
                             days=fix_check.ANSWER_DAYS))
    form = FixedForm()
    if not form.validate_on_submit():
        return render_item(item, reader, fix_form=form, status=422)
    fixed = form.fixed.data == "yes"
    try:
        with unit_of_work():
            fix_check.answer(item, reader.user, fixed, form.comment.data or "")
    except ServiceError:
        return _back(item, _("Your answer could not be registered; the item is unchanged."))
    return _back(item, _("Thank you: the item is closed.") if fixed
                 else _("Thank you: the item is reopened and the department is told."))
