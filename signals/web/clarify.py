"""The filer's answer to a clarification request, on the item's page (POST /signals/<number>/clarification)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import TextAreaField
from wtforms.validators import Length

from app.unit_of_work import unit_of_work
from app.web.fields import CleanForm, Visible
from signals.access import Reader
from signals.models import Signal
from signals.services.clarification import answer_clarification
from signals.services.errors import ServiceError
from signals.web.gate import item_route
from signals.workflow import Status

bp = Blueprint("clarify", __name__)


class AnswerForm(CleanForm):
    """What the filer says in answer."""

    answer = TextAreaField(_l("Your answer"), validators=[Visible(), Length(max=10_000)])


@bp.post("/signals/<number>/clarification")
@item_route("reply_as_filer")
def answer(item: Signal, reader: Reader):
    """Register the filer's answer: the item goes back to work and its due date follows the kind's rule."""
    form = AnswerForm()
    if item.status != Status.awaiting_clarification or not form.validate_on_submit():
        flash(_("Your answer was not registered: write it in the field and send it again."))
        return redirect(url_for("items.item", number=item.number) + "#clarify", 303)
    try:
        with unit_of_work():
            answer_clarification(item, reader.user or (current_user if current_user.is_authenticated else None),
                                 form.answer.data)
    except ServiceError:
        flash(_("Your answer was not registered: write it in the field and send it again."))
        return redirect(url_for("items.item", number=item.number) + "#clarify", 303)
    flash(_("Thank you: your answer is registered and the item is back with the department."))
    return redirect(url_for("items.item", number=item.number), 303)
