"""Who follows what, the notices the registry's events leave for followers, and the cabinet's messages.

A follow is a user's (confirmed by their login) or an email address's (confirmed by a mailed link: double opt-in).
One notice is recorded per event in the transaction that caused it; a job expands it to the followers who may see
the item, as outbox rows (app.mail, unique per notice and address) and cabinet messages (unique per notice and
user), so a re-run adds nothing.
"""

from __future__ import annotations

from datetime import date, datetime

from geoalchemy2 import Geometry, WKBElement
from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Subscriber:
    """Who a follow or an alert is for: a user (confirmed by their login), or an email address confirmed by a
    mailed link (double opt-in); the random nonce its confirmation and unsubscribe tokens are derived from."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254), default="")          # an address without an account
    email_hash: Mapped[str] = mapped_column(String(64), default="")     # app.mail.outbox.address_hash
    locale: Mapped[str] = mapped_column(String(5), default="bg")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    via: Mapped[str] = mapped_column(String(16), default="account")   # account | link | filing (follows.py)
    # Random per row; the confirmation and unsubscribe tokens are HMACs over it (never stored).
    nonce: Mapped[str] = mapped_column(String(32))


class Follow(Subscriber, db.Model):
    """One follower of one item."""

    __tablename__ = "follows"

    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"), index=True)

    __table_args__ = (
        Index("uq_follows_user", "signal_id", "user_id", unique=True, postgresql_where=text("user_id IS NOT NULL")),
        Index("uq_follows_email", "signal_id", "email_hash", unique=True,
              postgresql_where=text("user_id IS NULL")),
    )


class Notice(db.Model):
    """One event that followers hear of (a status change, a public reply, …), expanded by a job."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    signal_id: Mapped[int] = mapped_column(ForeignKey("signals.id", ondelete="CASCADE"), index=True)
    update_id: Mapped[int | None] = mapped_column(ForeignKey("updates.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))         # status | reply | …
    data: Mapped[dict] = mapped_column(db.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expanded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The last follow id expanded: a job killed mid-way goes on from the next batch.
    expanded_to: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (Index("ix_notices_unexpanded", "created_at", postgresql_where=text("expanded_at IS NULL")),)


class Message(db.Model):
    """A notice in a user's cabinet (/my/messages), unread until opened."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("user_id", "notice_id", name="uq_messages_user_notice"),
                      Index("ix_messages_unread", "user_id", postgresql_where=text("read_at IS NULL")))


class Alert(Subscriber, db.Model):
    """New public signals in an area — a district, a point and radius, or a polygon drawn on the map — optionally
    of some categories only; mailed at once (up to a daily cap, the rest in the digest) or in a daily digest at a
    local time. A user's, or an address's once it confirms the mailed link."""

    __tablename__ = "alerts"

    district_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id", ondelete="CASCADE"))
    center: Mapped[WKBElement | None] = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    radius_m: Mapped[int | None] = mapped_column(Integer)
    polygon: Mapped[WKBElement | None] = mapped_column(Geometry("POLYGON", srid=4326, spatial_index=False))
    categories: Mapped[list[str]] = mapped_column(ARRAY(String(64)), default=list, server_default="{}")
    mode: Mapped[str] = mapped_column(String(16), default="immediate")       # immediate | digest
    digest_minute: Mapped[int] = mapped_column(Integer, default=7 * 60)     # local minutes after midnight
    last_digest_day: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("(district_id IS NOT NULL)::int + (center IS NOT NULL)::int + (polygon IS NOT NULL)::int = 1",
                        name="one_area"),
    )


class AlertEntry(db.Model):
    """A new signal waiting for an alert's digest (or beyond the day's immediate cap)."""

    __tablename__ = "alert_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"))
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (UniqueConstraint("alert_id", "notice_id", name="uq_alert_entries"),
                      Index("ix_alert_entries_waiting", "alert_id", postgresql_where=text("sent_at IS NULL")))


class MailOptOut(db.Model):
    """A kind of optional notice a user reads only in the cabinet, not by mail (status, reply, new)."""

    __tablename__ = "mail_opt_outs"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
