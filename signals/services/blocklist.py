"""The moderators' blocklist of addresses: a public report filed from a blocked address waits for review, and no
mail goes to a blocked address. The filer is never told: the report is registered and confirmed as any other.

An entry is one mailbox, compared as app.mail.addresses.mailbox counts mailboxes (case, +tags and Gmail's dots
ignored), or a domain written `@spam.example`, which also covers its subdomains (`@mail.spam.example`).
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import Select, exists, select
from sqlalchemy.exc import IntegrityError

from app import audit, clock
from app.accounts.models import User
from app.extensions import db
from app.mail.addresses import mailbox
from app.unit_of_work import transaction_cache
from signals.models import BlockedAddress
from signals.services.errors import InvalidInput

REASON_MAX = 200


class AlreadyBlocked(InvalidInput):
    """The address or domain is on the blocklist already."""


def pattern_of(typed: str) -> str:
    """The stored form of an address or a `@domain`; InvalidInput for anything else."""
    typed = (typed or "").strip()
    domain_only = typed.startswith("@")
    try:
        checked = validate_email(("blocked" + typed) if domain_only else typed, check_deliverability=False,
                                 allow_smtputf8=True)
    except (EmailNotValidError, UnicodeError):
        raise InvalidInput("not an address or a @domain") from None
    key = mailbox(f"{checked.local_part}@{checked.ascii_domain}")
    return "@" + key.rpartition("@")[2] if domain_only else key


_MEMO = "blocked_addresses"


def _candidates(address: str) -> list[str]:
    """The entries that would block an address: its mailbox, its domain and every parent domain."""
    key = mailbox(address)
    labels = key.rpartition("@")[2].split(".")
    return [key] + ["@" + ".".join(labels[i:]) for i in range(len(labels)) if labels[i:] != [""]]


def is_blocked(address: str | None) -> bool:
    """Whether mail to this address is withheld and its public reports wait for review."""
    if not address or "@" not in address:
        return False
    memo = transaction_cache(_MEMO)          # a filing asks twice: for the hold, and for the filer's mail
    if address not in memo:
        memo[address] = bool(db.session.scalar(select(exists().where(
            BlockedAddress.pattern.in_(_candidates(address))))))
    return memo[address]


def entries() -> Select:
    """The blocklist, in the order of its patterns."""
    return select(BlockedAddress).order_by(BlockedAddress.pattern)


def block(typed: str, reason: str, actor: User | None) -> BlockedAddress:
    """Add an address or a domain; AlreadyBlocked if it is there (also when someone added it a moment ago)."""
    pattern = pattern_of(typed)
    transaction_cache(_MEMO).clear()
    if db.session.scalar(select(BlockedAddress.id).where(BlockedAddress.pattern == pattern)) is not None:
        raise AlreadyBlocked(pattern)
    entry = BlockedAddress(pattern=pattern, reason=(reason or "").strip()[:REASON_MAX], created_at=clock.now(),
                           created_by_id=actor.id if actor else None)
    try:
        with db.session.begin_nested():          # a simultaneous add of the same pattern loses here, not in a 500
            db.session.add(entry)
            db.session.flush()
    except IntegrityError:
        raise AlreadyBlocked(pattern) from None
    audit.record(actor.id if actor else None, "block_address", "blocked_address", entry.id, pattern=pattern,
                 reason=entry.reason)
    db.session.flush()
    return entry


def unblock(entry: BlockedAddress, actor: User | None) -> None:
    """Remove an entry: reports from the address are published as any others again."""
    audit.record(actor.id if actor else None, "unblock_address", "blocked_address", entry.id, pattern=entry.pattern)
    transaction_cache(_MEMO).clear()
    db.session.delete(entry)
    db.session.flush()


def find(typed: str) -> BlockedAddress | None:
    """The entry for what someone typed (an address or a @domain), if there is one."""
    try:
        pattern = pattern_of(typed)
    except InvalidInput:
        return None
    return db.session.scalar(select(BlockedAddress).where(BlockedAddress.pattern == pattern))
