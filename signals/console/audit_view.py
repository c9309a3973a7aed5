"""/console/audit: a department's audit log for its managers (and admins) — who did what to which of the
department's items, and who read its private items, newest first."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import Role, User
from app.audit import AuditEntry
from app.extensions import db
from app.web.errors import error_response
from app.web.fields import whole_number
from signals.console.guard import console_page, departments_of
from signals.models import Signal

bp = Blueprint("console_audit", __name__, url_prefix="/console")
PAGE = 50
NO_STORE = {"Cache-Control": "private, no-store"}


def managed(user: User) -> list:
    """The departments whose audit the user may read: those they manage (every one for an admin)."""
    return [d for d in departments_of(user) if user.role == Role.admin or user.manages(d.id)]


@bp.get("/audit")
@console_page
def audit():
    """The audit entries about the items of one managed department, 50 a page."""
    departments = managed(current_user)
    chosen = next((d for d in departments if str(d.id) == request.args.get("department")), None)
    department = chosen or (departments[0] if departments else None)
    if department is None:
        return error_response(404, "not_found", _("There is no such page."))
    page = min(whole_number(request.args.get("page"), 1, 99_999) or 1, 10_000)
    rows = db.session.execute(
        select(AuditEntry, Signal.number, User).join(Signal, Signal.id == AuditEntry.object_id)
        .outerjoin(User, User.id == AuditEntry.actor_id)
        .where(AuditEntry.object_type == "signal", Signal.department_id == department.id)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset((page - 1) * PAGE).limit(PAGE + 1)).all()
    return render_template("console/audit.html", rows=rows[:PAGE], more=len(rows) > PAGE, page=page,
                           department=department, departments=departments), 200, NO_STORE
