"""Public pages of the registry: the gate, the forms, filing, item pages, /track, the map API.

Each module owns its blueprint; `register` adds them all and the label helpers
templates use. web, console and open311 never import each other.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """Register the public blueprints and the template globals for labels."""
    from signals import labels
    from signals.web import (claims, clarify, filing, fix_check, home, items, map_api, my, private_filing, support,
                             track)

    for module in (home, filing, items, track, map_api, support, my, private_filing, clarify, fix_check, claims):
        app.register_blueprint(module.bp)
    app.jinja_env.globals.update(labels.GLOBALS)

