"""One commit per request, and files that follow their transaction.

Services write files (photos) before the rows that name them. A file registered
with `written()` is deleted when its transaction rolls back, whoever rolls it
back, so a failed filing never leaves a file behind; a commit keeps it. A file
registered with `remove_after_commit()` goes only once its transaction commits.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)
_WRITTEN = "written_files"
_DOOMED = "files_to_remove"
_CACHE = "transaction_cache"


def written(path: Path) -> None:
    """Register a file written for the current transaction: it is removed if the transaction rolls back."""
    db.session.info.setdefault(_WRITTEN, []).append(Path(path))


def transaction_cache(name: str) -> dict:
    """A dict that lives as long as the current transaction (cleared at commit and rollback): for answers the
    same request asks twice, e.g. which district a point lies in."""
    return db.session.info.setdefault(_CACHE, {}).setdefault(name, {})


def remove_after_commit(path: Path) -> None:
    """Register a file that the current transaction makes useless: removed once it commits, kept otherwise."""
    db.session.info.setdefault(_DOOMED, []).append(Path(path))


def _unlink(paths: list[Path], why: str) -> None:
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            log.warning("unit of work: could not remove %s %s", path.name, why)


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Commit what the block wrote, or roll it back (and remove its files) and re-raise."""
    try:
        yield db.session
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


_installed: list[bool] = []


def install_file_hooks() -> None:
    """Forget the files on commit, delete them on rollback (installed once per process)."""
    if _installed:
        return
    _installed.append(True)

    @event.listens_for(Session, "after_commit")
    def _keep(session: Session) -> None:
        session.info.pop(_CACHE, None)
        session.info.pop(_WRITTEN, None)
        _unlink(session.info.pop(_DOOMED, []), "after a commit")

    @event.listens_for(Session, "after_soft_rollback")
    def _remove(session: Session, previous_transaction) -> None:
        session.info.pop(_CACHE, None)
        if session.in_transaction():
            return
        session.info.pop(_DOOMED, None)
        _unlink(session.info.pop(_WRITTEN, []), "after a rollback")
