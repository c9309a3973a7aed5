"""The filer's answer to a clarification request, on the item's page (POST /signals/<number>/clarification),
with files attached as to a private item (checked at upload, scanned when a scanner is set)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.unit_of_work import unit_of_work
from signals import document_uploads
from signals.access import Reader
from signals.models import Signal
from signals.services.clarification import answer_clarification
from signals.services.errors import ServiceError
from signals.web.forms import AnswerForm
from signals.gate import item_route
from signals.web.items import render_item
from signals.workflow import Status

bp = Blueprint("clarify", __name__)


@bp.post("/signals/<number>/clarification")
@item_route("reply_as_filer")
def answer(item: Signal, reader: Reader):
    """Register the filer's answer: the item goes back to work and its due date follows the kind's rule."""
    if item.status != Status.awaiting_clarification:
        flash(_("This item no longer waits for your answer."))
        return redirect(url_for("items.item", number=item.number), 303)
    form = AnswerForm()
    files = document_uploads.take(form, []) if form.validate_on_submit() else None
    if files is None:
        return render_item(item, reader, answer_form=form, status=422)
    try:
        with unit_of_work():
            answer_clarification(item, reader.user or (current_user if current_user.is_authenticated else None),
                                 form.answer.data, files=files)
    except ServiceError:
        return render_item(item, reader, answer_form=form, status=422)
    flash(_("Thank you: your answer is registered and the item is back with the department."))
    return redirect(url_for("items.item", number=item.number), 303)
