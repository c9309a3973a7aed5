"""One error answer for every route: HTML for pages, JSON or XML for API blueprints, in the user's language.

A 4xx answer carries a stable code and a message. A 500 or 503 carries an error id
that is also in the log line, so "error 3f9c…" from a resident finds the traceback
without anyone reading personal data: the log line holds the exception's type and
frames, never its message (a database error's message quotes the values it got).
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from xml.sax.saxutils import escape

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from flask.globals import request_ctx
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, SecurityError

from app import logs

log = logging.getLogger("app.errors")
# Paths answered in JSON when no blueprint matched (an unknown URL under an API prefix).
API_PREFIXES = ("/map/", "/open311/")
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeout)

MESSAGES = {
    400: _l("The request could not be understood."),
    403: _l("You may not do this."),
    404: _l("This page does not exist."),
    405: _l("This address does not accept this kind of request."),
    413: _l("What you sent is too large. Attach at most 3 photos of at most 10 MB each."),
    429: _l("You have sent many requests in a short time. Please wait a while and try again. "
            "If you need to report many problems, call the contact centre."),
    500: _l("Something went wrong on our side. It has been logged; please try again later."),
    503: _l("The service is temporarily unavailable. Please try again in a few minutes."),
}
TITLES = {
    400: _l("Bad request"), 403: _l("Not allowed"), 404: _l("Not found"), 405: _l("Not allowed"),
    409: _l("Not possible"), 413: _l("Too large"), 429: _l("Too many requests"), 500: _l("Error"),
    503: _l("Temporarily unavailable"),
}
CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "method_not_allowed", 409: "conflict",
         413: "too_large",
         429: "too_many_requests", 500: "internal_error", 503: "unavailable"}


def speaks(blueprint: Blueprint, fmt: str) -> Blueprint:
    """Mark a blueprint whose errors are answered in "json" or "xml" (an API) rather than HTML."""
    blueprint.error_format = fmt
    return blueprint


def error_format() -> str:
    """html, json or xml: by the blueprint that matched, else by the path; ".xml" paths of APIs get XML; a page's
    script that asks for JSON only (a form posted with fetch) gets JSON."""
    blueprint = current_app.blueprints.get(request.blueprint or "")
    fmt = getattr(blueprint, "error_format", None)
    if fmt is None:
        fmt = "json" if request.path.startswith(API_PREFIXES) else "html"
    if fmt == "html" and request.accept_mimetypes.best == "application/json":
        return "json"
    if fmt != "html" and request.path.endswith(".xml"):
        return "xml"
    return fmt


def _xml(status: int, code: str, message: str, error_id: str | None) -> str:
    extra = f"<error_id>{escape(error_id)}</error_id>" if error_id else ""
    return ('<?xml version="1.0" encoding="utf-8"?>\n<errors><error>'
            f"<code>{status}</code><key>{escape(code)}</key><description>{escape(message)}</description>{extra}"
            "</error></errors>\n")


def error_response(status: int, code: str, message=None, *, error_id: str | None = None,
                   headers: dict | None = None, template: str = "errors/error.html", **context) -> Response:
    """The one error answer: HTML, JSON or XML by the route's kind; never a traceback, never cached."""
    message = str(message if message is not None else MESSAGES.get(status, MESSAGES[400]))
    fmt = error_format()
    if fmt == "json":
        body = {"error": code, "message": message, **({"error_id": error_id} if error_id else {})}
        response = jsonify(body)
    elif fmt == "xml":
        response = Response(_xml(status, code, message, error_id), mimetype="application/xml")
    elif request_ctx.url_adapter is None:   # the request was refused before routing (a forged Host)
        response = Response(f"{status} {code}\n", mimetype="text/plain")
    else:
        title = str(TITLES.get(status, TITLES[400]))
        response = Response(render_template(template, status=status, code=code, title=title, message=message,
                                            error_id=error_id, **context), mimetype="text/html")
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    response.headers.update(headers or {})
    return response


def too_many_requests(seconds: int | None, back: str | None = None) -> Response:
    """429 that says when to try again (and, after a refused form, links back to it)."""
    wait = max(1, int(seconds)) if seconds else 60
    again = _l("You can try again in about %(minutes)d minutes.", minutes=math.ceil(wait / 60))
    message = f"{MESSAGES[429]} {again}"
    return error_response(429, "too_many_requests", message, headers={"Retry-After": str(wait)}, back=back)


def _limiter_wait() -> int | None:
    """Seconds until the rate limit that refused this request resets (Flask-Limiter's view of it)."""
    from app.extensions import limiter

    try:
        current = limiter.current_limit
    except Exception:  # noqa: BLE001 - the limiter's storage went away: say a minute
        return None
    return int(current.reset_at - time.time()) + 1 if current is not None else None


def _log_line(error_id: str, error: BaseException, level: int) -> None:
    """The error id, the request (path escaped) and the exception without its message (app.logs)."""
    log.log(level, "error %s: %s %s raised %s", error_id, request.method, logs.escape(request.path),
            logs.exception_line(error))


def _new_error_id() -> str:
    return secrets.token_hex(6)


def init_errors(app: Flask) -> None:
    """Every HTTP error, every unexpected exception and a database outage go through error_response."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if isinstance(error, InternalServerError):
            return unexpected(error)
        if isinstance(error, SecurityError):
            return error_response(400, "bad_host", "Unknown host")
        back = request.path if request.method == "POST" and error.code in (413, 429) else None
        if error.code == 429:
            return too_many_requests(_limiter_wait(), back)
        code = "csrf" if error.__class__.__name__ == "CSRFError" else CODES.get(error.code, "http_%d" % error.code)
        message = MESSAGES.get(error.code, error.description)
        if code == "csrf":
            message = _l("This form has expired or was opened in another window. Go back, reload the page "
                         "and send it again.")
        headers = {k: v for k, v in error.get_headers() if k in ("Allow", "Retry-After")}
        return error_response(error.code, code, message, headers=headers, back=back)   # a refused form: a way back

    def database_down(error: Exception):
        error_id = _new_error_id()
        _log_line(error_id, error, logging.WARNING)
        return error_response(503, "unavailable", error_id=error_id, headers={"Retry-After": "30"})

    for kind in DATABASE_DOWN:
        app.register_error_handler(kind, database_down)

    @app.errorhandler(InternalServerError)
    def unexpected(error: InternalServerError):
        original = error.original_exception or error
        if isinstance(original, DATABASE_DOWN):
            return database_down(original)
        error_id = _new_error_id()
        _log_line(error_id, original, logging.ERROR)
        return error_response(500, "internal_error", error_id=error_id)
