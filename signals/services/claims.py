"""Claims: a person who filed items without an account, and later confirmed an account with the same address,
makes them the account's own. The account's address was confirmed once, perhaps long ago; each claim is
confirmed again by a single-use link mailed to that address now (a claim covers up to 20 items). The mail holds
only item numbers and dates, nothing typed by anyone. A claimed item's filer rights belong to the account from
then on; its sender snapshot stays as it was filed.
"""

from __future__ import annotations

from sqlalchemy import Select, func, select

from app import audit
from app.accounts import links, services as accounts
from app.accounts.models import TokenPurpose, User
from app.extensions import db
from app.mail import outbox
from signals.models import FilerContact, Signal
from signals.services.errors import InvalidInput

MAX_ITEMS = 20


class ClaimRefused(InvalidInput):
    """A claim that cannot go ahead; `reason` is one of: none, too_many, mail_cap, link, account."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def claimable(user: User) -> Select:
    """Items filed without an account from the user's (confirmed) address, not anonymised, newest first."""
    return (select(Signal).join(FilerContact, FilerContact.signal_id == Signal.id)
            .where(Signal.user_id.is_(None), FilerContact.anonymised_at.is_(None), FilerContact.email != "",
                   func.lower(FilerContact.email) == user.email.lower())
            .order_by(Signal.registered_at.desc(), Signal.id.desc()))


def _chosen(user: User, numbers: list[str]) -> list[Signal]:
    if not user.confirmed:
        raise ClaimRefused("account")
    wanted = sorted(set(numbers))
    if len(wanted) > MAX_ITEMS:
        raise ClaimRefused("too_many")
    return list(db.session.scalars(claimable(user).where(Signal.number.in_(wanted)))) if wanted else []


def check(user: User, numbers: list[str]) -> list[Signal]:
    """The chosen items that are still claimable (reads only); ClaimRefused when none, too many, or the address
    had its links for today."""
    items = _chosen(user, numbers)
    if not items:
        raise ClaimRefused("none")
    if not accounts.may_send_link(user.email):
        raise ClaimRefused("mail_cap")
    return items


def ask(user: User, items: list[Signal]) -> None:
    """Mail a link that confirms the claim of these items (from `check`) to the account's address."""
    token = links.issue(user, TokenPurpose.claim, user.email, subject=",".join(item.number for item in items))
    outbox.add(user.email, "account/claim",
               {"name": user.name, "account_token_id": token.id,
                "items": [{"number": item.number, "registered_at": item.registered_at} for item in items]},
               locale=user.locale, required=True)
    audit.record(user.id, "claim_asked", "user", user.id, items=len(items))


def pending(user: User, token: str) -> list[Signal]:
    """The items a presented claim link would give to the user (without using the link up)."""
    row = links.peek(token, TokenPurpose.claim)
    if row.user_id != user.id or row.email != user.email:
        raise ClaimRefused("link")
    return _chosen(user, (row.subject or "").split(","))


def confirm(user: User, token: str) -> list[Signal]:
    """Use the link: the items it names that are still claimable become the user's; returns them."""
    row = links.consume(token, TokenPurpose.claim)
    if row.user_id != user.id or row.email != user.email:
        raise ClaimRefused("link")
    items = _chosen(user, (row.subject or "").split(","))
    for item in items:
        item.user_id = user.id
        if item.filer is not None:
            item.filer.user_id = user.id
        audit.record(user.id, "claim", "signal", item.id)
    db.session.flush()
    return items
