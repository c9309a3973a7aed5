"""Who reaches a private item, on every route about one item: the routes come from `app.url_map` (every rule
with `<number>`), each parameter filled from a real letter with a stored attachment, and each is requested by
every reader of ARCHITECTURE's access section. A new route joins the matrix by existing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app import clock
from app.accounts.models import Role
from app.extensions import db
from app.kinds import Kind
from signals.models import Attachment
from signals import gate

LOGIN = "login"
HIDDEN = "404"
ALLOWED = "allowed"
# The expected table, written from ARCHITECTURE.md ("Access"), never imported from the code.
EXPECTED = {
    "anonymous": LOGIN, "token holder of another item": LOGIN,
    "another resident": HIDDEN, "staff of another department": HIDDEN, "manager of another department": HIDDEN,
    "operator who did not register it": HIDDEN,
    "filer": ALLOWED, "staff of the routed department": ALLOWED, "manager of the routed department": ALLOWED,
    "operator who registered it": ALLOWED, "admin": ALLOWED,
}


@pytest.fixture
def world(app, db_session, create_signal, create_user, create_category, create_department):
    letters = create_category(Kind.letter)
    routed = letters.department
    elsewhere = create_department()
    operator = create_user(Role.operator)
    filer = create_user()
    letter = create_signal(Kind.letter, user=filer, category=letters, registered_by=operator, point=None)
    upload_dir = Path(app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    (upload_dir / f"matrix-{letter.id}.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    attachment = Attachment(signal_id=letter.id, filename="scan.jpg", content_type="image/jpeg", size=20,
                            storage_key=f"matrix-{letter.id}.jpg", sha256="0" * 64, approved=True,
                            created_at=clock.now())
    db.session.add(attachment)
    public = create_signal(Kind.problem)                        # its filer token is "another item's"
    db.session.flush()
    readers = {
        "another resident": create_user(), "staff of another department": create_user(Role.staff, department=elsewhere),
        "manager of another department": create_user(Role.staff, department=elsewhere, manager=True),
        "operator who did not register it": create_user(Role.operator), "filer": filer,
        "staff of the routed department": create_user(Role.staff, department=routed),
        "manager of the routed department": create_user(Role.staff, department=routed, manager=True),
        "operator who registered it": operator, "admin": create_user(Role.admin)}
    for user in readers.values():
        user.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"      # two-factor on: the console's precondition
    return {"letter": letter, "attachment": attachment, "public": public, "readers": readers}


def _item_paths(app, number: str, attachment_id: int) -> list[str]:
    """Every GET rule with <number>, filled from the letter."""
    paths = []
    for rule in app.url_map.iter_rules():
        if "number" in rule.arguments and "GET" in rule.methods:
            values = {"number": number, "attachment_id": attachment_id, "photo_id": attachment_id}
            missing = set(rule.arguments) - set(values)
            assert not missing, f"{rule.rule}: fill {missing} from the item in this test"
            paths.append(re.sub(r"<(?:[a-z]+:)?(\w+)>", lambda m: str(values[m.group(1)]), rule.rule))
    return paths


def _client(app, login_as, world, reader: str):
    if reader == "anonymous":
        return app.test_client()
    if reader == "token holder of another item":
        client = app.test_client()
        from signals import tokens

        token = tokens.current(world["public"])
        client.get(f"/signals/{world['public'].number}?t={token}")        # the item-scoped cookie
        return client
    return login_as(world["readers"][reader])


def _outcome(response, number: str) -> str:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/account/login?next="):
        return LOGIN
    if response.status_code == 404:
        return HIDDEN
    if response.status_code == 200 or (response.status_code in (302, 303) and location.split("?")[0].startswith(
            (f"/signals/{number}", f"/console/signals/{number}"))):
        return ALLOWED                 # the page, or a redirect to the item's own page or download
    return f"{response.status_code} {location}"


@pytest.mark.parametrize("reader", list(EXPECTED))
def test_every_item_route_answers_each_reader_as_the_access_table_says(app, world, login_as, reader):
    letter = world["letter"]
    paths = _item_paths(app, letter.number, world["attachment"].id)
    assert any(p.endswith(letter.number) for p in paths) and len(paths) >= 3
    client = _client(app, login_as, world, reader)
    seen = {path: _outcome(client.get(path), letter.number) for path in paths}
    assert seen == {path: _expected(reader, path) for path in paths}


def _expected(reader: str, path: str) -> str:
    """The table; the console is staff's only, so its pages hide the item from its filer too."""
    if path.startswith("/console") and reader == "filer":
        return HIDDEN
    return EXPECTED[reader]


@pytest.mark.parametrize("reader", ["anonymous", "token holder of another item"])
def test_a_missing_private_number_gets_the_byte_identical_login_redirect(app, world, login_as, reader):
    letter = world["letter"]
    missing = letter.number[:-6] + "999999"
    for existing_path, missing_path in zip(_item_paths(app, letter.number, world["attachment"].id),
                                           _item_paths(app, missing, world["attachment"].id)):
        client = _client(app, login_as, world, reader)
        there, absent = client.get(existing_path), client.get(missing_path)
        assert there.status_code == absent.status_code == 302
        assert there.get_data() == absent.get_data().replace(missing.encode(), letter.number.encode())
        assert there.headers["Location"].replace(letter.number, missing) == absent.headers["Location"]


def test_a_route_about_one_item_outside_the_gate_fails_this_matrix(app):
    ungated = [rule.rule for rule in app.url_map.iter_rules() if "number" in rule.arguments
               and not getattr(app.view_functions[rule.endpoint], gate.GATED, None)]
    assert ungated == []


def _post_paths(app, number: str) -> list[str]:
    """Every POST rule with <number> (answer a clarification, "me too", any later form), filled from the letter."""
    return [re.sub(r"<(?:[a-z]+:)?number>", number, rule.rule) for rule in app.url_map.iter_rules()
            if "number" in rule.arguments and "POST" in rule.methods and set(rule.arguments) == {"number"}]


@pytest.mark.parametrize("reader", [reader for reader, outcome in EXPECTED.items() if outcome != ALLOWED]
                         + ["filer"])
def test_every_form_about_an_item_refuses_those_who_may_not_see_it(app, world, login_as, reader):
    from tests.signals.formhelpers import form_token

    letter = world["letter"]
    paths = _post_paths(app, letter.number)
    assert any(path.endswith("/clarification") for path in paths)
    client = _client(app, login_as, world, reader)
    token = form_token(client, "/signals/new")                       # the client's own, valid CSRF token
    seen = {path: _outcome(client.post(path, data={"csrf_token": token}), letter.number) for path in paths}
    if reader == "filer":
        assert all((outcome == HIDDEN) if path.startswith("/console") else outcome not in (LOGIN, HIDDEN)
                   for path, outcome in seen.items()), seen
    else:
        assert seen == {path: EXPECTED[reader] for path in paths}
