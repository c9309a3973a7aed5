"""Every write on an account: register, confirm, log in, reset, change password or address, two-factor, delete.

Each validates, mutates, adds its mail to the outbox and its audit row, and flushes; the view commits. Session
changes (a new id, everyone else logged out) go through app.accounts.sessions in the same transaction.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import delete, select

from app import audit, clock
from app.accounts import links, sessions, throttle, two_factor
from app.accounts.identity import normal_email
from app.accounts.models import AccountKind, AccountToken, TokenPurpose, User, WebSession
from app.accounts.passwords import hash_password, needs_rehash, verify_password
from app.extensions import db
from app.mail import outbox


class AccountError(Exception):
    """A refused account action; `code` says which, `field` where the form shows it, `wait` seconds to wait."""

    def __init__(self, code: str, field: str | None = None, wait: int = 0):
        super().__init__(code)
        self.code, self.field, self.wait = code, field, wait


@dataclass
class Registration:
    """What the registration form gives, already checked field by field."""

    kind: AccountKind
    email: str
    password: str
    locale: str
    names: dict = field(default_factory=dict)     # first_name, middle_name, last_name
    organisation: str = ""
    seat: str = ""
    org_id: str = ""
    address: str = ""
    phone: str = ""


def by_email(address: str) -> User | None:
    """The account of an address in any spelling (case, Unicode or A-label domain)."""
    try:
        email = normal_email(address)
    except ValueError:
        return None
    return db.session.scalar(select(User).where(User.email == email))


LINK_MAILS_PER_DAY = 5      # unasked-for links (registration, reset) an address may get a day: no mail bombing


def may_send_link(address: str) -> bool:
    """Whether the address may get one more unasked-for link today."""
    return outbox.sent_today(address, unverified_only=False) < LINK_MAILS_PER_DAY


def _mail(user: User, template: str, email: str | None = None, token: AccountToken | None = None,
          **context) -> None:
    outbox.add(email or user.email, f"account/{template}",
               {"name": user.name, **({"account_token_id": token.id} if token else {}), **context},
               locale=user.locale, required=True)


def register(data: Registration) -> User | None:
    """A new unconfirmed account and its confirmation link; for an address that already has an account, a
    reset link to its owner instead and None. The answer the visitor sees is the same either way."""
    email = normal_email(data.email)
    existing = db.session.scalar(select(User).where(User.email == email))
    if existing is not None:
        hash_password(data.password)                   # the same work as a new account: no timing tells
        if existing.active and may_send_link(existing.email):
            token = links.issue(existing, TokenPurpose.reset, existing.email)
            _mail(existing, "already_registered", token=token)
        return None
    user = User(email=email, password_hash=hash_password(data.password), kind=data.kind, locale=data.locale,
                organisation=data.organisation, seat=data.seat, org_id=data.org_id, address=data.address,
                phone=data.phone, password_changed_at=clock.now(), **data.names)
    user.display_name = user.name
    db.session.add(user)
    db.session.flush()
    _mail(user, "confirm", token=links.issue(user, TokenPurpose.confirm, user.email))
    audit.record(user.id, "account.registered", "user", user.id)
    return user


def resend_confirmation(user: User) -> None:
    """Another confirmation link for an unconfirmed account (earlier ones stop working)."""
    if not user.confirmed and may_send_link(user.email):
        _mail(user, "confirm", token=links.issue(user, TokenPurpose.confirm, user.email))


def confirm(token: str | None) -> User:
    """Use a confirmation link; LinkRefused when it is unknown, used or expired."""
    row = links.consume(token, TokenPurpose.confirm)
    user = db.session.get(User, row.user_id)
    if row.email != user.email:
        raise links.LinkRefused("unknown")
    user.confirmed_at = user.confirmed_at or clock.now()
    audit.record(user.id, "account.confirmed", "user", user.id)
    return user


def check_password(email: str, password: str) -> User:
    """The first step of login: the account waits out its delay, then the password is checked (and rehashed if
    the parameters changed). AccountError("wait", wait=s) or ("bad_login"); the same for an unknown address."""
    user = by_email(email)
    if user is None or not user.active:
        verify_password(_dummy_hash(), password)          # the same time as for a real account
        raise AccountError("bad_login")
    wait = throttle.wait_seconds(user)
    if wait:
        raise AccountError("wait", wait=wait)
    if not verify_password(user.password_hash, password):
        if throttle.failed(user):
            _mail(user, "failures", failures=user.failed_logins)
        raise AccountError("bad_login")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def check_second_factor(user: User, code: str) -> None:
    """The second step: a fresh authenticator code, or an unused recovery code. AccountError as above."""
    wait = throttle.wait_seconds(user)
    if wait:
        raise AccountError("wait", wait=wait)
    if two_factor.verify_code(user, code):
        return
    if two_factor.use_recovery_code(user, code):
        audit.record(user.id, "account.recovery_code_used", "user", user.id)
        return
    if throttle.failed(user):
        _mail(user, "failures", failures=user.failed_logins)
    raise AccountError("bad_code", field="code")


def log_in(user: User) -> None:
    """Both factors passed: clear the failures and start this browser's session with a new id."""
    throttle.succeeded(user)
    sessions.begin(user)
    audit.record(user.id, "account.login", "user", user.id)


def request_reset(email: str) -> None:
    """Mail a reset link (1 hour, single use) if the address has an account; nothing otherwise."""
    user = by_email(email)
    if user is not None and user.active and may_send_link(user.email):
        _mail(user, "reset", token=links.issue(user, TokenPurpose.reset, user.email))


