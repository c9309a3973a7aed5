"""Two-factor login: TOTP (RFC 6238, pyotp) with each time step accepted once, the QR code drawn by us as inline
SVG (segno: no outside service sees the secret), and ten one-time recovery codes stored as argon2 hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

import pyotp
import segno
from flask import current_app
from sqlalchemy import delete, select

from app import clock
from app.accounts.models import RecoveryCode, User
from app.accounts.passwords import hash_password, verify_password
from app.extensions import db

STEP = 30
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"       # no 0/o, 1/l/i: codes are typed from paper


def setup_secret(user: User, session_id: int) -> str:
    """The secret offered while two-factor is being set up in one session: derived (HMAC with SECRET_KEY) from
    the user and the session, so it stays the same across the page's reloads and is stored nowhere until the
    first code proves it was read right (160 bits, base32)."""
    key = current_app.config["SECRET_KEY"].encode()
    digest = hmac.new(key, f"totp-setup:{user.id}:{session_id}".encode(), hashlib.sha256).digest()[:20]
    return base64.b32encode(digest).decode()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    issuer = current_app.config.get("TOTP_ISSUER") or "Contact centre"
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The QR code of a URI as an inline <svg> element (no script, no outside reference)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=4, title="QR", dark="#000", light="#fff")


def group(secret: str) -> str:
    """The secret in groups of four, as a person types it into an app."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "")


def matching_step(secret: str, code: str) -> int | None:
    """The time step a six-digit code belongs to (now, or one step either side for clock drift), or None."""
    code = _clean(code)
    if not re.fullmatch(r"\d{6}", code):
        return None
    totp, now = pyotp.TOTP(secret), clock.now().timestamp()
    for offset in (0, -1, 1):
        moment = now + offset * STEP
        if secrets.compare_digest(totp.at(moment), code):
            return int(moment // STEP)
    return None


def verify_code(user: User, code: str) -> bool:
    """A current code of the user's authenticator that was not used before; remembers its step."""
    step = matching_step(user.totp_secret or "", code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    user.totp_last_step = step
    return True


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; the caller shows them once."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = ["".join(secrets.choice(_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(code)) for code in codes)
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def use_recovery_code(user: User, code: str) -> bool:
    """Whether the code is one of the user's unused recovery codes; it is used up."""
    code = _clean(code).lower()
    if not re.fullmatch(r"[a-z0-9]{10}", code):
        return False
    for row in db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                              RecoveryCode.used_at.is_(None))
                                  .with_for_update()):
        if verify_password(row.code_hash, code):
            row.used_at = clock.now()
            return True
    return False


def codes_left(user: User) -> int:
    """How many recovery codes are unused."""
    return len(db.session.scalars(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                                                RecoveryCode.used_at.is_(None))).all())


def disable(user: User) -> None:
    """Turn two-factor off: the secret and the recovery codes are deleted."""
    user.totp_secret, user.totp_last_step = None, None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
