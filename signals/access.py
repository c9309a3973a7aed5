"""Who may do what with an item: `can` for one item, `visible` as the SQL predicate for lists.

For every user, `visible(user)` selects exactly the items `can(user, "view", item)`
allows; public readers go through `public_signals()`. A filer without an account
proves filer rights with the item's token, passed here as the set of item ids
whose token the request holds. Every route about one item asks through the gate
(signals/gate.py), and every refusal is answered by `refuse()`.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from flask import Response, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select, and_, false, or_, select, true

from app import audit
from app.accounts.models import Role, User
from app.departments.models import Department
from app.kinds import KIND_BY_CODE, PUBLIC_KINDS
from app.web.errors import error_response
from signals.models import Signal

ACTIONS = ("view_status_card", "view", "view_filer_contact", "view_internal_updates", "download_attachment",
           "reply_as_filer", "act_as_staff", "manage", "moderate")
STAFF_ROLES = frozenset({Role.staff, Role.operator, Role.admin})


def _known(user) -> User | None:
    """The user if logged in, else None (anonymous visitors and Flask-Login's anonymous user)."""
    return user if isinstance(user, User) and user.is_authenticated else None


def is_public(item: Signal) -> bool:
    """Whether everyone may see the item: a public kind, approved, not hidden."""
    return item.kind in PUBLIC_KINDS and item.text_approved and not item.hidden


def may_moderate(user) -> bool:
    """Who moderates public items (approve, hide, unhide, the hold, the blocklist): admins, contact-centre
    operators and managers of the triage department."""
    user = _known(user)
    if user is None:
        return False
    if user.role in (Role.admin, Role.operator):
        return True
    return user.role == Role.staff and any(m.is_manager and m.department.is_triage for m in user.memberships)


def _relations(user: User | None, item: Signal, tokens: Collection[int]) -> set[str]:
    """How the reader stands to the item: filer, staff, manager, registrar, moderator, admin. Operators are members
    of the triage department: staff of every item while it is routed there. Moderators stand so to every item of a
    public kind, whichever department it is routed to."""
    relations = set()
    if item.id is not None and item.id in tokens:
        relations.add("filer")
    if user is None:
        return relations
    if item.user_id is not None and item.user_id == user.id:
        relations.add("filer")
    if user.role == Role.admin:
        relations.add("admin")
    if user.role == Role.staff and item.department_id in user.department_ids():
        relations.add("staff")
        if user.manages(item.department_id):
            relations.add("manager")
    if user.role == Role.operator:
        if item.registered_by_id == user.id:
            relations.add("registrar")
        if item.department is not None and item.department.is_triage:
            relations.add("staff")
    if item.kind in PUBLIC_KINDS and may_moderate(user):
        relations.add("moderator")
    return relations


# Which relations grant each action (beyond "view" of a public item, which everyone has, and the
# status card of any item: number, date, kind, status, due date, as /track shows it).
GRANTS = {
    "view_status_card": set(),
    "view": {"filer", "staff", "registrar", "moderator", "admin"},   # moderators: held and hidden public items
    "view_filer_contact": {"filer", "staff", "registrar", "admin"},
    "view_internal_updates": {"staff", "registrar", "admin"},
    "download_attachment": {"filer", "staff", "registrar", "admin"},
    "reply_as_filer": {"filer"},
    "act_as_staff": {"staff", "registrar", "admin"},
    "manage": {"manager", "admin"},          # assign, reroute, the department's audit
    "moderate": {"moderator"},               # approve texts and photos, hide, unhide (public kinds only)
}


def can(user, action: str, item: Signal, *, tokens: Collection[int] = ()) -> bool:
    """Whether the reader may take the action on the item (tokens: ids whose filer token the request holds)."""
    if action not in GRANTS:
        raise ValueError(f"unknown action {action!r}")
    if action == "view_status_card" or (action == "view" and is_public(item)):
        return True
    return bool(_relations(_known(user), item, tokens) & GRANTS[action])


def _public_predicate():
    return and_(Signal.kind.in_(sorted(PUBLIC_KINDS, key=lambda k: k.value)),
                Signal.text_approved.is_(True), Signal.hidden.is_(False))


def visible(user, *, tokens: Collection[int] = ()):
    """The SQL predicate over Signal selecting exactly what `can(user, "view", …)` allows."""
    user = _known(user)
    clauses = [_public_predicate()]
    if tokens:
        clauses.append(Signal.id.in_(list(tokens)))
    if user is not None:
        if user.role == Role.admin:
            return true()
        clauses.append(Signal.user_id == user.id)
        if user.role == Role.staff and user.department_ids():
            clauses.append(Signal.department_id.in_(sorted(user.department_ids())))
        if user.role == Role.operator:
            clauses.append(Signal.registered_by_id == user.id)
            clauses.append(Signal.department_id.in_(select(Department.id).where(Department.is_triage.is_(True))))
        if may_moderate(user):
            clauses.append(Signal.kind.in_(sorted(PUBLIC_KINDS, key=lambda k: k.value)))
    return or_(*clauses) if clauses else false()


def public_signals() -> Select:
    """The one helper public readers (map, feeds, API, home page) start from."""
    return select(Signal).where(_public_predicate())


@dataclass(frozen=True)
class Reader:
    """Who is asking about an item: the logged-in user (or None) and the ids whose filer token they hold."""

    user: User | None = None
    tokens: frozenset[int] = field(default_factory=frozenset)

    @classmethod
    def of(cls, user, tokens: Collection[int] = ()) -> "Reader":
        """The reader of a request: Flask-Login's current user (anonymous → None) and held tokens."""
        return cls(_known(user), frozenset(tokens))

    @property
    def anonymous(self) -> bool:
        """No account is logged in (a token may still be held)."""
        return self.user is None

    def can(self, action: str, item: Signal) -> bool:
        """access.can for this reader."""
        return can(self.user, action, item, tokens=self.tokens)


def record_read(reader: Reader, item: Signal, what: str) -> bool:
    """Audit a staff, operator or admin look at a private item (what: the page or download); True if recorded."""
    user = reader.user
    if user is None or user.role not in STAFF_ROLES or item.kind in PUBLIC_KINDS or item.user_id == user.id:
        return False
    if not reader.can("view", item):     # refused: nothing was read
        return False
    audit.record(user.id, f"read:{what}", "signal", item.id)
    return True


def asks_login(number: str) -> bool:
    """Whether a refusal of this number sends the reader to log in: an anonymous reader of a private kind's number,
    decided by the number's code alone, so it is the same whether the item exists."""
    kind = KIND_BY_CODE.get(number[:2])
    return not current_user.is_authenticated and kind is not None and not kind.is_public


def refuse(number: str) -> Response:
    """The one answer to a reader who may not have an item, decided by the number alone, so it is identical for a
    number that does not exist: the login page for an anonymous reader of a private kind (after login, anyone who
    may not see it gets the 404), else 404."""
    if asks_login(number):
        return redirect(url_for("account.login", next=request.full_path.rstrip("?")), 302)
    shown = number[:40]
    return error_response(404, "not_found", _("There is no item with the number “%(typed)s” that you may see.",
                                              typed=shown), number=shown)
