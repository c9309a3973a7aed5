"""The access table, written from ARCHITECTURE.md "Access" as a literal (never imported from the code),
and the promise that `visible` selects exactly what `can(…, "view", …)` allows, for every role."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.accounts.models import Role, User
from app.departments.models import Category, Department, Membership, RoutingRule
from app.extensions import db
from app.kinds import Kind
from signals import access, services, workflow
from signals.models import HiddenReason, Signal
from signals.routing import Place

Y, N = True, False
ACTIONS = ["view_status_card", "view", "view_filer_contact", "view_internal_updates", "download_attachment", "reply_as_filer",
           "act_as_staff", "manage", "moderate"]
# role -> action -> (on a public item, on an item of a public kind not shown — held, unapproved or hidden —, on an
# item of a private kind). Moderators (admins, operators, managers of the triage department) see and moderate
# every item of a public kind, whichever department it is routed to, and nothing more of private kinds.
EXPECTED = {
    "anonymous":           {"view_status_card": (Y, Y, Y), "view": (Y, N, N), "view_filer_contact": (N, N, N),
                            "view_internal_updates": (N, N, N), "download_attachment": (N, N, N),
                            "reply_as_filer": (N, N, N), "act_as_staff": (N, N, N), "manage": (N, N, N),
                            "moderate": (N, N, N)},
    "token_holder":        {"view_status_card": (Y, Y, Y), "view": (Y, Y, Y), "view_filer_contact": (Y, Y, Y),
                            "view_internal_updates": (N, N, N), "download_attachment": (Y, Y, Y),
                            "reply_as_filer": (Y, Y, Y), "act_as_staff": (N, N, N), "manage": (N, N, N),
                            "moderate": (N, N, N)},
    "filer":               {"view_status_card": (Y, Y, Y), "view": (Y, Y, Y), "view_filer_contact": (Y, Y, Y),
                            "view_internal_updates": (N, N, N), "download_attachment": (Y, Y, Y),
                            "reply_as_filer": (Y, Y, Y), "act_as_staff": (N, N, N), "manage": (N, N, N),
                            "moderate": (N, N, N)},
    "other_resident":      {"view_status_card": (Y, Y, Y), "view": (Y, N, N), "view_filer_contact": (N, N, N),
                            "view_internal_updates": (N, N, N), "download_attachment": (N, N, N),
                            "reply_as_filer": (N, N, N), "act_as_staff": (N, N, N), "manage": (N, N, N),
                            "moderate": (N, N, N)},
    "staff":               {"view_status_card": (Y, Y, Y), "view": (Y, Y, Y), "view_filer_contact": (Y, Y, Y),
                            "view_internal_updates": (Y, Y, Y), "download_attachment": (Y, Y, Y),
                            "reply_as_filer": (N, N, N), "act_as_staff": (Y, Y, Y), "manage": (N, N, N),
                            "moderate": (N, N, N)},
    "manager":             {"view_status_card": (Y, Y, Y), "view": (Y, Y, Y), "view_filer_contact": (Y, Y, Y),
                            "view_internal_updates": (Y, Y, Y), "download_attachment": (Y, Y, Y),
                            "reply_as_filer": (N, N, N), "act_as_staff": (Y, Y, Y), "manage": (Y, Y, Y),
                            "moderate": (N, N, N)},
    "other_staff":         {"view_status_card": (Y, Y, Y), "view": (Y, N, N), "view_filer_contact": (N, N, N),
                            "view_internal_updates": (N, N, N), "download_attachment": (N, N, N),
                            "reply_as_filer": (N, N, N), "act_as_staff": (N, N, N), "manage": (N, N, N),
                            "moderate": (N, N, N)},
    "triage_manager":      {"view_status_card": (Y, Y, Y), "view": (Y, Y, N), "view_filer_contact": (N, N, N),
                            "view_internal_updates": (N, N, N), "download_attachment": (N, N, N),
                            "reply_as_filer": (N, N, N), "act_as_staff": (N, N, N), "manage": (N, N, N),
                            "moderate": (Y, Y, N)},
    "operator_registered": {"view_status_card": (Y, Y, Y), "view": (Y, Y, Y), "view_filer_contact": (Y, Y, Y),
                            "view_internal_updates": (Y, Y, Y), "download_attachment": (Y, Y, Y),
                            "reply_as_filer": (N, N, N), "act_as_staff": (Y, Y, Y), "manage": (N, N, N),
                            "moderate": (Y, Y, N)},
    "other_operator":      {"view_status_card": (Y, Y, Y), "view": (Y, Y, N), "view_filer_contact": (N, N, N),
                            "view_internal_updates": (N, N, N), "download_attachment": (N, N, N),
                            "reply_as_filer": (N, N, N), "act_as_staff": (N, N, N), "manage": (N, N, N),
                            "moderate": (Y, Y, N)},
    "admin":               {"view_status_card": (Y, Y, Y), "view": (Y, Y, Y), "view_filer_contact": (Y, Y, Y),
                            "view_internal_updates": (Y, Y, Y), "download_attachment": (Y, Y, Y),
                            "reply_as_filer": (N, N, N), "act_as_staff": (Y, Y, Y), "manage": (Y, Y, Y),
                            "moderate": (Y, Y, N)},
}
PUBLIC, WITHHELD, PRIVATE = 0, 1, 2


def _user(email: str, role: Role, department: Department | None = None, manager: bool = False) -> User:
    user = User(email=email, role=role)
    db.session.add(user)
    db.session.flush()
    if department is not None:
        db.session.add(Membership(user_id=user.id, department_id=department.id, is_manager=manager))
    return user


@pytest.fixture
def world(committed):
    """One committed item per kind and state (plus held and hidden public items), and one reader per role."""
    triage = Department(code="CC", name_bg="Контактен център", is_triage=True)
    routed, other = Department(code="ROUTED", name_bg="Отдел А"), Department(code="OTHER", name_bg="Отдел Б")
    db.session.add_all([triage, routed, other])
    db.session.flush()
    people = {
        "filer": _user("filer@example.org", Role.resident),
        "other_resident": _user("other@example.org", Role.resident),
        "staff": _user("staff@example.org", Role.staff, routed),
        "manager": _user("manager@example.org", Role.staff, routed, manager=True),
        "other_staff": _user("staff2@example.org", Role.staff, other),
        "triage_manager": _user("triage.manager@example.org", Role.staff, triage, manager=True),
        "operator_registered": _user("operator@example.org", Role.operator),
        "other_operator": _user("operator2@example.org", Role.operator),
        "admin": _user("admin@example.org", Role.admin),
    }
    items: list[tuple[int, int]] = []  # (id, PUBLIC, WITHHELD or PRIVATE)
    for kind in Kind:
        category = Category(code=f"c-{kind.value}", kind=kind, department=routed, name_bg=kind.value)
        db.session.add(category)
        db.session.flush()
        db.session.add(RoutingRule(category_id=category.id, department_id=routed.id))
        variants = [("normal", None)]
        if kind.is_public:
            variants += [("held", None), ("hidden", HiddenReason.spam)]
        for variant, reason in variants:
            for status in sorted(workflow.statuses_of(kind), key=lambda s: s.value):
                data = services.SignalInput(category=category, title="t", place=Place(lon=23.3265, lat=42.6945),
                                            held=(variant == "held"))
                signal = services.register(kind, data, people["filer"],
                                           registered_by=people["operator_registered"]).signal
                if kind == Kind.question and variant != "held":
                    signal.text_approved = True
                for step in workflow.path_to(kind, status):
                    services.change_status(signal, step, people["staff"],
                                           note="причина" if step in services.NEEDS_REASON else "")
                signal.hidden, signal.hidden_reason = reason is not None, reason
                db.session.flush()
                items.append((signal.id, PUBLIC if kind.is_public and variant == "normal"
                               else WITHHELD if kind.is_public else PRIVATE))
    db.session.commit()
    for user in people.values():
        db.session.refresh(user)
    return people, items


def _reader(role: str, people: dict) -> tuple[object, list[int]]:
    if role in ("anonymous", "token_holder"):
        return None, []
    return people[role], []


@pytest.mark.parametrize("role", list(EXPECTED))
def test_can_matches_the_table_and_visible_matches_can(role, world):
    people, items = world
    user, _ = _reader(role, people)
    signals = {s.id: s for s in db.session.scalars(select(Signal))}
    for item_id, column in items:
        tokens = {item_id} if role == "token_holder" else set()
        for action in ACTIONS:
            expected = EXPECTED[role][action][column]
            assert access.can(user, action, signals[item_id], tokens=tokens) is expected, (role, action, item_id)
    # visible(): for the token holder, one token per item in turn and all at once
    token_sets = [{i} for i, _ in items] + [{i for i, _ in items}] if role == "token_holder" else [set()]
    for tokens in token_sets:
        selected = set(db.session.scalars(select(Signal.id).where(access.visible(user, tokens=tokens))))
        allowed = {i for i, _ in items if access.can(user, "view", signals[i], tokens=tokens)}
        assert selected == allowed, role


def test_public_signals_are_approved_unhidden_public_kinds(world):
    _, items = world
    public_ids = set(db.session.scalars(access.public_signals().with_only_columns(Signal.id)))
    assert public_ids == {i for i, column in items if column == PUBLIC}
    assert public_ids, "the world holds public items"


# A private letter routed to the triage department and registered by nobody: operators are its members and have
# staff rights on it while it is there (ARCHITECTURE "Access", issue 13), and so has the triage department's own
# staff (its manager here); nobody moderates a private kind. Written as a literal too.
TRIAGE_EXPECTED = {
    "anonymous":           dict(view=N, view_filer_contact=N, view_internal_updates=N, download_attachment=N,
                                reply_as_filer=N, act_as_staff=N, manage=N, moderate=N),
    "filer":               dict(view=Y, view_filer_contact=Y, view_internal_updates=N, download_attachment=Y,
                                reply_as_filer=Y, act_as_staff=N, manage=N, moderate=N),
    "other_resident":      dict(view=N, view_filer_contact=N, view_internal_updates=N, download_attachment=N,
                                reply_as_filer=N, act_as_staff=N, manage=N, moderate=N),
    "staff":               dict(view=N, view_filer_contact=N, view_internal_updates=N, download_attachment=N,
                                reply_as_filer=N, act_as_staff=N, manage=N, moderate=N),
    "manager":             dict(view=N, view_filer_contact=N, view_internal_updates=N, download_attachment=N,
                                reply_as_filer=N, act_as_staff=N, manage=N, moderate=N),
    "triage_manager":      dict(view=Y, view_filer_contact=Y, view_internal_updates=Y, download_attachment=Y,
                                reply_as_filer=N, act_as_staff=Y, manage=Y, moderate=N),
    "operator_registered": dict(view=Y, view_filer_contact=Y, view_internal_updates=Y, download_attachment=Y,
                                reply_as_filer=N, act_as_staff=Y, manage=N, moderate=N),
    "other_operator":      dict(view=Y, view_filer_contact=Y, view_internal_updates=Y, download_attachment=Y,
                                reply_as_filer=N, act_as_staff=Y, manage=N, moderate=N),
    "admin":               dict(view=Y, view_filer_contact=Y, view_internal_updates=Y, download_attachment=Y,
                                reply_as_filer=N, act_as_staff=Y, manage=Y, moderate=N),
}


@pytest.mark.parametrize("role", list(TRIAGE_EXPECTED))
def test_operators_have_staff_rights_while_an_item_is_routed_to_triage(role, world):
    people, _ = world
    triage = db.session.scalar(select(Department).where(Department.is_triage.is_(True)))
    category = Category(code="c-triage-letter", kind=Kind.letter, department=triage, name_bg="писмо до центъра")
    db.session.add(category)
    db.session.flush()
    letter = services.register(Kind.letter, services.SignalInput(category=category, title="t"),
                               people["filer"]).signal
    assert letter.department_id == triage.id and letter.registered_by_id is None
    user = people.get(role)
    seen = {action: access.can(user, action, letter) for action in TRIAGE_EXPECTED[role]}
    assert seen == TRIAGE_EXPECTED[role]
    assert (letter.id in set(db.session.scalars(select(Signal.id).where(access.visible(user))))) \
        is TRIAGE_EXPECTED[role]["view"]
    db.session.rollback()
