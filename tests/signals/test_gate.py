"""The item gate: every route with <number> in app.url_map passes it, and the faults it closes, from outside."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from flask import url_for

from app.kinds import Kind
from signals.models import HiddenReason
from signals.services import moderation
from signals.gate import GATED
from tests.fixtures.database import statements_run
from tests.signals.formhelpers import form_token

# Query arguments that url_for would treat as its own (_external, _method, …) or that clash with the route's.
HOSTILE = {"number": "x", "_method": "POST", "_external": "1", "_scheme": "https", "_anchor": "top",
           "attachment_id": "9", "t": "not-a-token", "utm_source": "mail"}


def number_rules(app):
    """Every URL rule about one item that an anonymous visitor reaches (the console's send them to log in before
    any lookup: see the test below)."""
    return [rule for rule in app.url_map.iter_rules() if "number" in rule.arguments
            and not rule.rule.startswith("/console")]


def test_every_console_rule_about_an_item_sends_an_anonymous_visitor_to_log_in_before_any_lookup(app, client,
                                                                                                create_signal):
    existing = create_signal(Kind.problem).number
    rules = [rule for rule in app.url_map.iter_rules() if "number" in rule.arguments
             and rule.rule.startswith("/console")]
    assert rules
    for rule in rules:
        answers = []
        for number in (existing, existing[:-6] + "999999", "hello"):
            response = call(client, rule, url(app, rule, number))
            assert response.status_code == 302, (rule.rule, number)
            answers.append((response.status_code, response.headers.get("Location", "").split("?")[0]))
        assert len(set(answers)) == 1, (rule.rule, answers)          # the same answer whether it exists or not


def spellings(number: str) -> list[str]:
    """Ways a person types a number: case, spaces, another dash, Cyrillic code, no leading zeros."""
    code, year, serial = number.split("-")
    cyrillic = {"SG": "СГ", "QN": "ЯН"}[code]
    typed = [f"{code.lower()} {year} {int(serial)}", f"{code}\u2013{year}\u2014{serial}", f"{cyrillic}-{year}-{serial}",
             f"{code}{year}{serial}", f"{code}-{year}-{int(serial)}", f"{code}\u2212{year}\u00ad-{serial}"]
    return [t for t in typed if t != number]


def url(app, rule, number: str) -> str:
    values = {"number": number, "attachment_id": 1}
    with app.test_request_context():
        return url_for(rule.endpoint, **{k: v for k, v in values.items() if k in rule.arguments})


def call(client, rule, path: str, **kwargs):
    """A GET for pages, a POST with the session's CSRF token for routes that only take POST (e.g. support)."""
    if "GET" in rule.methods:
        return client.get(path, **kwargs)
    return client.post(path, headers={"X-CSRFToken": form_token(client), **kwargs.pop("headers", {})}, **kwargs)


def redirect_code(rule) -> int:
    """The gate keeps a POST a POST on its way to the canonical URL."""
    return 302 if "GET" in rule.methods else 307


def test_every_route_about_one_item_is_gated(app):
    rules = number_rules(app)
    assert {r.rule for r in rules} >= {"/signals/<number>", "/signals/<number>/registered",
                                       "/signals/<number>/photos/<int:attachment_id>"}
    ungated = [r.rule for r in rules if not getattr(app.view_functions[r.endpoint], GATED, None)]
    assert ungated == []


def test_any_spelling_redirects_to_the_canonical_number_keeping_only_whitelisted_arguments(app, client,
                                                                                          create_signal):
    existing = create_signal(Kind.problem).number
    missing = existing[:-6] + "999999"
    for rule in number_rules(app):
        for number in (existing, missing):      # whether a redirect happens never depends on existence
            for typed in spellings(number):
                response = call(client, rule, url(app, rule, typed), query_string=HOSTILE)
                assert response.status_code == redirect_code(rule), (rule.rule, typed)
                location = urlsplit(response.headers["Location"])
                assert not location.scheme and not location.netloc, response.headers["Location"]
                assert location.path == url(app, rule, number)
                assert set(parse_qs(location.query)) <= {"t"}


def test_hostile_arguments_on_the_canonical_url_never_give_a_500(app, client, create_signal):
    number = create_signal(Kind.problem).number
    for rule in number_rules(app):
        for query in ({"number": "x"}, {"_method": "POST"}, {"_external": "1"}, {"t": "\x00"}, HOSTILE):
            response = call(client, rule, url(app, rule, number), query_string=query)
            assert response.status_code in (200, 302, 303, 307, 400, 404), (rule.rule, query, response.status_code)
            if response.status_code in (302, 303, 307):
                assert response.headers["Location"].startswith("/signals/" + number)


