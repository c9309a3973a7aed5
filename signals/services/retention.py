"""The retention purge (daily): personal data is kept only as long as the privacy notice says."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from app import audit, clock
from app.extensions import db
from app.kinds import PUBLIC_KINDS
from app.mail.models import Delivery
from signals.models import FilerContact, Signal
from signals.workflow import Status

ANONYMISED = {"person_name": "", "organisation": "", "organisation_seat": "", "eik": "", "address": "", "email": "",
              "phone": ""}


def anonymise_closed_public_items() -> int:
    """Blank the filer contact of public items closed longer than RETENTION_FILER_CONTACT_DAYS ago."""
    cutoff = clock.now() - timedelta(days=current_app.config["RETENTION_FILER_CONTACT_DAYS"])
    closed = select(Signal.id).where(Signal.kind.in_(sorted(PUBLIC_KINDS, key=lambda k: k.value)),
                                     Signal.status == Status.closed, Signal.closed_at < cutoff)
    result = db.session.execute(update(FilerContact).where(FilerContact.signal_id.in_(closed),
                                                           FilerContact.anonymised_at.is_(None))
                                .values(**ANONYMISED, anonymised_at=clock.now()))
    return result.rowcount


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


def purge() -> dict[str, int]:
    """The daily retention task (the relay commits it with its run key); the counts go to the audit log."""
    counts = {"filer_contacts": anonymise_closed_public_items(), "mail_bodies": purge_mail()}
    audit.record(None, "retention_purge", "site", None, **counts)
    return counts
