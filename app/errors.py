"""Friendly error pages: too many requests, not found, too large."""

from __future__ import annotations

from flask import Flask, render_template, request


def init_errors(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(429)
    def too_many(error):
        return render_template("errors/429.html"), 429

    @app.errorhandler(404)
    def not_found(error):
        if request.path.startswith(("/map/", "/open311/")):
            return {"error": "not_found", "message": "not found"}, 404
        return render_template("errors/404.html"), 404

    @app.errorhandler(413)
    def too_large(error):
        return render_template("errors/413.html"), 413
