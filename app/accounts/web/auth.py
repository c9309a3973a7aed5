"""Getting in and out: register, confirm the address, log in (password, then a code when two-factor is on), log
out, forgot password and reset. Every mailed link carries its token in the query string and does nothing until
its page's button is pressed (mail scanners open links too)."""

from __future__ import annotations

import time

from flask import Blueprint, current_app, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts import links, services, sessions
from app.accounts.models import AccountKind, TokenPurpose, User
from app.accounts.web import forms
from app.accounts.web.messages import refusal_text, wait_text
from app.extensions import db, limiter
from app.unit_of_work import unit_of_work
from app.web.redirects import safe_next

bp = Blueprint("account", __name__, url_prefix="/account")
PENDING = "pending_login"            # the anonymous session's note between the password and the code
PENDING_SECONDS = 300


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _mail_limit() -> str:
    return current_app.config["ACCOUNT_MAIL_RATE_LIMIT"]


def _failed(response) -> bool:
    """Count a login POST against the IP only when it failed."""
    return bool(g.get("login_failed"))


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_mail_limit, scope="account-mail", methods=["POST"])
def register():
    """Registration always ends in "check your mail": a new address gets a confirmation link, an address with an
    account a note to its owner with a reset link."""
    form = forms.RegisterForm()
    if form.validate_on_submit():
        data = services.Registration(
            kind=AccountKind(form.kind.data), email=form.email.data, password=form.password.data,
            locale=form.locale.data, names={n: getattr(form, n).data or "" for n in
                                            ("first_name", "middle_name", "last_name")},
            organisation=form.organisation.data or "", seat=form.seat.data or "", org_id=form.org_id.data or "",
            address=form.address.data, phone=form.phone.data or "")
        with unit_of_work():
            services.register(data)
        return redirect(url_for(".check_mail"), 303)
    return render_template("accounts/register.html", form=form)


@bp.get("/check-mail")
def check_mail():
    """The one answer to a registration, whatever the address."""
    return render_template("accounts/check_mail.html")


@bp.route("/confirm", methods=["GET", "POST"])
def confirm():
    """GET shows the button; POST uses the link (once, within 24 hours) and sends the person to log in."""
    form = forms.ConfirmForm(token=request.args.get("token", ""))
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.confirm(form.token.data)
        except links.LinkRefused as refused:
            return render_template("accounts/link_refused.html", reason=refusal_text(refused.reason)), 400
        return redirect(url_for(".login", confirmed=1), 303)
    return render_template("accounts/confirm.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, scope="login", methods=["POST"], deduct_when=_failed)
def login():
    """Email and password; with two-factor on, the code comes next. Wrong or waiting: said at the form."""
    form = forms.LoginForm(next=request.args.get("next", ""))
    refusal = None
    if form.validate_on_submit():
        try:
            user = _attempt(services.check_password, form.email.data, form.password.data)
        except services.AccountError as error:
            g.login_failed, refusal = True, _refusal(error)
        else:
            return _after_password(user, form.next.data)
    status = 429 if refusal and refusal[1] else 200
    return render_template("accounts/login.html", form=form, refusal=refusal,
                           confirmed=request.args.get("confirmed")), status


def _refusal(error: services.AccountError) -> tuple[str, int]:
    if error.code == "wait":
        return wait_text(error.wait), error.wait
    if error.code == "bad_code":
        return _("This code is not right, or it was used already."), 0
    return _("The email or the password is not right."), 0


def _attempt(step, *args):
    """Run a login step; what it counted (failures, the owner's mail) is committed whether it passed or not."""
    try:
        return step(*args)
    except services.AccountError:
        db.session.commit()
        raise


def _finish(user) -> None:
    """Both factors passed: this browser's new session, committed."""
    with unit_of_work():
        services.log_in(user)
    login_user(user)
    session.pop(PENDING, None)


def _after_password(user, target: str | None):
    if user.two_factor:
        db.session.commit()                            # a rehashed password is kept
        session[PENDING] = {"user": user.id, "at": int(time.time()), "next": safe_next(target, "")}
        return redirect(url_for(".code"), 303)
    _finish(user)
    return redirect(safe_next(target, url_for(".welcome")), 303)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(_login_limit, scope="login", methods=["POST"], deduct_when=_failed)
def code():
    """The second step: a code from the authenticator app or a recovery code, within 5 minutes of the password."""
    pending = session.get(PENDING) or {}
    user = db.session.get(User, pending.get("user", 0)) if isinstance(pending, dict) else None
    if user is None or not user.two_factor or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        return redirect(url_for(".login", expired=1), 303)
    form, refusal = forms.CodeForm(), None
    if form.validate_on_submit():
        try:
            _attempt(services.check_second_factor, user, form.code.data)
        except services.AccountError as error:
            g.login_failed, refusal = True, _refusal(error)
        else:
            _finish(user)
            return redirect(safe_next(pending.get("next"), url_for(".welcome")), 303)
    return render_template("accounts/code.html", form=form, refusal=refusal), 429 if refusal and refusal[1] else 200


@bp.get("/welcome")
@login_required
def welcome():
    """Where a login lands without a `next`: the user's own items."""
    return redirect(url_for("my.signals") if "my.signals" in current_app.view_functions else "/", 303)


@bp.post("/logout")
def logout():
    """End this browser's session (its row goes now); the CSRF token stays for the anonymous pages."""
    with unit_of_work():
        sessions.end()
    logout_user()
    return redirect(url_for("home.index"), 303)


@bp.route("/forgot", methods=["GET", "POST"])
@limiter.limit(_mail_limit, scope="account-mail", methods=["POST"])
def forgot():
    """The same answer whether or not the address has an account; the link is valid one hour, once."""
    form = forms.EmailOnlyForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.request_reset(form.email.data)
        return redirect(url_for(".check_mail", reset=1), 303)
    return render_template("accounts/forgot.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, scope="login", deduct_when=_failed)
def reset():
    """A new password from the link (valid one hour, once); every session ends and the person logs in with it.
    Unknown links count against the IP like wrong passwords."""
    form = forms.ResetForm(token=request.args.get("token", ""))
    try:
        links.peek(form.token.data, TokenPurpose.reset)
    except links.LinkRefused as refused:
        g.login_failed = True
        return render_template("accounts/link_refused.html", reason=refusal_text(refused.reason)), 400
    if form.validate_on_submit():
        with unit_of_work():
            services.reset_password(form.token.data, form.password.data)
        logout_user()
        return redirect(url_for(".login", reset=1), 303)
    return render_template("accounts/reset.html", form=form)
