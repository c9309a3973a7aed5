"""The moderators' desk in the console, from outside: the queue of waiting texts and photos, approve, hide with a
reason and show again, the hold switch, the blocklist of addresses (and its effect on a public report), the same
services from `flask moderate`, and a 404 on every moderation URL for whoever does not moderate (the URLs come from
`app.url_map`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app import clock
from app.accounts.models import Role
from app.audit import AuditEntry
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from signals.models import Attachment, BlockedAddress, HiddenReason, Signal
from signals.services import blocklist, moderation
from signals.services.errors import InvalidInput
from tests.console.test_console_access import SECRET
from tests.signals.formhelpers import form_tokens, jpeg, report

LOGIN, HIDDEN = "login", "404"
QUEUE, HIDDEN_LIST, BLOCKLIST = "/console/moderation", "/console/moderation/hidden", "/console/moderation/blocklist"


def _photo(app, item: Signal, *, approved: bool = False) -> Attachment:
    """A stored JPEG photo of the item."""
    upload_dir = Path(app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    key = f"moderation-{item.id}-{approved}.jpg"
    (upload_dir / key).write_bytes(jpeg())
    photo = Attachment(signal_id=item.id, filename=f"{item.number}-1.jpg", content_type="image/jpeg", size=600,
                       storage_key=key, sha256="0" * 64, approved=approved, created_at=clock.now())
    db.session.add(photo)
    db.session.flush()
    return photo


@pytest.fixture
def desk(app, db_session, create_category, create_department, create_user, create_signal, triage_department):
    """Waiting, approved and hidden items routed to a department no moderator belongs to; moderators and others."""
    problems, questions = create_category(Kind.problem), create_category(Kind.question)
    routed, elsewhere = problems.department, create_department()
    filer = create_user(totp_secret=SECRET)
    with clock.frozen("2026-03-02 09:00"):
        held = create_signal(Kind.problem, category=problems, held=True, title="Сметище до реката",
                             description="Описание на сметището")
    with clock.frozen("2026-03-03 09:00"):
        question = create_signal(Kind.question, category=questions, title="Кога ще има ток?",
                                 description="Въпрос за тока")
    approved = create_signal(Kind.question, category=questions, title="Одобрен въпрос")
    approved.text_approved = True
    public = create_signal(Kind.problem, category=problems, user=filer, title="Счупена пейка")
    people = {
        "operator": create_user(Role.operator, totp_secret=SECRET),
        "admin": create_user(Role.admin, totp_secret=SECRET),
        "triage manager": create_user(Role.staff, department=triage_department, manager=True, totp_secret=SECRET),
        "resident": create_user(totp_secret=SECRET),
        "staff of an unrelated department": create_user(Role.staff, department=elsewhere, totp_secret=SECRET),
        "manager of an unrelated department": create_user(Role.staff, department=elsewhere, manager=True,
                                                          totp_secret=SECRET),
        "staff of the routed department": create_user(Role.staff, department=routed, totp_secret=SECRET),
        "triage staff (not a manager)": create_user(Role.staff, department=triage_department, totp_secret=SECRET),
        "filer": filer,
    }
    photo = _photo(app, held)
    db.session.commit()
    return {"held": held, "question": question, "approved": approved, "public": public, "photo": photo,
            "people": people}


def _fields(client, page: str, prefix: str) -> dict[str, str]:
    """The hidden fields (CSRF token, version) of one item's form on a moderation page, as served."""
    html = client.get(page).get_data(as_text=True)
    return dict(re.findall(rf'name="({re.escape(prefix)}-\w+)" type="hidden" value="([^"]*)"', html))


def _post(client, item: Signal, action: str, page: str = QUEUE, **fields):
    """Send one item's form as it is served on `page` (the queue, the hidden list, or the item found by number)."""
    prefix = f"{action}-{item.id}"
    data = {**_fields(client, page, prefix), **{f"{prefix}-{name}": value for name, value in fields.items()}}
    back = "?back=hidden" if page == HIDDEN_LIST else f"?back=found&q={item.number}" if "?q=" in page else ""
    return client.post(f"/console/moderation/{item.number}/{action}{back}", data=data)


def _found(item: Signal) -> str:
    """The desk with one item looked up by its number, typed as a person would."""
    return f"{QUEUE}?q={item.number.lower().replace('-', ' ')}"


def _english(client):
    client.set_cookie("lang", "en")
    return client


