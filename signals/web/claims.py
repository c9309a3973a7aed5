"""/my/claims: items filed earlier without an account from the account's address, made the account's own by a
link mailed to that address (signals.services.claims)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app.accounts import links
from app.accounts.web.forms import ConfirmForm
from app.accounts.web.messages import refusal_text
from app.extensions import db, limiter
from app.unit_of_work import unit_of_work
from app.web.fields import CleanForm
from signals.services import claims

bp = Blueprint("claims", __name__)
SHOWN = 100
NO_STORE = {"Cache-Control": "private, no-store"}
REFUSALS = {
    "none": lambda: _("Choose at least one item of the list."),
    "too_many": lambda: _("Choose at most %(n)d items at a time.", n=claims.MAX_ITEMS),
    "mail_cap": lambda: _("Too many links were sent to your address today: try again tomorrow."),
    "account": lambda: _("Confirm your account's address first."),
    "link": lambda: _("This link belongs to another account or address: log in with the account that asked "
                      "for it."),
}


@bp.route("/my/claims", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", scope="claims", methods=["POST"], key_func=lambda: f"user:{current_user.id}")
def claim():
    """The items my address filed without an account; a POST mails the link that confirms the chosen ones."""
    form, error = CleanForm(), None
    if form.validate_on_submit():
        try:
            chosen = claims.check(current_user, request.form.getlist("number"))     # reads only
            with unit_of_work():
                claims.ask(current_user, chosen)
            flash(ngettext("We sent a link to %(email)s: open it to add %(num)d item to your account.",
                           "We sent a link to %(email)s: open it to add %(num)d items to your account.",
                           len(chosen), email=current_user.email))
            return redirect(url_for(".claim"), 303)
        except claims.ClaimRefused as refused:
            error = REFUSALS[refused.reason]()
    items = list(db.session.scalars(claims.claimable(current_user).limit(SHOWN)))
    return render_template("signals/claims.html", form=form, items=items, error=error), 422 if error else 200, \
        NO_STORE


@bp.route("/my/claims/confirm", methods=["GET", "POST"])
@login_required
def confirm():
    """GET shows what the link would add and a Confirm button; POST uses the link (once, within 24 hours)."""
    form = ConfirmForm(token=request.args.get("token", ""))
    try:
        items = claims.pending(current_user, form.token.data)          # reads only: a refusal writes nothing
    except links.LinkRefused as refused:
        return render_template("accounts/link_refused.html", reason=refusal_text(refused.reason)), 400, NO_STORE
    except claims.ClaimRefused as refused:
        return render_template("accounts/link_refused.html", reason=REFUSALS[refused.reason]()), 400, NO_STORE
    if not form.validate_on_submit():
        return render_template("signals/claim_confirm.html", form=form, items=items), 200, NO_STORE
    with unit_of_work():
        items = claims.confirm(current_user, form.token.data)
    flash(ngettext("%(num)d item was added to your account.", "%(num)d items were added to your account.",
                   len(items)))
    return redirect(url_for("my.signals"), 303)
