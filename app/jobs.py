"""rq job entry points. rq's forking worker runs each job in a fresh child, so the app and its
database engine are created inside the job, never inherited across the fork.

rq logs a failed job's exception with its message; a database error's message may quote the
values it got, so a job re-raises anything unexpected as JobFailed, whose text is only the
exception's type, frames and statement (app.logs).
"""

from __future__ import annotations

from flask import has_app_context


class JobFailed(Exception):
    """A job failed; the text says how without repeating what the data was."""


def deliver(delivery_id: int) -> None:
    """Send one outbox row (see app.mail.delivery.deliver)."""
    from app.mail import delivery

    if has_app_context():  # SimpleWorker in tests: the caller's app
        return _guarded(delivery.deliver, delivery_id)
    from app import create_app

    app = create_app()
    with app.app_context():
        try:
            _guarded(delivery.deliver, delivery_id)
        finally:
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()


def _guarded(job, *args) -> None:
    from app import logs
    from app.mail.delivery import TemporaryFailure

    try:
        job(*args)
    except TemporaryFailure:
        raise
    except Exception as error:
        raise JobFailed(logs.exception_line(error)) from None


def expand_notice(notice_id: int) -> None:
    """Expand one notice to its followers (see subscriptions.fanout.expand)."""
    from subscriptions import fanout

    if has_app_context():  # SimpleWorker in tests: the caller's app
        return _guarded(fanout.expand, notice_id)
    from app import create_app

    app = create_app()
    with app.app_context():
        try:
            _guarded(fanout.expand, notice_id)
        finally:
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()
