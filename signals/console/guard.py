"""Who enters the console: staff (members of departments; managers among them), contact-centre operators
(members of the triage department) and admins, each with two-factor turned on before the first console page.
Everyone else: an anonymous visitor is sent to log in, a resident gets 404. Pages about one item pass the item
gate (signals.gate) inside this guard, so staff of another department get the same 404 as a stranger. Moderation
pages are for moderators only (signals.access.may_moderate decides)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.accounts.models import Role, User
from app.departments.models import Department
from app.extensions import db, login_manager
from app.web.errors import error_response
from signals.access import may_moderate

CONSOLE_ROLES = frozenset({Role.staff, Role.operator, Role.admin})


def console_page(view: Callable) -> Callable:
    """Guard a console view: logged in, a console role, two-factor on."""

    @functools.wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role not in CONSOLE_ROLES:
            return error_response(404, "not_found", _("There is no such page."))
        if not current_user.two_factor:
            flash(_("The console needs two-factor authentication: turn it on first."))
            return redirect(url_for("account.two_factor_on", next=request.full_path.rstrip("?")), 303)
        return view(*args, **kwargs)

    return guarded


def departments_of(user: User) -> list[Department]:
    """The inboxes a console user works in: their departments; the triage department for operators; every active
    department for admins (sorted by name)."""
    query = select(Department).where(Department.active.is_(True)).order_by(Department.name_bg)
    if user.role == Role.operator:
        query = query.where(Department.is_triage.is_(True))
    elif user.role != Role.admin:
        query = query.where(Department.id.in_(sorted(user.department_ids()) or [-1]))
    return list(db.session.scalars(query))


def manages_any(user: User) -> bool:
    """Whether the user may assign and reroute in some inbox (a manager, or an admin)."""
    return user.role == Role.admin or any(m.is_manager for m in user.memberships)


def moderation_page(view: Callable) -> Callable:
    """Guard a moderation view: a console page (console_page) for moderators only (signals.access.may_moderate:
    admins, operators, managers of the triage department); anyone else gets the console's 404."""

    @functools.wraps(view)
    def moderators_only(*args, **kwargs):
        if not may_moderate(current_user):
            return error_response(404, "not_found", _("There is no such page."))
        return view(*args, **kwargs)

    return console_page(moderators_only)