@pytest.mark.parametrize("typed", ["SG-2026-999999", "hello", "SG-2026-000001\x00", "X" * 500, "%00", "SG-0000-0"])
def test_unknown_or_impossible_numbers_are_a_friendly_404(app, client, typed):
    client.set_cookie("lang", "en")
    for rule in number_rules(app):
        response = call(client, rule, url(app, rule, typed))
        assert response.status_code == 404, (rule.rule, typed)
        page = response.get_data(as_text=True)
        assert "that you may see" in page and 'role="search"' in page


def test_a_forged_host_gets_400_on_every_route(app, client, create_signal):
    number = create_signal(Kind.problem).number
    values = {"number": number, "attachment_id": 1, "photo_id": 1, "place_id": 1, "locale": "bg", "name": "city", "code": "en",
              "package": "leaflet", "filename": "leaflet.js", "message_id": 1}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        with app.test_request_context():
            path = url_for(rule.endpoint, **{k: v for k, v in values.items() if k in rule.arguments})
        assert b"bad_host" not in client.get(path).data, rule.rule      # the real host is served …
        forged = client.get(path, headers={"Host": "evil.example"}, query_string={"_external": "1"})
        assert forged.status_code == 400 and b"bad_host" in forged.data, rule.rule   # … a forged one never
        assert "evil.example" not in forged.headers.get("Location", "")


def test_the_confirmation_shows_a_stranger_nothing_of_the_filing(app, client, create_signal, create_user):
    item = create_signal(Kind.problem, email="filer@example.org", held=True)
    stranger = app.test_client()
    stranger.set_cookie("lang", "en")
    response = stranger.get(f"/signals/{item.number}/registered")
    assert response.status_code == 302 and response.headers["Location"] == f"/signals/{item.number}"
    card = stranger.get(response.headers["Location"]).get_data(as_text=True)
    assert item.number in card and "awaits review" in card
    for private in (item.department.name_bg, item.department.name_en, "email", item.title):
        assert private not in card


def test_a_hidden_item_shows_only_its_card_and_reason(client, create_signal):
    item = create_signal(Kind.problem)
    moderation.hide(item, HiddenReason.offensive, None)
    page = client.get(f"/signals/{item.number}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Hidden by a moderator" in page and "offensive" in page and item.title not in page
    assert client.get(f"/signals/{item.number}/registered").status_code == 302


def test_staff_reads_of_a_private_item_are_audited_and_nobody_elses(app, db_session, create_signal, create_user,
                                                                    login_as):
    from sqlalchemy import select

    from app.accounts.models import Role
    from app.audit import AuditEntry

    resident = create_user(Role.resident)
    letter = create_signal(Kind.letter, user=resident, point=None)
    problem = create_signal(Kind.problem)
    staff = create_user(Role.staff, department=letter.department)
    readers = {"filer": resident, "staff": staff, "admin": create_user(Role.admin),
               "other_staff": create_user(Role.staff, department=problem.department)}
    def fetch(user, path: str) -> int:
        return login_as(user).get(path).status_code

    seen = {name: fetch(user, f"/signals/{letter.number}") for name, user in readers.items()}
    fetch(staff, f"/signals/{problem.number}")
    assert seen == {"filer": 200, "staff": 200, "admin": 200, "other_staff": 404}
    rows = db_session.execute(select(AuditEntry.actor_id, AuditEntry.action, AuditEntry.object_id)
                              .where(AuditEntry.action.like("read:%"))).all()
    assert sorted(rows) == sorted([(staff.id, "read:items.item", letter.id),
                                   (readers["admin"].id, "read:items.item", letter.id)])


def test_the_canonical_redirect_happens_before_any_lookup(app, client, create_signal):
    number = create_signal(Kind.problem).number
    with statements_run() as statements:
        response = client.get(f"/signals/{number.lower()}")
    assert response.status_code == 302 and not [s for s in statements if "signals" in s]


def test_an_anonymous_reader_of_a_private_number_is_sent_to_log_in_whether_or_not_it_exists(
        app, client, create_signal, create_user, login_as):
    letter = create_signal(Kind.letter, user=create_user(), point=None)
    missing = letter.number[:-1] + ("9" if letter.number[-1] != "9" else "8")
    for number in (letter.number, missing):
        response = client.get(f"/signals/{number}")
        assert response.status_code == 302
        assert response.headers["Location"] == f"/account/login?next=/signals/{number}"
    stranger = login_as(create_user())
    assert stranger.get(f"/signals/{letter.number}").status_code == 404
    assert client.get("/signals/SG-2026-999999").status_code == 404             # a public kind: the 404 as before
