"""The audit log: who looked at or changed what, and when (no IP addresses)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db


class AuditEntry(db.Model):
    """One audited action: a staff view of a private item, a download, a change."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[int | None]
    detail: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_audit_entries_object", "object_type", "object_id"),)


def record(actor_id: int | None, action: str, object_type: str, object_id: int | None, **detail) -> AuditEntry:
    """Add an audit row to the current transaction."""
    entry = AuditEntry(at=clock.now(), actor_id=actor_id, action=action,
                       object_type=object_type, object_id=object_id, detail=detail)
    db.session.add(entry)
    return entry
