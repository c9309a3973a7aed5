"""Filing a private item from the cabinet: the profile fills the sender, a review page shows everything with Edit
and Confirm, only Confirm registers (once, however often pressed), the confirmation says when and on what basis
an answer is due, and the registration notice goes to the account's address."""

from __future__ import annotations


import pytest
from sqlalchemy import func, select

from app.kinds import Kind
from app.mail.models import Delivery
from app.extensions import db
from signals.drafts import Draft
from signals.models import Signal
from tests.signals.formhelpers import form_token


@pytest.fixture
def resident(create_user):
    return create_user(email="ivan@example.org", first_name="Иван", middle_name="Петров", last_name="Иванов",
                       address="ул. „Шипка“ 6, София")


def _file(client, kind: str, category, **fields):
    path = f"/signals/new?kind={kind}"
    form = {"category": category.code, "title": "Тротоар пред училището", "description": "Молим за ремонт.",
            "person_name": "Иван Петров Иванов", "address": "ул. „Шипка“ 6, София", "email": "ivan@example.org",
            "csrf_token": form_token(client, path), **fields}
    return client.post(path, data=form)


def _signals() -> int:
    return db.session.scalar(select(func.count()).select_from(Signal))


def test_a_visitor_is_asked_to_log_in_before_the_private_form(client):
    response = client.get("/signals/new?kind=letter")
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/login?next=")


def test_the_form_starts_from_the_profile(app, resident, create_category, login_as):
    create_category(Kind.letter)
    page = login_as(resident).get("/signals/new?kind=letter").get_data(as_text=True)
    assert 'value="Иван Петров Иванов"' in page and 'value="ivan@example.org"' in page
    assert "ул. „Шипка“ 6, София" in page


def test_review_then_edit_keeps_everything_and_two_confirms_give_one_number(app, resident, create_category,
                                                                            login_as):
    category = create_category(Kind.letter)
    client = login_as(resident)
    client.set_cookie("lang", "en")
    before = _signals()
    sent = _file(client, "letter", category, title="Първо заглавие")
    assert sent.status_code == 303 and sent.headers["Location"].startswith("/signals/new/review?draft=")
    assert _signals() == before                                        # nothing registered by the form
    review = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "Първо заглавие" in review and "Молим за ремонт." in review and "Иван Петров Иванов" in review
    key = sent.headers["Location"].split("draft=")[1]
    edit = client.get(f"/signals/new?kind=letter&draft={key}").get_data(as_text=True)
    assert 'value="Първо заглавие"' in edit and "Молим за ремонт." in edit
    again = client.post(f"/signals/new?kind=letter&draft={key}", data={
        "category": category.code, "title": "Поправено заглавие", "description": "Молим за ремонт.",
        "person_name": "Иван Петров Иванов", "address": "ул. „Шипка“ 6", "email": "ivan@example.org",
        "csrf_token": form_token(client, f"/signals/new?kind=letter&draft={key}")})
    assert again.headers["Location"] == f"/signals/new/review?draft={key}"
    token = form_token(client, f"/signals/new/review?draft={key}")
    first = client.post("/signals/new/review", data={"draft": key, "csrf_token": token})
    second = client.post("/signals/new/review", data={"draft": key, "csrf_token": token})
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert _signals() == before + 1
    item = db.session.scalar(select(Signal).order_by(Signal.id.desc()))
    assert item.kind == Kind.letter and item.title == "Поправено заглавие" and item.user_id == resident.id
    assert item.filer.person_name == "Иван Петров Иванов" and item.filer.address == "ул. „Шипка“ 6"
    assert db.session.scalar(select(func.count()).select_from(Draft)) == 0
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert item.number in page and "The city's service target." in page


def test_an_information_request_needs_three_names_and_a_form_of_access_and_cites_zdoi(app, resident,
                                                                                       create_category, login_as):
    category = create_category(Kind.info_request)
    client = login_as(resident)
    client.set_cookie("lang", "en")
    refused = _file(client, "info_request", category, person_name="Иван Иванов")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="person_name-error"' in page and 'id="access_form-error"' in page
    sent = _file(client, "info_request", category, access_form="electronic")
    key = sent.headers["Location"].split("draft=")[1]
    done = client.post("/signals/new/review", data={"draft": key,
                                                    "csrf_token": form_token(client, sent.headers["Location"])})
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    item = db.session.scalar(select(Signal).order_by(Signal.id.desc()))
    assert item.kind == Kind.info_request and item.access_form == "electronic"
    assert "ZDOI), art. 28" in page and item.number.startswith("IR-")


def test_the_registration_notice_goes_to_the_accounts_address(app, resident, create_category, login_as):
    category = create_category(Kind.complaint)
    client = login_as(resident)
    sent = _file(client, "complaint", category, email="other.address@example.org")
    key = sent.headers["Location"].split("draft=")[1]
    client.post("/signals/new/review", data={"draft": key, "csrf_token": form_token(client, sent.headers["Location"])})
    item = db.session.scalar(select(Signal).order_by(Signal.id.desc()))
    mail = db.session.scalar(select(Delivery).where(Delivery.signal_id == item.id))
    assert mail.recipient == "ivan@example.org" and mail.required and not mail.to_unverified
    assert item.filer.email == "other.address@example.org"                     # the snapshot as typed


def test_a_repeat_appeal_names_only_my_own_items_and_both_pages_link(app, resident, create_category,
                                                                      create_signal, create_user, login_as):
    category = create_category(Kind.letter)
    mine = create_signal(Kind.letter, user=resident, category=category)
    theirs = create_signal(Kind.letter, user=create_user(), category=category)
    client = login_as(resident)
    refused = _file(client, "letter", category, refers_to=theirs.number)
    assert refused.status_code == 400 and 'id="refers_to-error"' in refused.get_data(as_text=True)
    sent = _file(client, "letter", category, refers_to=mine.number.lower().replace("-", " "))
    key = sent.headers["Location"].split("draft=")[1]
    done = client.post("/signals/new/review", data={"draft": key,
                                                    "csrf_token": form_token(client, sent.headers["Location"])})
    number = done.headers["Location"].split("/")[2]
    assert mine.number in client.get(f"/signals/{number}").get_data(as_text=True)
    assert number in client.get(f"/signals/{mine.number}").get_data(as_text=True)


def test_another_users_draft_is_never_shown_or_confirmed(app, resident, create_category, create_user, login_as):
    category = create_category(Kind.letter)
    sent = _file(login_as(resident), "letter", category)
    key = sent.headers["Location"].split("draft=")[1]
    stranger = login_as(create_user())
    assert stranger.get(f"/signals/new/review?draft={key}").headers["Location"] == "/my/signals"
    before = _signals()
    stranger.post("/signals/new/review", data={"draft": key, "csrf_token": form_token(stranger, "/account/profile")})
    assert _signals() == before


def test_a_draft_whose_category_was_retired_goes_back_to_the_form_and_a_letter_names_no_form_of_access(
        app, resident, create_category, login_as):
    category = create_category(Kind.letter)
    client = login_as(resident)
    sent = _file(client, "letter", category, access_form="oral")          # posted to a letter: ignored
    key = sent.headers["Location"].split("draft=")[1]
    assert db.session.scalar(select(Draft.data).where(Draft.key == key))["access_form"] == ""
    category.active = False
    db.session.flush()
    before = _signals()
    back = client.post("/signals/new/review",
                       data={"draft": key, "csrf_token": form_token(client, sent.headers["Location"])})
    assert back.status_code == 303 and back.headers["Location"].startswith("/signals/new?")
    assert _signals() == before