def reset_password(token: str | None, password: str) -> User:
    """Use a reset link: the new password, every session ended, this browser logged in anew. A reset also
    confirms the address (the link reached it) and clears the failure count."""
    row = links.consume(token, TokenPurpose.reset)
    user = db.session.get(User, row.user_id)
    _set_password(user, password)
    user.confirmed_at = user.confirmed_at or clock.now()
    throttle.succeeded(user)
    sessions.end_all(user, keep_this_browser=False)
    audit.record(user.id, "account.password_reset", "user", user.id)
    return user


def _set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()


def change_password(user: User, current: str, new: str) -> None:
    """Change the password knowing the current one; every other session ends."""
    if not verify_password(user.password_hash, current):
        raise AccountError("bad_password", field="current")
    _set_password(user, new)
    sessions.end_all(user, keep_this_browser=True)
    _mail(user, "password_changed")
    audit.record(user.id, "account.password_changed", "user", user.id)


def update_profile(user: User, values: dict) -> None:
    """Change the names, addresses, phone and language (not the address: see request_email_change)."""
    for name, value in values.items():
        setattr(user, name, value)
    user.display_name = user.name
    audit.record(user.id, "account.profile_changed", "user", user.id, fields=sorted(values))


def request_email_change(user: User, new_address: str, password: str) -> None:
    """Mail a link to the new address; it replaces the old one only when that link is used."""
    if not verify_password(user.password_hash, password):
        raise AccountError("bad_password", field="password")
    email = normal_email(new_address)
    if email == user.email:
        raise AccountError("same_email", field="email")
    taken = db.session.scalar(select(User.id).where(User.email == email))
    token = links.issue(user, TokenPurpose.change_email, email)
    if taken is None:
        _mail(user, "change_email", email=email, token=token, new_email=email)
    # Taken: no mail that would tell the person whether the address has an account; the link is never sent.


def confirm_email_change(token: str | None, reader_id: int | None) -> User:
    """Use the link sent to a new address: it replaces the old one, which is told; every session ends, and the
    browser that pressed the button stays logged in only if it was the account's own (`reader_id`): the link
    proves the address, not the password."""
    row = links.consume(token, TokenPurpose.change_email)
    user = db.session.get(User, row.user_id)
    if db.session.scalar(select(User.id).where(User.email == row.email, User.id != user.id)) is not None:
        raise links.LinkRefused("unknown")
    old = user.email
    user.email, user.confirmed_at = row.email, user.confirmed_at or clock.now()
    _mail(user, "email_changed", email=old, new_email=row.email)
    sessions.end_all(user, keep_this_browser=reader_id == user.id)
    audit.record(user.id, "account.email_changed", "user", user.id)
    return user


def enable_two_factor(user: User, secret: str, code: str) -> list[str]:
    """Turn two-factor on with the secret shown to the user, once a code from it is right; returns the ten
    recovery codes to show once. Every other session ends."""
    user.totp_secret, user.totp_last_step = secret, None
    if not two_factor.verify_code(user, code):
        user.totp_secret = None
        raise AccountError("bad_code", field="code")
    codes = two_factor.new_recovery_codes(user)
    sessions.end_all(user, keep_this_browser=True)
    _mail(user, "two_factor", enabled=True)
    audit.record(user.id, "account.two_factor_on", "user", user.id)
    return codes


def disable_two_factor(user: User, password: str) -> None:
    """Turn two-factor off (the password asked again); every other session ends."""
    if not verify_password(user.password_hash, password):
        raise AccountError("bad_password", field="password")
    two_factor.disable(user)
    sessions.end_all(user, keep_this_browser=True)
    _mail(user, "two_factor", enabled=False)
    audit.record(user.id, "account.two_factor_off", "user", user.id)


def change_role(user: User, role) -> None:
    """Give the user another role; every session of theirs ends (rights change only at a new login)."""
    old, user.role = user.role, role
    db.session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    audit.record(None, "account.role_changed", "user", user.id, old=old.value, new=role.value)


def end_session(user: User, session_id: int) -> None:
    """End one of the user's sessions (from the list on the security page)."""
    db.session.execute(delete(WebSession).where(WebSession.id == session_id, WebSession.user_id == user.id))


def delete_account(user: User, password: str) -> None:
    """Delete the account: what the registry keeps is decided by the registered forgetters (public items lose
    the name, private items keep the sender snapshot detached from the login); sessions, tokens, two-factor
    secret and recovery codes go with the row (ON DELETE CASCADE)."""
    if not verify_password(user.password_hash, password):
        raise AccountError("bad_password", field="password")
    for forget in current_app.extensions.get("account_forgetters", []):
        forget(user)
    sessions.end()
    audit.record(None, "account.deleted", "user", user.id)
    db.session.execute(delete(User).where(User.id == user.id))


def purge_unconfirmed() -> int:
    """The daily task: delete accounts never confirmed within UNCONFIRMED_ACCOUNT_DAYS."""
    days = current_app.config["UNCONFIRMED_ACCOUNT_DAYS"]
    result = db.session.execute(delete(User).where(User.confirmed_at.is_(None),
                                                   User.created_at < clock.days_ago(days)))
    return result.rowcount


@functools.cache
def _dummy_hash() -> str:
    """A hash to check an unknown address's password against (made once, on first use)."""
    return hash_password("not a password of anyone")
