"""Login throttling that locks nobody out: per account a growing delay after failures (up to 15 minutes, never a
lock), a mail to the owner at the tenth; the hard per-IP limit is Flask-Limiter's (LOGIN_RATE_LIMIT)."""

from __future__ import annotations

import math
from datetime import timedelta

from app import clock
from app.accounts.models import User

FREE_FAILURES = 3                # typos: no wait before the fourth attempt
MAX_DELAY = timedelta(minutes=15)
TELL_OWNER_AT = 10


def delay_after(failures: int) -> timedelta:
    """How long an account waits after this many failures in a row: 5 s, 10 s, 20 s … at most 15 minutes."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(MAX_DELAY, timedelta(seconds=5 * 2 ** min(failures - FREE_FAILURES, 12)))


def wait_seconds(user: User) -> int:
    """Seconds before this account may try again (0: now)."""
    if not user.failed_logins or user.last_failed_at is None:
        return 0
    left = user.last_failed_at + delay_after(user.failed_logins) - clock.now()
    return max(0, math.ceil(left.total_seconds()))


def failed(user: User) -> bool:
    """Count a failure; True when the owner is to be told (at the tenth in a row)."""
    user.failed_logins = (user.failed_logins or 0) + 1
    user.last_failed_at = clock.now()
    return user.failed_logins == TELL_OWNER_AT


def succeeded(user: User) -> None:
    """A right password (and code) clears the count."""
    user.failed_logins, user.last_failed_at = 0, None
