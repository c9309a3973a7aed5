"""The item gate: the one door every request about one item passes.

For a route with `<number>` in its URL, `item_route(action)`:

1. canonicalises the typed number with `registry.normalize` before any lookup
   (case, spaces, any dash, missing zeros, Cyrillic look-alikes), so whether a
   redirect happens never depends on whether the item exists; the redirect keeps
   only whitelisted query arguments;
2. finds the item, takes a filer token from `?t=` once (it goes into a cookie
   scoped to the item's path, and the browser is sent to the URL without it);
3. checks `access.can(reader, action, item)` and answers every refusal through
   `access.refuse()`; anonymous lookups that miss (an unknown number, or an item
   the reader may not see) count against a per-IP limit, here and on /track;
4. writes the audit row for a staff look at a private item, then calls the view
   with `(item, reader, **view_args)`.

Views never look items up by number or decide visibility themselves; a test walks
`app.url_map` and fails on any `<number>` route whose view is not gated.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable

from flask import Response, current_app, g, redirect, request, url_for
from flask_login import current_user
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from app.extensions import db, limiter
from app.web.errors import too_many_requests
from signals import access, registry, tokens
from signals.access import Reader
from signals.models import Signal

log = logging.getLogger(__name__)
COOKIE_PREFIX = "ft_"
COOKIE_MAX_AGE = 2 * 365 * 86400
GATED = "_item_gate_action"          # set on every gated view: the url_map test looks for it
_fallback = FixedWindowRateLimiter(MemoryStorage())   # counts here while Redis is unreachable


# --- the filer token in the browser: a cookie per item, scoped to the item's path --------------------

def cookie_name(number: str) -> str:
    """The cookie that holds an item's token."""
    return COOKIE_PREFIX + number.replace("-", "_")


def held(item: Signal) -> frozenset[int]:
    """The ids (this item's, or none) whose filer token the request carries in its cookie."""
    return frozenset({item.id}) if tokens.matches(item, request.cookies.get(cookie_name(item.number))) else frozenset()


def remember(response: Response, number: str, token: str) -> Response:
    """Set the item-scoped cookie holding the token (sent only to the item's own URLs)."""
    response.set_cookie(cookie_name(number), token, max_age=COOKIE_MAX_AGE, path=f"/signals/{number}",
                        secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax")
    return response


def token_from_cookie(item: Signal) -> str | None:
    """The token this browser holds for the item, if it is the current one (the confirmation page prints it)."""
    token = request.cookies.get(cookie_name(item.number))
    return token if tokens.matches(item, token) else None


# --- lookups that miss: one per-IP limit for item pages and /track -----------------------------------

def count_miss(reader: Reader) -> bool:
    """Count an anonymous lookup that missed; False once LOOKUP_MISS_RATE_LIMIT is used up for this IP."""
    if not reader.anonymous:
        return True
    items = parse_many(current_app.config["LOOKUP_MISS_RATE_LIMIT"])
    key = (current_app.config.get("RATELIMIT_KEY_PREFIX", ""), "lookup-miss", request.remote_addr or "unknown")
    try:
        strategy = limiter.limiter
        allowed = all([strategy.hit(item, *key) for item in items])
    except Exception as error:  # noqa: BLE001 - any storage failure: count in this process instead
        log.warning("lookup limit: storage unreachable (%s); counting in memory", type(error).__name__)
        strategy = _fallback
        allowed = all([strategy.hit(item, *key) for item in items])
    if not allowed:
        g.lookup_retry_after = _seconds_to_wait(strategy, items, key)
    return allowed


def _seconds_to_wait(strategy, items, key) -> int:
    """When the longest exhausted window resets (for Retry-After)."""
    waits = [0]
    for item in items:
        try:
            stats = strategy.get_window_stats(item, *key)
        except Exception:  # noqa: BLE001 - the storage went away between the two calls
            continue
        if stats.remaining <= 0:
            waits.append(int(stats.reset_time - time.time()) + 1)
    return max(waits) or 60


def too_many() -> Response:
    """The answer once the miss limit is used up, saying when to try again."""
    return too_many_requests(g.get("lookup_retry_after", 60))


# --- the gate ----------------------------------------------------------------------------------------

def find(typed: str) -> tuple[str | None, Signal | None]:
    """The canonical number for what someone typed (None if it cannot be one) and the item, if it exists."""
    canonical = registry.normalize(typed)
    return canonical, (registry.find(canonical) if canonical else None)


def reader_of(item: Signal | None) -> Reader:
    """The request's reader: the logged-in user and the filer token held for this item."""
    return Reader.of(current_user, held(item) if item is not None else ())


def card_lookup(typed: str) -> tuple[Signal | None, Reader, Response | None]:
    """For /track: the item whose status card may be shown, its reader, and a 429 once misses are used up."""
    _, item = find(typed)
    reader = reader_of(item)
    if (item is None or not reader.can("view", item)) and not count_miss(reader):
        return None, reader, too_many()
    if item is not None and not reader.can("view_status_card", item):
        return None, reader, None
    return item, reader, None


def _miss(reader: Reader, number: str) -> Response:
    """A lookup that found nothing the reader may see: the login page costs no miss; a 404 does, up to the limit."""
    return access.refuse(number) if access.asks_login(number) or count_miss(reader) else too_many()


def _same_method() -> int:
    """302 for a page; 307 for a POST, so the form it carries reaches the canonical URL as a POST."""
    return 302 if request.method in ("GET", "HEAD") else 307


def item_route(action: str, *, keep: Iterable[str] = ()) -> Callable:
    """Gate a view of one item: canonical number, filer token, access check, audit; see the module docstring."""
    kept_args = frozenset(keep) | {"t"}

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def gated(number: str, **view_args):
            canonical = registry.normalize(number)      # before any lookup: a redirect says nothing of existence
            if canonical is not None and canonical != number:
                kept = {k: v for k, v in request.args.items() if k in kept_args}
                return redirect(url_for(request.endpoint, number=canonical, **view_args, **kept), _same_method())
            item = registry.find(canonical, details=True) if canonical else None
            if item is None:
                return _miss(reader_of(None), number)
            if "t" in request.args:
                response = redirect(url_for(request.endpoint, number=item.number, **view_args), _same_method())
                token = request.args["t"]
                return remember(response, item.number, token) if tokens.matches(item, token) else response
            reader = reader_of(item)
            if not reader.can("view", item):      # a miss, though the action may still be allowed (a card)
                if access.asks_login(item.number):
                    return access.refuse(item.number)
                if not count_miss(reader):
                    return too_many()
            if not reader.can(action, item):
                return access.refuse(item.number)
            audited = access.record_read(reader, item, request.endpoint)
            response = view(item, reader, **view_args)
            if audited:
                db.session.commit()
            return response

        setattr(gated, GATED, action)
        return gated

    return wrap
