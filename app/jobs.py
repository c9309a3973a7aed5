"""rq job entry points. rq's forking worker runs each job in a fresh child, so the app and its
database engine are created inside the job, never inherited across the fork."""

from __future__ import annotations

from flask import has_app_context


def deliver(delivery_id: int) -> None:
    """Send one outbox row (see app.mail.delivery.deliver)."""
    from app.mail import delivery

    if has_app_context():  # SimpleWorker in tests: the caller's app
        delivery.deliver(delivery_id)
        return
    from app import create_app

    app = create_app()
    with app.app_context():
        try:
            delivery.deliver(delivery_id)
        finally:
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()



