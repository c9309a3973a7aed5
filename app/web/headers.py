"""Headers on every response: a CSP without inline scripts and friends, and a private cache by default.

A response that says nothing about caching is private: nearly every page depends
on the visitor's language or cookies. Only bodies with no locale text and nothing
personal (map data, vendored assets, map scripts with the locale in the URL) say
`public` themselves.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app, request

from app.localized import current_locale


def content_security_policy(tile_url: str) -> str:
    """The CSP: our own scripts and styles only; tiles from TILE_URL's host when configured."""
    img = ["'self'", "data:"]
    if tile_url:
        parts = urlsplit(tile_url.replace("{s}", "a"))
        if parts.scheme and parts.netloc:
            host = parts.netloc.replace("a.", "*.", 1) if "{s}" in tile_url else parts.netloc
            img.append(f"{parts.scheme}://{host}")
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src {' '.join(img)}",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def asked_locale() -> tuple[str, bool]:
    """The locale a JSON body is written in: `?locale=` when it names one we speak (True: the URL names it), else
    the visitor's own (False)."""
    asked = request.args.get("locale")
    if asked in current_app.config["LANGUAGES"]:
        return asked, True
    return current_locale(), False


def shared_if_named(response: Response, cache: str, named: bool) -> Response:
    """A body whose language the URL names may be cached by anyone (`cache`); one in the visitor's own language
    stays private (the header hook then says so and varies on Cookie and Accept-Language)."""
    if named:
        response.headers["Cache-Control"] = cache
    return response


def init_headers(app: Flask) -> None:
    """Attach the header hook."""
    csp = content_security_policy(app.config["TILE_URL"])

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "private"
            response.vary.update(("Cookie", "Accept-Language"))
        if app.config["SESSION_COOKIE_SECURE"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response
