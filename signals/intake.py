"""Filing a public report from the form: photos cleaned first, one item per submission key, files and rows together."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock, site_settings
from app.extensions import db
from signals import services
from signals.models import Attachment, Signal
from signals.photos import Photo, store


@dataclass
class Filed:
    """The outcome: the item, its token (None when this was a repeated submission), and whether it is new."""

    signal: Signal
    token: str | None
    new: bool = True
    files: list[Path] = field(default_factory=list)


def existing(submission_key: str | None) -> Signal | None:
    """The item a submission key already produced (a repeated POST shows the first result)."""
    if not submission_key:
        return None
    return db.session.scalar(select(Signal).where(Signal.submission_key == submission_key))


def hold_is_on() -> bool:
    """Whether every new public item waits for review (an operator's switch during a spam wave)."""
    return bool(site_settings.get(site_settings.MODERATION_HOLD, False))


def file_report(kind, data: services.SignalInput, photos: list[Photo]) -> Filed:
    """Register a public item with its photos and commit; a second submission with the same key gets the first item."""
    first = existing(data.submission_key)
    if first is not None:
        return Filed(first, None, new=False)
    data.held = data.held or hold_is_on()
    directory = Path(current_app.config["UPLOAD_DIR"])
    written: list[Path] = []
    try:
        keys = [store(photo, directory) for photo in photos]
        written = [directory / key for key in keys]
        registration = services.register(kind, data, None)
        approved = not current_app.config["PHOTO_PREMODERATION"]
        for index, (photo, key) in enumerate(zip(photos, keys), start=1):
            registration.signal.attachments.append(Attachment(
                filename=f"{registration.signal.number}-{index}.jpg", content_type=photo.content_type,
                size=len(photo.data), storage_key=key, sha256=photo.sha256, approved=approved,
                created_at=clock.now()))
        db.session.flush()
        db.session.commit()
        return Filed(registration.signal, registration.token, files=written)
    except IntegrityError:
        db.session.rollback()
        _remove(written)
        first = existing(data.submission_key)
        if first is None:
            raise
        return Filed(first, None, new=False)
    except BaseException:
        db.session.rollback()
        _remove(written)
        raise


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
