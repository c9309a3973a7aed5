""""This is my problem too": a browser (by a cookie of its own) or an account adds itself to a public, open
problem instead of filing a duplicate.

The report form's script posts here and reads JSON; without JavaScript the item page's
button posts a form and comes back to the item. The cookie holds a random value, set only
when someone supports something; the database keeps its SHA-256.
"""

from __future__ import annotations

import re
import secrets

from flask import Blueprint, Response, current_app, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import limiter
from app.unit_of_work import unit_of_work
from app.web.errors import error_response
from signals import support
from signals.access import Reader
from signals.models import Signal
from signals.services.errors import InvalidInput
from signals.services.support import add_supporter
from signals.gate import item_route

bp = Blueprint("support", __name__)
COOKIE = "supporter"
COOKIE_MAX_AGE = 2 * 365 * 86400
_TOKEN = re.compile(r"[A-Za-z0-9_-]{22,64}")


def _limit() -> str:
    return current_app.config["SUPPORT_RATE_LIMIT"]


def browser_keys(*, create: bool) -> tuple[list[str], str | None]:
    """This account's and this browser's supporter keys (the first is the one stored) and, when `create` and
    the browser has no cookie yet, the new cookie's value."""
    keys, new = [], None
    if current_user.is_authenticated:
        keys.append(support.key_of(f"user:{current_user.get_id()}"))
    token = request.cookies.get(COOKIE, "")
    if not _TOKEN.fullmatch(token):
        token = new = secrets.token_urlsafe(16) if create else ""
    if token:
        keys.append(support.key_of(f"browser:{token}"))
    return keys, new


def page_context(item: Signal) -> dict:
    """What the item page shows of its supporters: how many, whether it takes more, whether this browser is one."""
    keys, _new = browser_keys(create=False)
    return {"supporters": support.count(item), "supportable": support.supportable(item),
            "supported": support.supported_by(item, keys)}


def _not_supportable() -> Response:
    return error_response(409, "not_supportable", _("Only open public problem reports can be supported."))


def _answer(item: Signal, added: bool) -> Response:
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"number": item.number, "supporters": support.count(item), "added": added})
    return redirect(url_for("items.item", number=item.number) + "#support", 303)


@bp.post("/signals/<number>/support")
@limiter.limit(_limit, scope="support")
@item_route("view")
def support_item(item: Signal, reader: Reader):
    """Count this browser or account once among the item's supporters; 409 if it is not an open public problem."""
    if not support.supportable(item):                 # checked before any write: a refusal writes nothing
        return _not_supportable()
    keys, new_cookie = browser_keys(create=True)
    try:
        with unit_of_work():
            added = add_supporter(item, keys, reader.user.id if reader.user else None)
    except InvalidInput:
        return _not_supportable()
    response = _answer(item, added)
    if new_cookie:
        response.set_cookie(COOKIE, new_cookie, max_age=COOKIE_MAX_AGE, path="/", httponly=True, samesite="Lax",
                            secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
