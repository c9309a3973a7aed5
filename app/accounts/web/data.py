"""My data: download everything about me as JSON, and delete my account. What the registry holds about the
person comes from the providers the app registers (app.extensions["account_data"]): the registry sits above
the accounts layer."""

from __future__ import annotations

import json

from flask import Response, current_app, redirect, render_template, url_for
from flask_login import current_user, login_required, logout_user

from app import clock
from app.accounts import services, sessions
from app.accounts.web import forms
from app.accounts.web.auth import bp
from app.accounts.web.settings import _field_error
from app.unit_of_work import unit_of_work


def export(user) -> dict:
    """The account's profile, its sessions (without their ids or keys) and what every provider adds."""
    data = {"exported_at": clock.now().isoformat(), "profile": {
        "email": user.email, "kind": user.kind.value, "first_name": user.first_name,
        "middle_name": user.middle_name, "last_name": user.last_name, "organisation": user.organisation,
        "seat": user.seat, "org_id": user.org_id, "address": user.address, "phone": user.phone,
        "language": user.locale, "registered_at": user.created_at.isoformat() if user.created_at else None,
        "confirmed_at": user.confirmed_at.isoformat() if user.confirmed_at else None,
        "two_factor": user.two_factor},
        "sessions": [{"started_at": row.created_at.isoformat(), "last_seen_at": row.last_seen_at.isoformat(),
                      "browser": row.agent} for row in sessions.of_user(user)]}
    for name, provide in current_app.extensions.get("account_data", {}).items():
        data[name] = provide(user)
    return data


@bp.get("/data")
@login_required
def data():
    """What we keep, the download button, and the deletion form."""
    return render_template("accounts/data.html", form=forms.PasswordOnlyForm())


@bp.get("/data.json")
@login_required
def data_json():
    """Everything about me, as a JSON file to keep."""
    body = json.dumps(export(current_user), ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": "attachment; filename=my-data.json", "Cache-Control": "no-store"})


@bp.post("/delete")
@login_required
def delete():
    """Delete the account with the password; public items stay without the name, private items keep their
    sender snapshot detached from the login."""
    form = forms.PasswordOnlyForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.delete_account(current_user, form.password.data)
        except services.AccountError as error:
            _field_error(form, error)
        else:
            logout_user()
            return redirect(url_for(".deleted"), 303)
    return render_template("accounts/data.html", form=form), 400


@bp.get("/deleted")
def deleted():
    """The account is gone."""
    return render_template("accounts/deleted.html")