def test_the_queue_lists_waiting_texts_and_photos_oldest_first_and_not_approved_items(app, desk, login_as):
    operator = _english(login_as(desk["people"]["operator"]))
    page = operator.get(QUEUE).get_data(as_text=True)
    held, question = desk["held"], desk["question"]
    assert held.number in page and question.number in page and page.index(held.number) < page.index(question.number)
    assert held.title in page and "Описание на сметището" in page and question.title in page
    assert desk["approved"].number not in page and desk["public"].number not in page
    photo_url = f"/signals/{held.number}/photos/{desk['photo'].id}"
    assert f'src="{photo_url}"' in page and f'alt="Photo 1 of {held.number}, waiting for approval"' in page
    assert operator.get(photo_url).status_code == 200                 # a moderator outside the routed department
    assert app.test_client().get(photo_url).status_code == 404        # the public does not see it yet
    assert 'id="hold-state"' in page and "The hold is off" in page
    assert f'<option value="{HiddenReason.spam.value}">' in page and '<label for="hide-' in page


def test_the_queue_is_paginated_by_25(app, desk, login_as, create_signal):
    with clock.frozen("2026-03-02 12:00"):                     # after the held problem, before the question
        for n in range(25):
            create_signal(Kind.problem, held=True, title=f"Задържан {n}")
    db.session.commit()
    client = login_as(desk["people"]["admin"])
    first, second = client.get(QUEUE).get_data(as_text=True), client.get(QUEUE + "?page=2").get_data(as_text=True)
    assert desk["held"].number in first and desk["question"].number not in first
    assert desk["question"].number in second and desk["held"].number not in second
    assert client.get(QUEUE + "?page=99999999999").status_code == 200


def test_approve_makes_the_text_and_the_photos_public(app, desk, login_as):
    held, photo = desk["held"], desk["photo"]
    operator = _english(login_as(desk["people"]["operator"]))      # the message is written in the POST's language
    assert _post(operator, held, "approve").status_code == 303
    db.session.refresh(held)
    db.session.refresh(photo)
    assert held.text_approved and photo.approved
    public = app.test_client().get(f"/signals/{held.number}").get_data(as_text=True)
    assert held.title in public and f"/signals/{held.number}/photos/{photo.id}" in public
    assert app.test_client().get(f"/signals/{held.number}/photos/{photo.id}").status_code == 200
    after = _english(operator).get(QUEUE).get_data(as_text=True)
    assert f"{held.number} is approved" in after and f'href="/signals/{held.number}"' not in after
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "approved",
                                                      AuditEntry.object_id == held.id)).actor_id \
        == desk["people"]["operator"].id


def test_hide_with_a_reason_shows_the_card_publicly_while_the_filer_and_staff_still_see_it(app, desk, login_as):
    item, people = desk["public"], desk["people"]
    manager = _english(login_as(people["triage manager"]))
    assert f'href="/signals/{item.number}"' not in manager.get(QUEUE).get_data(as_text=True)   # nothing waits
    done = _post(manager, item, "hide", page=_found(item), reason=HiddenReason.offensive.value)
    assert done.status_code == 303 and done.headers["Location"].startswith(f"{QUEUE}?q={item.number}")
    db.session.refresh(item)
    assert item.hidden and item.hidden_reason == HiddenReason.offensive
    anonymous = _english(app.test_client()).get(f"/signals/{item.number}").get_data(as_text=True)
    assert "Hidden by a moderator" in anonymous and "offensive content" in anonymous and item.title not in anonymous
    for reader in ("filer", "staff of the routed department"):
        assert item.title in login_as(people[reader]).get(f"/signals/{item.number}").get_data(as_text=True), reader
    listed = manager.get(HIDDEN_LIST).get_data(as_text=True)
    assert item.number in listed and "offensive content" in listed
    assert _post(manager, item, "unhide", page=HIDDEN_LIST).headers["Location"].startswith(HIDDEN_LIST)
    db.session.refresh(item)
    assert not item.hidden and item.title in app.test_client().get(f"/signals/{item.number}").get_data(as_text=True)


def test_a_stale_form_or_a_bad_reason_changes_nothing(app, desk, login_as):
    people, held = desk["people"], desk["held"]
    mine, theirs = _english(login_as(people["operator"])), login_as(people["admin"])
    my_form = _fields(mine, QUEUE, f"hide-{held.id}")
    assert _post(theirs, held, "approve").status_code == 303  # someone else acts first: the version moves on
    stale = mine.post(f"/console/moderation/{held.number}/hide",
                      data={**my_form, f"hide-{held.id}-reason": "spam"}, follow_redirects=True)
    db.session.refresh(held)
    assert not held.hidden and "Nothing changed" in stale.get_data(as_text=True)
    bad = _post(mine, desk["question"], "hide", reason="<script>")
    assert bad.status_code == 303
    db.session.refresh(desk["question"])
    assert not desk["question"].hidden
    token = form_tokens(mine, QUEUE)["csrf_token"]
    question = desk["question"]
    not_hidden = mine.post(f"/console/moderation/{question.number}/unhide", follow_redirects=True, data={
        f"unhide-{question.id}-csrf_token": token, f"unhide-{question.id}-version": str(question.version)})
    assert "Nothing changed" in not_hidden.get_data(as_text=True) and not question.hidden
    assert "There is no problem or question" in mine.get(f"{QUEUE}?q=LT-2026-1").get_data(as_text=True)
    assert mine.get(f"{QUEUE}?q=" + "Ｓ\u202e" * 100).status_code == 200
    assert mine.get(f"{QUEUE}?q=" + "\x00" * 100).status_code == 400      # the site's refusal of control characters


