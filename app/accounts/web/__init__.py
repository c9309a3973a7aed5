"""The account pages (/account/...): one blueprint; an unconfirmed account reaches only what confirms or changes
its address."""

from __future__ import annotations

from flask import Flask, redirect, request, url_for
from flask_login import current_user

from app.extensions import login_manager

# What an unconfirmed account may open: confirm, change the address, log out, and the pages everyone needs.
UNCONFIRMED_MAY = {"account.unconfirmed", "account.confirm", "account.email", "account.confirm_email",
                   "account.logout", "account.check_mail", "account.data", "account.data_json", "account.delete",
                   "account.deleted", "static", "info.language", "info.privacy", "info.terms", "health.healthz"}


def register(app: Flask) -> None:
    """Register the blueprint, the login page for login_required, and the unconfirmed account's fence."""
    from app.accounts.web import auth, data, settings  # noqa: F401 - the views join auth.bp

    auth.bp.error_format = "html"
    app.register_blueprint(auth.bp)
    login_manager.login_view = "account.login"
    login_manager.login_message = None

    @app.before_request
    def unconfirmed_fence():
        """An unconfirmed account files nothing and sees only the pages that confirm or change its address."""
        if request.endpoint in UNCONFIRMED_MAY or request.endpoint is None:
            return None
        if current_user.is_authenticated and not current_user.confirmed:
            return redirect(url_for("account.unconfirmed"), 303)
        return None
