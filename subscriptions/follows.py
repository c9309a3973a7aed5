"""Following an item: a logged-in user follows at once; an email address follows once it confirms the mailed link
(double opt-in: the confirmation mail carries nothing anyone typed, and counts against the per-address daily cap);
the filer follows from registration. Only public items can be followed by address or by a user who is not their
filer or staff (signals.access decides). Services never commit."""

from __future__ import annotations

import secrets

from flask import current_app
from sqlalchemy import and_, select
from sqlalchemy.dialects.postgresql import insert

from app import audit, clock
from app.accounts.models import User
from app.extensions import db
from app.mail import outbox
from app.mail.addresses import InvalidAddress, normalize
from signals import access
from signals.models import Signal
from signals.services import blocklist
from signals.services.errors import InvalidInput, NotAllowed
from subscriptions import tokens
from subscriptions.models import Follow

# How an address's follow came about: a link it confirmed may receive staff's public replies; an address given
# with an anonymous filing is unverified (number, date, category, department and link only, at most the daily cap).
LINK, FILING = "link", "filing"


class FollowLimited(InvalidInput):
    """The address already had as many mails today as an unverified address may."""


def _new(signal: Signal, **fields) -> Follow:
    """A new follow, or the one a second request for the same follow made a moment before: the unique indexes
    decide (two clicks at once used to meet them as an IntegrityError)."""
    by_user = fields.get("user_id") is not None
    statement = insert(Follow).values(signal_id=signal.id, created_at=clock.now(), nonce=secrets.token_hex(16),
                                      **fields).on_conflict_do_nothing(
        index_elements=["signal_id", "user_id" if by_user else "email_hash"],
        index_where=Follow.user_id.is_not(None) if by_user else Follow.user_id.is_(None))
    made = db.session.scalar(statement.returning(Follow))
    if made is not None:
        return made
    same = Follow.user_id == fields["user_id"] if by_user else \
        and_(Follow.user_id.is_(None), Follow.email_hash == fields["email_hash"])
    return db.session.scalar(select(Follow).where(Follow.signal_id == signal.id, same))


def of_user(signal: Signal, user: User) -> Follow | None:
    """The user's follow of an item, if any."""
    return db.session.scalar(select(Follow).where(Follow.signal_id == signal.id, Follow.user_id == user.id))


def follow(signal: Signal, user: User) -> Follow:
    """A logged-in user follows an item they may see (at once; a second follow is the first)."""
    if not access.can(user, "view", signal):
        raise NotAllowed("only an item the user may see")
    existing = of_user(signal, user)
    if existing is not None:
        return existing
    followed = _new(signal, user_id=user.id, locale=user.locale or "bg", confirmed_at=clock.now(), via="account")
    audit.record(user.id, "follow", "signal", signal.id)
    return followed


def sendable(address: str) -> str:
    """An address a follow or an alert is asked for, as we send to it; InvalidInput when we cannot."""
    try:
        return normalize(address)
    except InvalidAddress:
        raise InvalidInput("not an address we can send to") from None


def within_daily_cap(address: str) -> None:
    """FollowLimited when the address already had as many mails today as an unverified address may."""
    if outbox.sent_today(address) >= current_app.config["MAIL_DAILY_LIMIT_PER_ADDRESS"]:
        raise FollowLimited("daily limit")


def follow_by_email(signal: Signal, address: str, locale: str) -> Follow:
    """An address asks to follow a public item: a follow waiting for its confirmation, and the confirmation mail
    (again for a follow still waiting; nothing new for one confirmed). Refused beyond the address's daily cap."""
    if not access.is_public(signal):
        raise NotAllowed("only a public item is followed by address")
    email = sendable(address)
    existing = db.session.scalar(select(Follow).where(Follow.signal_id == signal.id, Follow.user_id.is_(None),
                                                      Follow.email_hash == outbox.address_hash(email)))
    if existing is not None and existing.confirmed_at is not None:
        return existing
    within_daily_cap(email)
    followed = existing or _new(signal, email=email, email_hash=outbox.address_hash(email), locale=locale,
                                via=LINK)
    if not blocklist.is_blocked(email):
        outbox.add(email, "follow/confirm", {"number": signal.number, "follow_id": followed.id,
                                             "token_purpose": tokens.CONFIRM,
                                             "link": f"/subscriptions/confirm?{tokens.PLACEHOLDER}"},
                   locale=locale, unverified=True, signal_id=signal.id)
    audit.record(None, "follow_requested", "signal", signal.id)
    return followed


def confirm(follow: Follow) -> Follow:
    """The address confirmed by its link: it follows from now on."""
    if follow.confirmed_at is None:
        follow.confirmed_at = clock.now()
        audit.record(None, "follow_confirmed", "signal", follow.signal_id)
    return follow


def follow_as_filer(signal: Signal) -> Follow | None:
    """The filer is the item's first follower: their account, or the address they gave (unverified)."""
    if signal.user_id:
        user = db.session.get(User, signal.user_id)
        return of_user(signal, user) or _new(signal, user_id=user.id, locale=user.locale or "bg",
                                             confirmed_at=clock.now(), via="account")
    email = signal.filer.email if signal.filer else ""
    if not email:
        return None
    return _new(signal, email=email, email_hash=outbox.address_hash(email), locale=signal.filer.locale or "bg",
                confirmed_at=clock.now(), via=FILING)


def unfollow(follow: Follow, actor: User | None = None) -> None:
    """Stop following (the user from My subscriptions, or an address by its unsubscribe link)."""
    audit.record(actor.id if actor else None, "unfollow", "signal", follow.signal_id)
    db.session.delete(follow)
    db.session.flush()


def by_token(follow_id: int | None, purpose: str, token: str | None) -> Follow | None:
    """The follow a link names, when its token is right for the purpose; None otherwise."""
    follow = db.session.get(Follow, follow_id) if follow_id else None
    return follow if tokens.matches(follow, purpose, token) else None
