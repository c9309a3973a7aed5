"""The outbox: every mail is a row written in the transaction that caused it."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Delivery(db.Model):
    """One mail to one recipient; sent at least once by the `deliver` job, found again by the relay."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    recipient: Mapped[str] = mapped_column(String(254))
    # sha256 of the lower-cased address: counts mails per address and day without reading addresses.
    recipient_hash: Mapped[str] = mapped_column(String(64))
    local_day: Mapped[date] = mapped_column(Date)             # creation day in APP_TIMEZONE
    locale: Mapped[str] = mapped_column(String(5), default="bg")
    template: Mapped[str] = mapped_column(String(64))
    required: Mapped[bool] = mapped_column(Boolean, default=False)   # a notice the law requires
    to_unverified: Mapped[bool] = mapped_column(Boolean, default=False)  # address given without an account
    signal_id: Mapped[int | None] = mapped_column(Integer)     # no FK: mail sits below the registry
    # The bodies hold a placeholder for the filer's tracking token, filled in at delivery (never stored).
    filer_link: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    # What the template needs, stored with the row; the mail is rendered outside the web request, by the job
    # that sends it (app.mail.outbox.render), and the rendered subject and bodies kept as proof of notice.
    context: Mapped[dict] = mapped_column(db.JSON, default=dict)
    rendered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")
    headers: Mapped[dict] = mapped_column(db.JSON, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    smtp_reply: Mapped[str] = mapped_column(Text, default="")
    bodies_purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A follower's mail: the notice it tells of (no FK: mail sits below subscriptions); one row per notice and
    # address, so expanding a notice again adds nothing.
    notice_id: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        # The relay's scan: unsent, not failed rows.
        Index("ix_outbox_pending", "created_at", postgresql_where=text("sent_at IS NULL AND failed_at IS NULL")),
        Index("ix_outbox_recipient_day", "recipient_hash", "local_day"),
        Index("uq_outbox_notice_recipient", "notice_id", "recipient_hash", unique=True,
              postgresql_where=text("notice_id IS NOT NULL")),
    )

    @property
    def pending(self) -> bool:
        """Neither sent nor failed for good."""
        return self.sent_at is None and self.failed_at is None


class DailyTaskRun(db.Model):
    """A daily task that ran for a local day: the key that makes a second run do nothing."""

    __tablename__ = "daily_task_runs"

    task: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
