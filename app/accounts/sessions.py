"""Server-side sessions for logged-in users in our own `web_session` table (convention 11).

Every visitor keeps Flask's signed cookie for the CSRF token and flashed messages, never an identity, so the
CSRF token survives login. Logging in creates a row with a new random id (the cookie `sid` holds it, the row
its SHA-256). The row is the authority: a browser is logged in only while a live row says so, and deleting a
user's rows logs them out everywhere. The `sid` cookie has no expiry of its own (no remember-me outside this
table); the row ends after SESSION_IDLE_MINUTES without a request (STAFF_IDLE_MINUTES for staff roles) or
SESSION_MAX_HOURS after login.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from flask import Flask, current_app, g, request
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from app import clock
from app.accounts.models import Role, User, WebSession
from app.extensions import db

COOKIE = "sid"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
TOUCH_EVERY = timedelta(minutes=1)          # last_seen_at is written at most once a minute per session
REQUEST_FLAGS = ("web_session_begun", "web_session_ended", "drop_sid", "login_failed", "_login_user", "web_session",
                 "csrf_token", "_flask_babel")
USER_KEYS = ("_user_id", "_fresh", "_id", "_remember", "_remember_seconds")


def key_of(token: str) -> str:
    """What the table stores for a cookie value."""
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit(role: Role) -> timedelta:
    """How long a session of this role lives without a request."""
    minutes = current_app.config["SESSION_IDLE_MINUTES"] if role == Role.resident else \
        current_app.config["STAFF_IDLE_MINUTES"]
    return timedelta(minutes=minutes)


def _agent() -> str:
    """A short description of the browser for the session list ("Firefox / Windows"), never the raw header."""
    ua = request.user_agent.string or ""
    browser = next((name for token, name in (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
                                              ("Chrome/", "Chrome"), ("Chromium/", "Chromium"),
                                              ("Safari/", "Safari")) if token in ua), "")
    system = next((name for token, name in (("Android", "Android"), ("iPhone", "iOS"), ("iPad", "iOS"),
                                             ("Windows", "Windows"), ("Mac OS", "macOS"), ("Linux", "Linux"))
                   if token in ua), "")
    return " / ".join(part for part in (browser, system) if part)[:120]


def _live(row: WebSession, user: User, now: datetime) -> bool:
    return (row.last_seen_at > now - idle_limit(user.role)
            and row.created_at > now - timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
            and user.active)


class WebSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie carries what every visitor's session holds (the CSRF token, flashed messages) and
    never an identity; whether, and as whom, a browser is logged in is its `web_session` row's to say."""

    def open_session(self, app: Flask, request):
        for key in REQUEST_FLAGS:               # an app context outliving a request (tests) must not carry them
            g.pop(key, None)
        cookie_session = super().open_session(app, request)
        token = request.cookies.get(COOKIE, "")
        if not _TOKEN.fullmatch(token):
            if token:
                g.drop_sid = True
            return cookie_session
        try:
            found = db.session.execute(select(WebSession, User).join(User, User.id == WebSession.user_id)
                                       .where(WebSession.key == key_of(token))).first()
        except SQLAlchemyError:
            db.session.rollback()
            return cookie_session                # the database is down: this request is anonymous
        if found is not None and _live(found[0], found[1], clock.now()):
            g.web_session = (found[0].id, found[1].id, found[0].last_seen_at, found[0].created_at)
        else:
            g.drop_sid = True                    # unknown or ended: forget the cookie
        return cookie_session

    def save_session(self, app: Flask, session, response) -> None:
        for key in USER_KEYS:                    # Flask-Login writes them; the row, not the cookie, says who
            if key in session:
                del session[key]
        begun, live = g.get("web_session_begun"), g.get("web_session")
        secure = app.config["SESSION_COOKIE_SECURE"]
        if begun is not None:
            response.set_cookie(COOKIE, begun[0], path="/", httponly=True, samesite="Lax", secure=secure)
        elif g.get("web_session_ended") or g.get("drop_sid"):
            response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax", secure=secure)
        elif live is not None and clock.now() - live[2] > TOUCH_EVERY:
            _touch(live[0])
        if begun is not None or live is not None:
            response.vary.add("Cookie")
        super().save_session(app, session, response)


def _touch(row_id: int) -> None:
    """Record that the session was used, in a transaction of its own (never the view's, which may hold
    anything); at most once a minute per session."""
    try:
        with db.engine.begin() as connection:
            connection.execute(update(WebSession).where(WebSession.id == row_id).values(last_seen_at=clock.now()))
    except SQLAlchemyError:
        current_app.logger.warning("web session %s not touched: database unavailable", row_id)


def _new_row(user: User) -> None:
    token, now = secrets.token_urlsafe(32), clock.now()
    row = WebSession(key=key_of(token), user_id=user.id, created_at=now, last_seen_at=now, agent=_agent())
    db.session.add(row)
    db.session.flush()
    g.web_session_begun = (token, row.id, user.id)
    g.pop("web_session_ended", None)


def begin(user: User) -> None:
    """Start a new session for this browser (login): a new id, whatever it had before deleted. The caller
    commits; the cookie is set on the way out. The signed cookie (the CSRF token) is left as it was."""
    live = g.get("web_session")
    if live is not None:
        db.session.execute(delete(WebSession).where(WebSession.id == live[0]))
    _new_row(user)


def end() -> None:
    """Log this browser out: its row goes now, its cookie on the way out. The caller commits."""
    live = g.get("web_session")
    if live is not None:
        db.session.execute(delete(WebSession).where(WebSession.id == live[0]))
    g.pop("web_session_begun", None)
    g.web_session_ended = True


def end_all(user: User, *, keep_this_browser: bool) -> None:
    """Delete every session of the user (a change of password, two-factor, email or role; "log out everywhere");
    with `keep_this_browser`, this browser gets a new one."""
    db.session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    if keep_this_browser:
        _new_row(user)
    else:
        end()


def current_row_id() -> int | None:
    """The id of this browser's session row, when logged in."""
    begun = g.get("web_session_begun")
    if begun is not None:
        return begun[1]
    live = g.get("web_session")
    return live[0] if live is not None and not g.get("web_session_ended") else None


def _load_user(_request) -> User | None:
    """Flask-Login's loader: the user of this request's live session row, or nobody."""
    live = g.get("web_session")
    return db.session.get(User, live[1]) if live is not None else None


def of_user(user: User) -> list[WebSession]:
    """The user's sessions, most recently used first."""
    return list(db.session.scalars(select(WebSession).where(WebSession.user_id == user.id)
                                   .order_by(WebSession.last_seen_at.desc())))


def purge() -> int:
    """The daily task: delete sessions past the longest idle time or the absolute limit."""
    now, config = clock.now(), current_app.config
    idle = max(config["SESSION_IDLE_MINUTES"], config["STAFF_IDLE_MINUTES"])
    result = db.session.execute(delete(WebSession).where(or_(
        WebSession.last_seen_at < now - timedelta(minutes=idle),
        WebSession.created_at < now - timedelta(hours=config["SESSION_MAX_HOURS"]))))
    return result.rowcount


def install(app: Flask) -> None:
    """Use the table for logged-in users; Flask-Login reads the user from the session's row only."""
    from app.extensions import login_manager

    app.session_interface = WebSessionInterface()
    login_manager.session_protection = None          # the row is the protection; no remember-me cookie
    login_manager.request_loader(_load_user)
