"""Following from the web: the Follow button of an item page (`/signals/<number>/follow`: a logged-in user at once,
a visitor by an address confirmed by a mailed link), the confirmation and unsubscribe pages (a GET shows one
button and changes nothing — link scanners follow GETs; the unsubscribe POST needs no cookie and no CSRF token,
RFC 8058), and My subscriptions (`/my/subscriptions`). Every page that takes a token is no-store."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import EmailField, HiddenField

from app.extensions import csrf, db, limiter
from app.localized import current_locale
from app.mail.addresses import optional_email
from app.unit_of_work import unit_of_work
from app.web.errors import error_response
from app.web.fields import CleanForm, Visible, whole_number
from signals import access
from signals.access import Reader
from signals.gate import item_route
from signals.models import Signal
from signals.services.errors import NotAllowed
from subscriptions import alerts, follows, tokens
from subscriptions.models import Follow

bp = Blueprint("subscriptions", __name__)
NO_STORE = {"Cache-Control": "private, no-store"}


class FollowForm(CleanForm):
    email = EmailField(_l("Your email address"), validators=[Visible(), lambda form, field: optional_email(field)],
                       render_kw={"autocomplete": "email"})


class TokenForm(CleanForm):
    f = HiddenField()
    t = HiddenField()


def _follow_limit() -> str:
    return current_app.config["FOLLOW_RATE_LIMIT"]


def _user():
    return current_user if current_user.is_authenticated else None


@bp.route("/signals/<number>/follow", methods=["GET", "POST"])
@limiter.limit(_follow_limit, scope="follow", methods=["POST"])
@item_route("view")
def follow(item: Signal, reader: Reader):
    """Follow an item: a logged-in user at once; a visitor gives an address and confirms it by the mailed link."""
    if _user() is not None:
        return _follow_as_user(item) if request.method == "POST" else \
            (render_template("subscriptions/follow.html", signal=item, form=CleanForm()), 200, NO_STORE)
    form = FollowForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                follows.follow_by_email(item, form.email.data, current_locale())
        except follows.FollowLimited:
            form.email.errors = [_("Too many mails went to this address today. Please try again tomorrow.")]
        except NotAllowed:
            return error_response(404, "not_found", _("There is no such page."))
        else:
            return render_template("subscriptions/check_mail.html", signal=item), 200, NO_STORE
    return render_template("subscriptions/follow.html", signal=item, form=form), 422 if form.errors else 200, \
        NO_STORE


def _follow_as_user(item: Signal):
    if not CleanForm().validate_on_submit():
        flash(_("Your session expired. Please try again."))
        return redirect(url_for("items.item", number=item.number), 303)
    with unit_of_work():
        follows.follow(item, current_user)
    flash(_("You follow this item: you will hear of its news. See My subscriptions."), "ok")
    return redirect(url_for("items.item", number=item.number), 303)


def _by_link(purpose: str) -> tuple[Follow | None, TokenForm]:
    # The link's query string (a GET, or RFC 8058's POST to the List-Unsubscribe address), or the page's form.
    form = TokenForm(formdata=request.values, meta={"csrf": False})
    return follows.by_token(whole_number(form.f.data), purpose, form.t.data), form


@bp.route("/subscriptions/confirm", methods=["GET", "POST"])
def confirm():
    """The confirmation link of an address: one button (a GET changes nothing); the POST confirms."""
    found, form = _by_link(tokens.CONFIRM)
    if found is None:
        return render_template("subscriptions/link_invalid.html"), 404, NO_STORE
    signal = db.session.get(Signal, found.signal_id)
    if request.method == "POST" and CleanForm().validate_on_submit():
        with unit_of_work():
            follows.confirm(found)
        return render_template("subscriptions/confirmed.html", signal=signal), 200, NO_STORE
    return render_template("subscriptions/confirm.html", signal=signal, form=form), 200, NO_STORE


@bp.route("/subscriptions/unsubscribe", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe():
    """One-click unsubscribe (RFC 8058): the POST needs no cookie and no CSRF token; a GET shows one button."""
    found, form = _by_link(tokens.UNSUBSCRIBE)
    if request.method == "POST":
        if found is not None:
            with unit_of_work():
                follows.unfollow(found)
        return render_template("subscriptions/unsubscribed.html"), 200, NO_STORE
    if found is None:
        return render_template("subscriptions/link_invalid.html"), 404, NO_STORE
    return render_template("subscriptions/unsubscribe.html", signal=db.session.get(Signal, found.signal_id),
                           form=form), 200, NO_STORE


@bp.get("/my/subscriptions")
@login_required
def mine():
    """The items the user follows, newest follow first, with a button to stop following each."""
    rows = [(follow, signal, access.can(current_user, "view", signal)) for follow, signal in db.session.execute(
        select(Follow, Signal).join(Signal, Signal.id == Follow.signal_id).where(Follow.user_id == current_user.id)
        .order_by(Follow.created_at.desc()).limit(500))]
    return render_template("subscriptions/mine.html", rows=rows, form=CleanForm(),
                           my_alerts=alerts.of_user(current_user)), 200, NO_STORE


@bp.post("/my/subscriptions/<int:follow_id>/delete")
@login_required
def stop(follow_id: int):
    """Stop following one item."""
    found = db.session.get(Follow, follow_id) if CleanForm().validate_on_submit() else None
    if found is None or found.user_id != current_user.id:
        flash(_("Nothing changed: please try again."))
        return redirect(url_for(".mine"), 303)
    number = db.session.get(Signal, found.signal_id).number
    with unit_of_work():
        follows.unfollow(found, current_user)
    flash(_("You no longer follow %(number)s.", number=number), "ok")
    return redirect(url_for(".mine"), 303)


def following(signal: Signal) -> bool:
    """For the item page: whether the logged-in reader follows the item."""
    user = _user()
    return user is not None and follows.of_user(signal, user) is not None
