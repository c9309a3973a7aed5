"""rq job entry points. The worker `make run` starts (app.worker.AppWorker) runs jobs in its own process with its
app's context; under rq's forking worker a job creates the app and its database engine inside the child, never
across the fork.

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

    _run(delivery.deliver, delivery_id)


def deliver_many(delivery_ids: list[int]) -> None:
    """Send up to 200 outbox rows over one SMTP connection (see app.mail.delivery.deliver_many)."""
    from app.mail import delivery

    _run(delivery.deliver_many, delivery_ids)


def expand_notice(notice_id: int) -> None:
    """Expand one notice to its followers (see subscriptions.fanout.expand)."""
    from subscriptions import fanout

    _run(fanout.expand, notice_id)


def _run(job, *args) -> None:
    """Run a job in the current app's context (the worker's), or in a new app's."""
    if has_app_context():
        return _guarded(job, *args)
    from app import create_app
    from app.extensions import db

    app = create_app()
    with app.app_context():
        try:
            _guarded(job, *args)
        finally:
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
