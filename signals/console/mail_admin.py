"""/console/mail (admins): the outbox backlog — mails waiting and the oldest of them, sent and failed in the last
day, notices not yet expanded — and the mail that could not be delivered, with the recipient masked, the reason
and a retry. A retried row goes back to the queue; the delivery job checks it again (withheld stays withheld)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from app import audit, clock
from app.accounts.models import Role
from app.extensions import db
from app.mail import outbox
from app.mail.models import Delivery
from app.web.errors import error_response
from app.web.fields import CleanForm, whole_number
from signals.console.guard import console_page

bp = Blueprint("console_mail", __name__, url_prefix="/console")
NO_STORE = {"Cache-Control": "private, no-store"}
PAGE = 25


def masked(address: str) -> str:
    """An address as staff may see it here: the first two letters of the mailbox and the domain."""
    local, _, domain = address.rpartition("@")
    return f"{local[:2]}…@{domain}" if local else "…"


@bp.get("/mail")
@console_page
def mail():
    """The backlog and the undeliverable mail, newest first, 25 a page (admins)."""
    if current_user.role != Role.admin:
        return error_response(404, "not_found", _("There is no such page."))
    page = whole_number(request.args.get("page"), 1, 10_000) or 1
    failed = select(Delivery).where(Delivery.failed_at.is_not(None))
    total = db.session.scalar(select(func.count()).select_from(failed.subquery()))
    rows = db.session.scalars(failed.order_by(Delivery.failed_at.desc()).offset((page - 1) * PAGE).limit(PAGE)).all()
    return render_template("console/mail.html", backlog=backlog(), rows=rows, page=page, form=CleanForm(),
                           masked=masked, pages=max(1, -(-total // PAGE))), 200, NO_STORE


def backlog() -> dict:
    """What waits in the outbox now."""
    now = clock.now()
    pending = Delivery.sent_at.is_(None) & Delivery.failed_at.is_(None)
    waiting, oldest = db.session.execute(select(func.count(), func.min(Delivery.created_at)).where(pending)).one()
    day = now - timedelta(days=1)
    sent = db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.sent_at >= day))
    failed = db.session.scalar(select(func.count()).select_from(Delivery).where(Delivery.failed_at >= day))
    unexpanded = current_app.extensions.get("notices_waiting")       # subscriptions sits above the registry
    return {"waiting": waiting, "oldest_minutes": int((now - oldest).total_seconds() // 60) if oldest else None,
            "sent": sent, "failed": failed, "notices": unexpanded() if unexpanded else None}


@bp.post("/mail/<int:delivery_id>/retry")
@console_page
def retry(delivery_id: int):
    """Send an undeliverable mail again (after the address or the server was fixed)."""
    found = db.session.get(Delivery, delivery_id) if current_user.role == Role.admin else None
    if found is None or found.failed_at is None or not CleanForm().validate_on_submit():
        flash(_("Nothing changed: please try again."))
        return redirect(url_for(".mail"), 303)
    found.failed_at, found.smtp_reply = None, ""
    audit.record(current_user.id, "mail_retry", "outbox", found.id)
    db.session.commit()
    outbox.enqueue([found.id])
    flash(_("The mail is queued again."), "ok")
    return redirect(url_for(".mail"), 303)
