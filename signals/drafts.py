"""Filing drafts: a private item's form, kept between the form and its review page until Confirm registers it.

A draft belongs to one account; its random key travels in the query string and in the review form (never in a
path). Confirm registers with the key as the submission key and deletes the draft, so a second Confirm finds
the first item. Drafts older than DRAFT_HOURS are removed by the relay's daily task.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from app import clock, unit_of_work
from app.extensions import db

DRAFT_HOURS = 24


class Draft(db.Model):
    """The fields of a private item being filed, as the form gave them."""

    __tablename__ = "filing_drafts"
    __table_args__ = (Index("ix_filing_drafts_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def save(user_id: int, kind: str, data: dict, key: str | None = None) -> Draft:
    """Create the user's draft, or replace the fields of the one with this key (Edit, then the form again)."""
    draft = find(user_id, key) if key else None
    if draft is None:
        draft = Draft(key=secrets.token_urlsafe(24), user_id=user_id, kind=kind, created_at=clock.now())
        db.session.add(draft)
    draft.kind, draft.data = kind, data
    db.session.flush()
    return draft


def find(user_id: int, key: str | None) -> Draft | None:
    """The user's draft with this key (never another user's), or None."""
    if not key or len(key) > 64:
        return None
    return db.session.scalar(select(Draft).where(Draft.key == key, Draft.user_id == user_id))


def purge() -> int:
    """The daily task: drafts never confirmed go after DRAFT_HOURS, with their uploaded files (once it commits)."""
    cutoff = clock.now() - timedelta(hours=DRAFT_HOURS)
    directory = Path(current_app.config["UPLOAD_DIR"])
    for draft in db.session.scalars(select(Draft).where(Draft.created_at < cutoff)):
        for file in (draft.data or {}).get("files", []):
            unit_of_work.remove_after_commit(directory / file["key"])
    return db.session.execute(delete(Draft).where(Draft.created_at < cutoff)).rowcount
