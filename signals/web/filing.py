"""Filing a public report: the form, and the confirmation with the tracking link.

The registering POST puts the filer token into a cookie scoped to the item's path on
its redirect; the confirmation page prints the tracking link from that cookie. The
site-wide session cookie never holds a token.
"""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, url_for

from app.extensions import limiter
from app.unit_of_work import unit_of_work
from signals import queries, services
from signals.access import Reader
from signals.models import Signal
from signals.web import forms, gate
from signals.web.gate import item_route

bp = Blueprint("filing", __name__)


def _filing_limit() -> str:
    return current_app.config["FILING_RATE_LIMIT"]


@bp.route("/signals/new", methods=["GET", "POST"])
@limiter.limit(_filing_limit, methods=["POST"], error_message="filing")
def new():
    """The report form (problem or question); bad input gets its message at its field and stores nothing."""
    form = forms.report_form()
    if form.validate_on_submit():
        first = queries.by_submission_key(form.submission_key.data)
        if first is not None:
            return redirect(url_for(".registered", number=first.number))
        filing = forms.report_input(form)
        if filing is not None:
            return _file(*filing)
    return render_template("signals/new.html", form=form), (400 if form.errors else 200)


def _file(kind, data, photos):
    """Register in one unit of work; a simultaneous POST with the same key shows the first item."""
    try:
        with unit_of_work():
            registration = services.file_public(kind, data, photos)
    except services.DuplicateSubmission:
        return redirect(url_for(".registered", number=queries.by_submission_key(data.submission_key).number))
    response = redirect(url_for(".registered", number=registration.signal.number))
    if registration.token:
        gate.remember(response, registration.signal, registration.token)
    return response


@bp.get("/signals/<number>/registered")
@item_route("view_status_card")
def registered(item: Signal, reader: Reader):
    """The filer's confirmation: number, date, department, expected answer date, the tracking link."""
    if not reader.can("reply_as_filer", item):
        return redirect(url_for("items.item", number=item.number))
    token = gate.token_from_cookie(item)
    return render_template(
        "signals/registered.html", signal=item, link=url_for("items.item", number=item.number, t=token) if token
        else None, base_url=current_app.config["PUBLIC_BASE_URL"],
        email_given=bool(item.filer and item.filer.email)), 200, {"Cache-Control": "private, no-store"}
