"""Read queries of the registry; each starts from `access.public_signals()` or `access.visible()`.

The filters shared by the home page and the map (period, category, status), the
home page's list, the moderation queue and the hidden items. The map's own queries are in map_data.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, or_, select

from app import clock
from app.departments.models import Category
from app.extensions import db
from app.kinds import PUBLIC_KINDS
from signals import access
from signals.models import Attachment, Signal
from signals.workflow import Status

MAX_DAYS = 90


class BadQuery(ValueError):
    """A parameter the endpoint cannot use: answered with 400 and a JSON error."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Filters:
    """What the home page and the map filter by: the period, a category, a status."""

    days: int = 30
    category: str | None = None
    status: Status | None = None
    category_id: int | None = None

    @property
    def first_day(self) -> date:
        """The window's first local date (a window of N days runs from today minus N)."""
        return clock.today() - timedelta(days=self.days)


def parse_filters(args) -> Filters:
    """Validate days (1–90), category (a stable code) and status; raises BadQuery."""
    try:
        days = int(args.get("days") or 30)
    except ValueError:
        raise BadQuery("bad_days", "days must be a whole number from 1 to 90") from None
    if not 1 <= days <= MAX_DAYS:
        raise BadQuery("bad_days", "days must be a whole number from 1 to 90")
    category, category_id = args.get("category") or None, None
    if category is not None:
        category_id = db.session.scalar(select(Category.id).where(Category.code == category))
        if category_id is None:
            raise BadQuery("bad_category", f"unknown category code {category[:40]!r}")
    status = args.get("status") or None
    if status is not None and status not in Status.__members__:
        raise BadQuery("bad_status", f"unknown status {status[:40]!r}")
    return Filters(days, category, Status(status) if status else None, category_id)


def moderation_queue() -> Select:
    """Public items waiting for a moderator: unapproved text or photos, not hidden."""
    pending_photo = select(Attachment.id).where(Attachment.signal_id == Signal.id, Attachment.approved.is_(False),
                                                Attachment.update_id.is_(None))
    return (select(Signal).where(Signal.kind.in_(sorted(PUBLIC_KINDS, key=lambda k: k.value)),
                                 Signal.hidden.is_(False),
                                 or_(Signal.text_approved.is_(False), pending_photo.exists()))
            .order_by(Signal.registered_at))


def hidden_items() -> Select:
    """Public-kind items a moderator hid, the newest first (the moderators' list with "show again")."""
    return (select(Signal).where(Signal.kind.in_(sorted(PUBLIC_KINDS, key=lambda k: k.value)),
                                 Signal.hidden.is_(True))
            .order_by(Signal.registered_at.desc(), Signal.id.desc()))


def public_kind_numbered(number: str | None) -> Select:
    """The item of a public kind with this canonical number, if any (a moderator looks up a published item)."""
    return select(Signal).where(Signal.number == (number or ""),
                                Signal.kind.in_(sorted(PUBLIC_KINDS, key=lambda k: k.value)))


def latest_public(filters: Filters = Filters(), limit: int = 10) -> Select:
    """The newest public items of the last N local days, by category and status (the home page list)."""
    query = access.public_signals().where(Signal.registered_at >= clock.days_ago(filters.days))
    if filters.category_id:
        query = query.where(Signal.category_id == filters.category_id)
    if filters.status:
        query = query.where(Signal.status == filters.status)
    return query.order_by(Signal.registered_at.desc()).limit(limit)


def by_submission_key(submission_key: str | None) -> Signal | None:
    """The item a filing form's submission key already produced (a repeated POST shows the first result)."""
    if not submission_key:
        return None
    return db.session.scalar(select(Signal).where(Signal.submission_key == submission_key))
