"""Who enters the console: permission tests generated from `app.url_map`. Every console URL of an item routed to
department B answers 404 to staff and the manager of A, a resident and an operator who did not register it, and
sends an anonymous visitor to log in; staff of B (two-factor on) are let through; two-factor comes first. The
moderation URLs (/console/moderation/…) are the moderators' — operators among them — on every public item, so the
operator meets them in tests/console/test_moderation.py instead."""

from __future__ import annotations

import re

import pytest

from app.accounts.models import Role
from app.extensions import db
from app.kinds import Kind
from tests.signals.formhelpers import form_token

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"          # two-factor on (the console's precondition)
LOGIN, HIDDEN = "login", "404"


@pytest.fixture
def world(app, db_session, create_category, create_department, create_user, create_signal):
    b_category = create_category(Kind.problem)
    department_b, department_a = b_category.department, create_department()
    item = create_signal(Kind.problem, category=b_category, email="filer@example.org")
    readers = {
        "staff of A": create_user(Role.staff, department=department_a, totp_secret=SECRET),
        "manager of A": create_user(Role.staff, department=department_a, manager=True, totp_secret=SECRET),
        "resident": create_user(totp_secret=SECRET),
        "operator who did not register it": create_user(Role.operator, totp_secret=SECRET),
        "staff of B": create_user(Role.staff, department=department_b, totp_secret=SECRET),
    }
    db.session.commit()
    return {"item": item, "readers": readers, "b": department_b}


MODERATION = "/console/moderation"


def console_paths(app, number: str, *, moderation: bool = True) -> list[tuple[str, str]]:
    """(method, path) of every console rule with <number> (without the moderation rules if asked)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/console") and "number" in rule.arguments \
                and (moderation or not rule.rule.startswith(MODERATION)):
            path = re.sub(r"<(?:[a-z]+:)?number>", number, rule.rule)
            found += [(method, path) for method in ("GET", "POST") if method in rule.methods]
    return found


def _outcome(response) -> str:
    if response.status_code == 302 and response.headers["Location"].startswith("/account/login"):
        return LOGIN
    return HIDDEN if response.status_code == 404 else str(response.status_code)


def _request(client, method: str, path: str, token: str):
    return client.get(path) if method == "GET" else client.post(path, data={"csrf_token": token, "body": "x",
                                                                             "question": "x", "status": "closed"})


@pytest.mark.parametrize("reader", ["anonymous", "staff of A", "manager of A", "resident",
                                    "operator who did not register it"])
def test_every_console_url_of_an_item_refuses_whoever_is_not_its_staff(app, world, login_as, reader):
    moderator = reader == "operator who did not register it"          # a moderator of every public item
    paths = console_paths(app, world["item"].number, moderation=not moderator)
    assert ("GET", f"/console/signals/{world['item'].number}") in paths and len(paths) >= 6
    assert moderator or any(path.startswith(MODERATION) for _, path in paths)
    client = app.test_client() if reader == "anonymous" else login_as(world["readers"][reader])
    token = form_token(client, "/signals/new")                   # the client's own valid CSRF token
    before = len(world["item"].updates)
    seen = {(method, path): _outcome(_request(client, method, path, token)) for method, path in paths}
    expected = LOGIN if reader == "anonymous" else HIDDEN
    assert seen == {key: expected for key in paths}
    db.session.refresh(world["item"])
    assert world["item"].assignee_id is None and len(world["item"].updates) == before     # nothing written


def test_staff_of_the_routed_department_are_let_through(app, world, login_as):
    client = login_as(world["readers"]["staff of B"])
    page = client.get(f"/console/signals/{world['item'].number}")
    assert page.status_code == 200 and world["item"].number in page.get_data(as_text=True)
    assert client.get("/console").status_code == 200


def test_the_console_asks_for_two_factor_first_and_a_resident_gets_404(app, world, create_user, login_as):
    plain = login_as(create_user(Role.staff, department=world["b"]))
    response = plain.get("/console")
    assert response.status_code == 303 and response.headers["Location"].startswith("/account/two-factor")
    assert login_as(world["readers"]["resident"]).get("/console").status_code == 404
    assert app.test_client().get("/console").headers["Location"].startswith("/account/login")
