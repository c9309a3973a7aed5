"""Public information pages: the privacy notice, the terms of use, the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request

from app.web.redirects import safe_next

bp = Blueprint("info", __name__)


@bp.get("/privacy")
def privacy():
    """The privacy notice (a placeholder the city edits; controller details from config)."""
    return render_template("info/privacy.html", controller=current_app.config["DATA_CONTROLLER"])


@bp.get("/terms")
def terms():
    """The terms of use (a placeholder the city edits)."""
    return render_template("info/terms.html", controller=current_app.config["DATA_CONTROLLER"])


@bp.get("/lang/<code>")
def language(code: str):
    """Switch the interface language (a cookie) and go back to a local page."""
    response = redirect(safe_next(request.args.get("next")))
    if code in current_app.config["LANGUAGES"]:
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="Lax", httponly=True,
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
