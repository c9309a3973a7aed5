"""What every blueprint shares: security and cache headers, safe redirects, one error answer, date filters,
and the input-hygiene layer's guard on query strings."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import lazy_gettext as _l

UNREADABLE = _l("This address cannot be read: it is not valid text (UTF-8).")
CONTROL = _l("This address contains a character that cannot be used (a control character).")


def init_web(app: Flask) -> None:
    """Attach the headers, the error handlers, the template filters and the query-string guard."""
    from app.web.errors import init_errors
    from app.web.headers import init_headers
    from app.web.templating import init_templating

    init_headers(app)
    init_templating(app)
    init_errors(app)
    app.before_request(refuse_unusable_query)


def refuse_unusable_query():
    """A query string that is not UTF-8, or holds a control character in any name or value, is a 400."""
    from app.web import text
    from app.web.errors import error_response

    try:
        arguments = request.args
    except UnicodeDecodeError:
        return error_response(400, "bad_encoding", UNREADABLE)
    for name, values in arguments.lists():
        if not text.is_clean(name) or not all(text.is_clean(value) for value in values):
            return error_response(400, "bad_input", CONTROL)
    return None
