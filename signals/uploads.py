"""Photos kept while a report form is corrected: a validation error never loses a photo that passed its checks.

A cleaned photo is held under the form's submission key and the browser session that
sent it (an `owner` id in the session cookie), shown back as a thumbnail that only
that session may load (no-store), and claimed by the filing. Holding is capped per IP
(through the rate limiter, so no IP is stored) and in total; the relay removes what
was not claimed within PENDING_PHOTO_HOURS.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import DateTime, Float, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from app import clock, unit_of_work
from app.extensions import db
from signals.photos import Photo

PENDING_DIR = "pending"


class PendingPhoto(db.Model):
    """A cleaned photo waiting for its form to be corrected and sent."""

    __tablename__ = "pending_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_key: Mapped[str] = mapped_column(String(64), index=True)
    owner: Mapped[str] = mapped_column(String(64))            # a random id in the uploader's session cookie
    storage_key: Mapped[str] = mapped_column(String(128), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    gps_lon: Mapped[float | None] = mapped_column(Float)
    gps_lat: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class StoreFull(Exception):
    """No more photos can be held now (this IP's share or the total is used up)."""


def directory() -> Path:
    """Where held photos live (readable by the service user only)."""
    path = Path(current_app.config["UPLOAD_DIR"]) / PENDING_DIR
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def held(submission_key: str | None, owner: str | None) -> list[PendingPhoto]:
    """The photos held for this form and session, oldest first."""
    if not submission_key or not owner:
        return []
    return list(db.session.scalars(select(PendingPhoto).where(
        PendingPhoto.submission_key == submission_key, PendingPhoto.owner == owner).order_by(PendingPhoto.id)))


def hold(photo: Photo, submission_key: str, owner: str) -> PendingPhoto:
    """Keep a cleaned photo for this form and session; raises StoreFull past the total cap."""
    total = db.session.scalar(select(func.count()).select_from(PendingPhoto)) or 0
    if total >= current_app.config["PENDING_PHOTO_TOTAL"]:
        raise StoreFull("total")
    key = secrets.token_hex(16) + ".jpg"
    path = directory() / key
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(photo.data)
    unit_of_work.written(path)
    gps = photo.gps or (None, None)
    pending = PendingPhoto(submission_key=submission_key, owner=owner, storage_key=key, sha256=photo.sha256,
                           size=len(photo.data), width=photo.width, height=photo.height, gps_lon=gps[0],
                           gps_lat=gps[1], created_at=clock.now())
    db.session.add(pending)
    db.session.flush()
    return pending


def path_of(pending: PendingPhoto) -> Path:
    """The held file."""
    return directory() / pending.storage_key


def release(pending: PendingPhoto) -> None:
    """Forget a held photo (removed by its owner); the file goes when the transaction commits."""
    unit_of_work.remove_after_commit(path_of(pending))
    db.session.delete(pending)
    db.session.flush()


def claim(pending_photos: list[PendingPhoto]) -> list[Photo]:
    """Held photos (of this form and session) as cleaned photos for the filing; their rows go with its
    transaction."""
    photos = []
    for pending in pending_photos:
        try:
            data = path_of(pending).read_bytes()
        except OSError:
            release(pending)
            continue
        gps = (pending.gps_lon, pending.gps_lat) if pending.gps_lon is not None else None
        photos.append(Photo(data, pending.width, pending.height, gps, hashlib.sha256(data).hexdigest()))
        release(pending)
    return photos


def purge(now: datetime | None = None) -> int:
    """Remove held photos older than PENDING_PHOTO_HOURS, and stray files (the relay runs this every pass)."""
    cutoff = (now or clock.now()) - timedelta(hours=current_app.config["PENDING_PHOTO_HOURS"])
    keys = set(db.session.scalars(delete(PendingPhoto).where(PendingPhoto.created_at < cutoff)
                                  .returning(PendingPhoto.storage_key)))
    known = set(db.session.scalars(select(PendingPhoto.storage_key)))
    for path in directory().glob("*.jpg"):
        if path.name in keys or (path.name not in known and path.stat().st_mtime < cutoff.timestamp()):
            path.unlink(missing_ok=True)
    return len(keys)
