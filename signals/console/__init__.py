"""The staff console: department inboxes and working an item. Imports neither web nor open311; pages about one
item pass the same item gate (signals.gate) as the public pages."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register the console's blueprints."""
    from signals.console import audit_view, corrections, inbox, intake, item

    for module in (inbox, item, intake, corrections, audit_view):
        app.register_blueprint(module.bp)
