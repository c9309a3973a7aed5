"""The logged-in person's own pages: profile, address change, security (password, two-factor, sessions), and an
unconfirmed account's only page. Changes of password, two-factor or address end every other session."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts import links, services, sessions, two_factor
from app.accounts.web import forms
from app.accounts.web.auth import _mail_limit, bp
from app.accounts.web.messages import refusal_text
from app.extensions import limiter
from app.unit_of_work import unit_of_work

def _field_error(form, error: services.AccountError) -> None:
    messages = {"bad_password": _("The password is not right."), "bad_code": _("This code is not right."),
                "same_email": _("This is your address already.")}
    getattr(form, error.field).errors.append(messages.get(error.code, _("Please check this.")))


@bp.route("/unconfirmed", methods=["GET", "POST"])
@login_required
@limiter.limit(_mail_limit, scope="account-mail", methods=["POST"])
def unconfirmed():
    """Until the address is confirmed: send the link again, or change the address."""
    if current_user.confirmed:
        return redirect(url_for(".profile"), 303)
    form = forms.ConfirmForm()
    if form.validate_on_submit():
        with unit_of_work():
            services.resend_confirmation(current_user)
        flash(_("We have sent a new link. Earlier links no longer work."))
        return redirect(url_for(".unconfirmed"), 303)
    return render_template("accounts/unconfirmed.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """Names or organisation, correspondence address, phone, language of mail."""
    form = forms.ProfileForm(obj=current_user)
    form.kind = current_user.kind.value
    if form.validate_on_submit():
        with unit_of_work():
            services.update_profile(current_user, form.values())
        flash(_("Your profile is saved."))
        return redirect(url_for(".profile"), 303)
    return render_template("accounts/profile.html", form=form)


@bp.route("/email", methods=["GET", "POST"])
@login_required
@limiter.limit(_mail_limit, scope="account-mail", methods=["POST"])
def email():
    """A new address gets a link; it replaces the old one (which is told) only when the link is used."""
    form = forms.EmailChangeForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.request_email_change(current_user, form.email.data, form.password.data)
        except services.AccountError as error:
            _field_error(form, error)
        else:
            return redirect(url_for(".check_mail", change=1), 303)
    return render_template("accounts/email.html", form=form)


@bp.route("/email/confirm", methods=["GET", "POST"])
def confirm_email():
    """The link sent to a new address: the button makes it the account's address."""
    form = forms.ConfirmForm(token=request.args.get("token", ""))
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.confirm_email_change(form.token.data, current_user.get_id() and int(current_user.get_id()))
        except links.LinkRefused as refused:
            return render_template("accounts/link_refused.html", reason=refusal_text(refused.reason)), 400
        flash(_("Your new address is saved. We have told the old one."))
        return redirect(url_for(".profile" if current_user.is_authenticated else ".login"), 303)
    return render_template("accounts/confirm.html", form=form, change=True)


@bp.get("/security")
@login_required
def security():
    """Password, two-factor, and the list of sessions with a button to end each, or all."""
    return render_template("accounts/security.html", password_form=forms.PasswordChangeForm(),
                           end_form=forms.EndSessionForm(), sessions=sessions.of_user(current_user),
                           current=sessions.current_row_id(), codes_left=two_factor.codes_left(current_user))


@bp.post("/password")
@login_required
def password():
    """Change the password; every other session ends and the owner gets a mail."""
    form = forms.PasswordChangeForm()
    form.words = [current_user.first_name, current_user.last_name, current_user.organisation, current_user.email]
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.change_password(current_user, form.current.data, form.password.data)
        except services.AccountError as error:
            _field_error(form, error)
        else:
            flash(_("Your password is changed. Every other session has ended."))
            return redirect(url_for(".security"), 303)
    return render_template("accounts/security.html", password_form=form, end_form=forms.EndSessionForm(),
                           sessions=sessions.of_user(current_user), current=sessions.current_row_id(),
                           codes_left=two_factor.codes_left(current_user)), 400


@bp.route("/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_on():
    """The secret as a QR code and as text; the first code turns it on and shows the recovery codes once."""
    if current_user.two_factor:
        return redirect(url_for(".security"), 303)
    secret = two_factor.setup_secret(current_user, sessions.current_row_id())
    form = forms.EnableTwoFactorForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                codes = services.enable_two_factor(current_user, secret, form.code.data)
        except services.AccountError as error:
            _field_error(form, error)
        else:
            return render_template("accounts/recovery_codes.html", codes=codes)
    uri = two_factor.provisioning_uri(secret, current_user.email)
    return render_template("accounts/two_factor.html", form=form, qr=two_factor.qr_svg(uri),
                           secret=two_factor.group(secret))


@bp.route("/two-factor/off", methods=["GET", "POST"])
@login_required
def two_factor_off():
    """Turn two-factor off, with the password."""
    form = forms.PasswordOnlyForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.disable_two_factor(current_user, form.password.data)
        except services.AccountError as error:
            _field_error(form, error)
        else:
            flash(_("Two-factor login is off. Every other session has ended."))
            return redirect(url_for(".security"), 303)
    return render_template("accounts/two_factor_off.html", form=form)


@bp.post("/sessions/end")
@login_required
def end_session():
    """End one session from the list; ending this browser's own logs it out."""
    session_id = forms.EndSessionForm().session_id()
    if session_id is not None:
        with unit_of_work():
            services.end_session(current_user, session_id)
    return redirect(url_for(".security") if session_id != sessions.current_row_id() else url_for("home.index"), 303)


@bp.post("/sessions/end-all")
@login_required
def end_all_sessions():
    """Log out everywhere, this browser included."""
    with unit_of_work():
        sessions.end_all(current_user, keep_this_browser=False)
    return redirect(url_for(".login", everywhere=1), 303)