def test_the_hold_switch(app, desk, login_as):
    client = _english(login_as(desk["people"]["triage manager"]))
    token = form_tokens(client, QUEUE)["csrf_token"]
    assert client.post("/console/moderation/hold", data={"csrf_token": token, "hold": "on"}).status_code == 303
    assert moderation.hold_is_on()
    assert "The hold is on" in client.get(QUEUE).get_data(as_text=True)
    refused = client.post("/console/moderation/hold", data={"csrf_token": token, "hold": "sideways"})
    assert refused.status_code == 400 and 'id="hold-error"' in refused.get_data(as_text=True)
    assert moderation.hold_is_on()
    expired = client.post("/console/moderation/hold", data={"csrf_token": "old", "hold": "off"})
    assert expired.status_code == 400                          # the site's answer to an expired form
    assert moderation.hold_is_on()
    assert client.post("/console/moderation/hold", data={"csrf_token": token, "hold": "off"}).status_code == 303
    assert not moderation.hold_is_on()


def _moderation_paths(app, number: str, entry_id: int) -> list[tuple[str, str]]:
    """(method, path) of every rule under /console/moderation, filled from a waiting item and a blocklist entry."""
    values = {"number": number, "entry_id": str(entry_id)}
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/console/moderation"):
            assert set(rule.arguments) <= set(values), f"{rule.rule}: fill it in this test"
            path = re.sub(r"<(?:[a-z]+:)?(\w+)>", lambda m: values[m.group(1)], rule.rule)
            found += [(method, path) for method in ("GET", "POST") if method in rule.methods]
    return found


@pytest.mark.parametrize("reader", ["anonymous", "resident", "staff of an unrelated department",
                                    "manager of an unrelated department", "staff of the routed department",
                                    "triage staff (not a manager)", "filer"])
def test_every_moderation_url_refuses_whoever_does_not_moderate(app, desk, login_as, reader):
    entry = blocklist.block("@spam.example", "", None)
    db.session.commit()
    held = desk["held"]
    paths = _moderation_paths(app, held.number, entry.id)
    assert {("GET", QUEUE), ("POST", f"/console/moderation/{held.number}/approve"),
            ("POST", f"/console/moderation/blocklist/{entry.id}/remove")} <= set(paths) and len(paths) >= 8
    client = app.test_client() if reader == "anonymous" else login_as(desk["people"][reader])
    token = form_tokens(client)["csrf_token"]
    fields = {"csrf_token": token, "hold": "on", "pattern": "x@example.org",
              **{f"{a}-{held.id}-{n}": v for a in ("approve", "hide", "unhide")
                 for n, v in (("csrf_token", token), ("version", str(held.version)), ("reason", "spam"))}}
    seen = {}
    for method, path in paths:
        response = client.get(path) if method == "GET" else client.post(path, data=fields)
        location = response.headers.get("Location", "")
        seen[(method, path)] = LOGIN if response.status_code == 302 and location.startswith("/account/login") \
            else HIDDEN if response.status_code == 404 else str(response.status_code)
    assert seen == {key: LOGIN if reader == "anonymous" else HIDDEN for key in paths}
    db.session.refresh(held)
    assert not held.text_approved and not held.hidden and not moderation.hold_is_on()
    assert db.session.get(BlockedAddress, entry.id) is not None
    assert db.session.scalar(select(func.count()).select_from(BlockedAddress)) == 1


@pytest.mark.parametrize("reader", ["operator", "admin", "triage manager"])
def test_moderators_reach_every_moderation_page(app, desk, login_as, reader):
    client = login_as(desk["people"][reader])
    for path in (QUEUE, HIDDEN_LIST, BLOCKLIST):
        assert client.get(path).status_code == 200, path
    assert 'href="/console/moderation"' in client.get("/console").get_data(as_text=True)
    staff = login_as(desk["people"]["staff of the routed department"])
    assert 'href="/console/moderation"' not in staff.get("/console").get_data(as_text=True)


