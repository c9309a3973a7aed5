"""Decisions in the console, for the officials who may take them (signals.services.decisions.may_decide): the
decision page of an information request or a proposal (its own page: a decision is long, and an error goes back
to its field with everything typed kept), the date the decision was communicated, and the superior body's
extension of a proposal."""

from __future__ import annotations

from decimal import Decimal

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.localized import current_locale
from app.unit_of_work import unit_of_work
from app.web.errors import error_response
from app.web.fields import options, whole_number
from signals import document_uploads, workflow
from signals.access import Reader
from signals.console import forms
from signals.console.actions import act
from signals.console.guard import console_page
from signals.gate import item_route
from signals.jurisdiction import profile, text
from signals.models import Signal
from signals.services import decisions
from signals.services.errors import TransitionNotAllowed

bp = Blueprint("console_decisions", __name__, url_prefix="/console/signals")
NO_STORE = {"Cache-Control": "private, no-store"}
MESSAGES = {
    "outcome": lambda: _("Choose one of the decisions offered."),
    "grounds": lambda: _("Name the legal grounds."),
    "reasons": lambda: _("State the facts and reasons: the requester reads them."),
    "extent": lambda: _("State the extent of the information to which access is given."),
    "access_form": lambda: _("Choose the form of access."),
    "term_days": lambda: _("The term of access is at least %(num)d days.", num=profile().min_access_term_days),
    "place": lambda: _("State the place of access."),
    "costs": lambda: _("State the costs (0 when there are none)."),
    "information_url": lambda: _("Give a web address that starts with https:// or http://."),
}


def _decision_form(item: Signal) -> forms.DecisionForm:
    """The decision form with the outcomes, grounds and reasons of the item's kind, in the reader's language."""
    law, locale = profile(), current_locale()
    form = forms.DecisionForm(data={"version": str(item.version), "access_form": item.access_form or ""})
    form.outcome.choices = options([(s.value, workflow.label(s, locale, item.kind))
                                    for s in decisions.OUTCOMES[item.kind]
                                    if s in workflow.allowed(item.kind, item.status)])
    form.grounds.choices = options([(code, text(ground, locale)) for code, ground in law.refusal_grounds.items()])
    form.without_consideration.choices = options([(code, text(reason, locale)) for code, reason
                                                  in law.without_consideration[item.kind].items()])
    return form


def _decision(form: forms.DecisionForm) -> decisions.Decision:
    outcome = workflow.Status(form.outcome.data)
    grounds = (form.without_consideration.data,) if outcome == workflow.Status.left_without_consideration \
        else tuple(form.grounds.data or ())
    return decisions.Decision(
        outcome=outcome, reasons=form.reasons.data or "", grounds=tuple(g for g in grounds if g),
        extent=form.extent.data or "", term_days=whole_number((form.term_days.data or "").strip(), 1, 3650),
        place=form.place.data or "", access_form=form.access_form.data or "", information_url=form.information_url.data
        or "", costs=None if form.costs.data is None else Decimal(str(form.costs.data)))


def _take(item: Signal, form: forms.DecisionForm) -> bool:
    """Check and record the decision; False with the errors at their fields."""
    if form.outcome.data not in {option.value for option in form.outcome.choices}:
        form.outcome.errors = [MESSAGES["outcome"]()]
        return False
    decision = _decision(form)
    try:
        decisions.check(item, decision)
    except decisions.DecisionRefused as refused:
        field = "without_consideration" if refused.field == "grounds" and \
            decision.outcome == workflow.Status.left_without_consideration else refused.field
        getattr(form, field).errors = [MESSAGES[refused.field]()]
        return False
    files = document_uploads.take(form, [])
    if files is None:
        return False
    with unit_of_work():
        decisions.decide(item, current_user, decision, files)
    return True


@bp.route("/<number>/decision", methods=["GET", "POST"])
@console_page
@item_route("act_as_staff")
def decide(item: Signal, reader: Reader):
    """The decision on an information request or a proposal, by an official who may decide (other kinds end
    with a status change on the item's page)."""
    if item.kind not in decisions.OUTCOMES:
        return redirect(url_for("console_item.item", number=item.number), 303)
    if not decisions.may_decide(current_user, item):
        return error_response(403, "not_allowed", _("Only an official authorised to decide may do this."))
    form = _decision_form(item)
    if form.validate_on_submit() and str(item.version) == form.version.data:
        try:
            if _take(item, form):
                flash(_("The decision is recorded; the requester is told."), "ok")
                return redirect(url_for("console_item.item", number=item.number), 303)
        except TransitionNotAllowed:
            form.outcome.errors = [MESSAGES["outcome"]()]
    elif form.is_submitted() and not form.errors:
        flash(_("Nothing changed: the item changed after you opened it. Read it again."))
        return redirect(url_for("console_item.item", number=item.number), 303)
    return render_template("console/decision.html", signal=item, form=form, law=profile()), \
        422 if form.errors else 200, NO_STORE


@bp.post("/<number>/communicated")
@console_page
@item_route("act_as_staff")
def communicated(item: Signal, reader: Reader):
    """Record the date the decision reached the requester (the appeal's days run from it)."""
    form = forms.CommunicationForm()
    return act(item, form, lambda: decisions.record_communication(item, current_user, form.communicated_on.data),
               _("The date of communication is recorded."), "communicated")


@bp.post("/<number>/extend-proposal")
@console_page
@item_route("act_as_staff")
def extend_proposal(item: Signal, reader: Reader):
    """The superior body extends a proposal's time up to six months from registration; the filer is told."""
    form = forms.ProposalExtensionForm()
    return act(item, form, lambda: decisions.extend_proposal(item, current_user, whole_number(form.months.data) or 0,
                                                             form.reason.data), _("The deadline is extended."),
               "extend-proposal")
