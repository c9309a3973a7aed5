"""What every blueprint shares: security and cache headers, safe redirects, one error answer, date filters."""

from __future__ import annotations

from flask import Flask


def init_web(app: Flask) -> None:
    """Attach the headers, the error handlers and the template filters."""
    from app.web.errors import init_errors
    from app.web.headers import init_headers
    from app.web.templating import init_templating

    init_headers(app)
    init_templating(app)
    init_errors(app)