def test_the_blocklist_in_the_console(app, desk, login_as):
    client = _english(login_as(desk["people"]["operator"]))
    token = form_tokens(client, BLOCKLIST)["csrf_token"]
    added = client.post(BLOCKLIST, data={"csrf_token": token, "pattern": " @Spam.Example ", "reason": "волна"})
    assert added.status_code == 303
    page = client.get(BLOCKLIST).get_data(as_text=True)
    assert "@spam.example" in page and "волна" in page
    again = client.post(BLOCKLIST, data={"csrf_token": token, "pattern": "@spam.example"})
    assert again.status_code == 400 and "on the blocklist already" in again.get_data(as_text=True)
    bad = client.post(BLOCKLIST, data={"csrf_token": token, "pattern": "not an address"}).get_data(as_text=True)
    assert 'aria-invalid="true"' in bad and 'id="pattern-error"' in bad and "not an address" in bad
    entry = db.session.scalar(select(BlockedAddress))
    assert entry.created_by_id == desk["people"]["operator"].id and entry.reason == "волна"
    for missing in (entry.id + 1000, 10**12):
        assert client.post(f"{BLOCKLIST}/{missing}/remove", data={"csrf_token": token}).status_code == 404
    assert client.post(f"{BLOCKLIST}/{entry.id}/remove", data={"csrf_token": token}).status_code == 303
    assert db.session.scalar(select(func.count()).select_from(BlockedAddress)) == 0
    assert {a.action for a in db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "blocked_address"))} == {"block_address", "unblock_address"}


def test_a_report_from_a_blocked_address_is_held_confirmed_as_usual_and_mailed_nothing(app, desk, client,
                                                                                      login_as):
    category = desk["held"].category
    blocklist.block("@spam.example", "wave", None)
    db.session.commit()
    client.set_cookie("lang", "en")
    numbers = []
    for email in ("Someone+x@Mail.Spam.Example", "someone@example.org"):
        response = client.post("/signals/new", content_type="multipart/form-data",
                               data={**form_tokens(client), **report(category.code, email=email)})
        assert response.status_code == 302
        confirmation = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "We are sending the number and the link to your email as well." in confirmation
        numbers.append(re.search(r'id="registered-number">([^<]+)<', confirmation).group(1))
    blocked, normal = (db.session.scalar(select(Signal).where(Signal.number == n)) for n in numbers)
    assert not blocked.text_approved and normal.text_approved
    assert "awaits review" in app.test_client().get(f"/signals/{blocked.number}",
                                                    headers={"Accept-Language": "en"}).get_data(as_text=True)
    sent_to = set(db.session.scalars(select(Delivery.recipient)))
    assert "someone@example.org" in sent_to and not any("spam.example" in r.lower() for r in sent_to)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "held_by_blocklist",
                                                      AuditEntry.object_id == blocked.id)) is not None
    assert blocked.number in login_as(desk["people"]["admin"]).get(QUEUE).get_data(as_text=True)


def test_the_blocklist_matches_mailboxes_and_domains(db_session):
    blocklist.block("S.Pammer+promo@googlemail.com", "", None)
    blocklist.block("@spam.example", "", None)
    assert blocklist.is_blocked("spammer@gmail.com") and blocklist.is_blocked("x@deep.mail.spam.example")
    assert not blocklist.is_blocked("x@notspam.example") and not blocklist.is_blocked("")
    assert not blocklist.is_blocked("other@gmail.com") and not blocklist.is_blocked(None)
    with pytest.raises(blocklist.AlreadyBlocked):
        blocklist.block("spammer+2@gmail.com", "", None)
    for bad in ("", "spam", "@", "a@b", "@@x.org", "x" * 300 + "@example.org"):
        with pytest.raises(InvalidInput):
            blocklist.pattern_of(bad)


def test_flask_moderate_block_and_unblock_call_the_same_services(app, db_session):
    runner = app.test_cli_runner()
    done = runner.invoke(args=["moderate", "block", "@Spam.Example", "--reason", "wave"])
    assert done.exit_code == 0 and "@spam.example" in done.output
    assert blocklist.is_blocked("a@spam.example")
    assert runner.invoke(args=["moderate", "block", "@spam.example"]).exit_code != 0
    assert runner.invoke(args=["moderate", "block", "nonsense"]).exit_code != 0
    assert "@spam.example\t" in runner.invoke(args=["moderate", "blocked"]).output
    assert runner.invoke(args=["moderate", "unblock", "@spam.example"]).exit_code == 0
    assert not blocklist.is_blocked("a@spam.example")
    assert runner.invoke(args=["moderate", "unblock", "@spam.example"]).exit_code != 0
    assert {a.action for a in db.session.scalars(select(AuditEntry).where(
        AuditEntry.object_type == "blocked_address"))} == {"block_address", "unblock_address"}


def test_flask_moderate_refuses_what_the_services_refuse(app, desk):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["moderate", "unhide", desk["public"].number])
    assert result.exit_code != 0 and "not hidden" in result.output
