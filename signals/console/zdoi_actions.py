"""ZDOI actions on an information request, for the officials authorised to decide: record that a third party's
consent was asked (art. 31) and extend the deadline (art. 30 or 31) before it passes."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _
from flask_login import current_user

from signals.access import Reader
from signals.console import forms
from signals.console.actions import act
from signals.console.guard import console_page
from signals.gate import item_route
from signals.models import Signal
from signals.services import zdoi

bp = Blueprint("console_zdoi", __name__, url_prefix="/console/signals")


@bp.post("/<number>/consent")
@console_page
@item_route("act_as_staff")
def consent(item: Signal, reader: Reader):
    """Record that the third party's consent was asked (the condition of an art. 31 extension)."""
    form = forms.ConsentForm()
    return act(item, form, lambda: zdoi.record_consent_request(item, current_user, form.third_party.data),
               _("The consent request is recorded."), "consent")


@bp.post("/<number>/extend")
@console_page
@item_route("act_as_staff")
def extend(item: Signal, reader: Reader):
    """Extend the deadline under art. 30 or 31, with a reason; the requester is told."""
    form = forms.ExtendForm()
    return act(item, form, lambda: zdoi.extend(item, current_user, form.article.data or "", form.reason.data),
               _("The deadline is extended."), "extend")
