"""The staff console: department inboxes, working an item, and the moderators' desk. Imports neither web nor
open311; pages about one item pass the same item gate (signals.gate) as the public pages."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register the console's blueprints (and `may_moderate` for the console's navigation)."""
    from signals.access import may_moderate
    from signals.console import (audit_view, calendar_admin, canned_admin, corrections, decisions, inbox, intake,
                                 item, mail_admin, moderation, zdoi_actions)

    for module in (inbox, item, intake, corrections, audit_view, moderation, calendar_admin, canned_admin,
                   zdoi_actions, decisions, mail_admin):
        app.register_blueprint(module.bp)
    app.jinja_env.globals["may_moderate"] = may_moderate
