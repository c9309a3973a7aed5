"""The retention purge (daily): personal data is kept only as long as the privacy notice says."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from app import audit, clock, unit_of_work
from app.extensions import db
from app.kinds import PUBLIC_KINDS, Kind
from app.mail.models import Delivery
from signals.models import Attachment, FilerContact, Signal
from signals.workflow import Status

ANONYMISED = {"person_name": "", "organisation": "", "organisation_seat": "", "eik": "", "address": "", "email": "",
              "phone": ""}


def anonymise_filers(signal_ids, **extra) -> int:
    """Blank the sender snapshot of the items a select of ids names, once (already blank ones are left as they
    are); `extra` sets more columns. Returns how many were blanked."""
    return db.session.execute(update(FilerContact).where(FilerContact.signal_id.in_(signal_ids),
                                                         FilerContact.anonymised_at.is_(None))
                              .values(**ANONYMISED, anonymised_at=clock.now(), **extra)).rowcount


def _delete_files(attachments) -> int:
    """Delete these attachments' rows now and their files once the purge commits; returns how many."""
    directory, deleted = Path(current_app.config["UPLOAD_DIR"]), 0
    for attachment in db.session.scalars(attachments):
        unit_of_work.remove_after_commit(directory / attachment.storage_key)
        db.session.delete(attachment)
        deleted += 1
    return deleted


def anonymise_closed_public_items() -> int:
    """Blank the filer contact of public items closed longer than RETENTION_FILER_CONTACT_DAYS ago, and delete
    the files the filer sent with answers to clarification requests (never public, personal as the contact)."""
    cutoff = clock.now() - timedelta(days=current_app.config["RETENTION_FILER_CONTACT_DAYS"])
    closed = select(Signal.id).where(Signal.kind.in_(sorted(PUBLIC_KINDS, key=lambda k: k.value)),
                                     Signal.status == Status.closed, Signal.closed_at < cutoff)
    _delete_files(select(Attachment).where(Attachment.signal_id.in_(closed), Attachment.update_id.is_not(None),
                                           Attachment.approved.is_(False)))
    return anonymise_filers(closed)


def purge_mail() -> int:
    """Delete outbox bodies and local mail files older than RETENTION_MAIL_DAYS (the row stays as proof of notice)."""
    days = current_app.config["RETENTION_MAIL_DAYS"]
    cutoff = clock.now() - timedelta(days=days)
    result = db.session.execute(update(Delivery).where(Delivery.created_at < cutoff,
                                                       Delivery.bodies_purged_at.is_(None))
                                .values(body_text="", body_html="", context={}, bodies_purged_at=clock.now()))
    mail_dir = Path(current_app.config["MAIL_DIR"])
    if mail_dir.is_dir():
        for path in mail_dir.glob("*.eml"):
            if path.stat().st_mtime < cutoff.timestamp():
                path.unlink(missing_ok=True)
    return result.rowcount


def purge_closed_private_items() -> tuple[int, int]:
    """Past their kind's retention after closing (RETENTION_PRIVATE_DAYS, default 5 years), private items keep
    their number, dates, kind, status and history, and lose the sender snapshot and the attachments (the files
    go once the purge commits). Returns (snapshots anonymised, attachments deleted)."""
    anonymised = deleted = 0
    for kind, days in current_app.config["RETENTION_PRIVATE_DAYS"].items():
        closed = select(Signal.id).where(Signal.kind == Kind(kind), Signal.status == Status.closed,
                                         Signal.closed_at < clock.now() - timedelta(days=days))
        anonymised += anonymise_filers(closed)
        deleted += _delete_files(select(Attachment).where(Attachment.signal_id.in_(closed)))
    return anonymised, deleted


def purge() -> dict[str, int]:
    """The daily retention task (the relay commits it with its run key); the counts go to the audit log."""
    private_contacts, private_files = purge_closed_private_items()
    counts = {"filer_contacts": anonymise_closed_public_items(), "mail_bodies": purge_mail(),
              "private_filer_contacts": private_contacts, "private_attachments": private_files}
    audit.record(None, "retention_purge", "site", None, **counts)
    return counts
