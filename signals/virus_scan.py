"""The optional virus scan of attached files by a ClamAV daemon (clamav-client, INSTREAM).

CLAMD_SOCKET names the daemon: a unix socket path (`/run/clamav/clamd.ctl`) or `host:port`; empty turns the scan
off. A file is scanned when it is uploaded: one the daemon calls infected is refused at its field and never
stored. When the daemon cannot be reached the file is kept as `pending` and staff cannot download it until the
relay's pass task (`rescan_pending`) has found it clean; a pending file found infected is deleted. The filer may
always download what they uploaded themselves.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

from clamav_client.clamd import ClamdError, ClamdNetworkSocket, ClamdUnixSocket
from flask import current_app
from sqlalchemy import select

from app import audit, unit_of_work
from app.extensions import db
from signals.models import Attachment

log = logging.getLogger(__name__)
NOT_SCANNED, CLEAN, PENDING, INFECTED = "not_scanned", "clean", "pending", "infected"
RESCAN_BATCH = 50


def _daemon():
    where, timeout = current_app.config["CLAMD_SOCKET"], current_app.config["CLAMD_TIMEOUT"]
    if where.startswith("/"):
        return ClamdUnixSocket(where, timeout=timeout)
    host, _, port = where.rpartition(":")
    return ClamdNetworkSocket(host or "127.0.0.1", int(port), timeout=timeout)


def scan(data: bytes) -> str:
    """NOT_SCANNED when no daemon is set, CLEAN, INFECTED, or PENDING when the daemon gave no verdict."""
    if not current_app.config["CLAMD_SOCKET"]:
        return NOT_SCANNED
    try:
        verdict = _daemon().instream(io.BytesIO(data))
    except (ClamdError, OSError, ValueError) as exc:
        log.warning("virus scan: no verdict (%s); the file waits for the next pass", type(exc).__name__)
        return PENDING
    status = next(iter(verdict.values()), ("", None))[0] if verdict else ""
    if status == "FOUND":
        return INFECTED
    return CLEAN if status == "OK" else PENDING


def released_to_staff(attachment: Attachment) -> bool:
    """Whether staff may download the file: scanned clean, or stored while no scanner was set."""
    return attachment.scan_status in (CLEAN, NOT_SCANNED)


def rescan_pending() -> int:
    """The relay's pass task (the relay commits): scan files that wait for a verdict; returns how many got one.
    Stops at the first file that still gets none (the daemon is still away)."""
    if not current_app.config["CLAMD_SOCKET"]:
        return 0
    directory, decided = Path(current_app.config["UPLOAD_DIR"]), 0
    waiting = db.session.scalars(select(Attachment).where(Attachment.scan_status == PENDING).order_by(Attachment.id)
                                 .limit(RESCAN_BATCH).with_for_update(skip_locked=True)).all()
    for attachment in waiting:
        path = directory / attachment.storage_key
        verdict = scan(path.read_bytes()) if path.is_file() else INFECTED
        if verdict == PENDING:
            break
        attachment.scan_status = verdict
        if verdict == INFECTED:
            unit_of_work.remove_after_commit(path)
            audit.record(None, "attachment_infected", "signal", attachment.signal_id)
            log.warning("virus scan: attachment %d was infected and is deleted", attachment.id)
        decided += 1
    return decided
