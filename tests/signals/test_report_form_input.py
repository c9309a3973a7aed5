"""The report form a resident expects, fault by fault from the user's side: invisible and control characters,
CRLF, decimal commas, places, categories by kind, photos kept across a validation error, the two limits,
an expired session, addresses in any script, the cap per mailbox."""

from __future__ import annotations

import io
import os
import re
import stat

import pytest
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from geo.models import Area
from signals.models import Attachment, Signal
from signals.uploads import PendingPhoto
from tests.signals.formhelpers import form_tokens, jpeg, report


@pytest.fixture
def potholes(create_category, client):
    # The test's app context outlives requests and Flask-Babel keeps the first request's locale in it:
    # choose the language before the first request.
    client.set_cookie("lang", "en")
    return create_category(Kind.problem, code="potholes")


def _post(client, data: dict, files=(), tokens: dict | None = None):
    payload = {**(tokens or form_tokens(client)), **data}
    payload["photos"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post("/signals/new", data=payload, content_type="multipart/form-data",
                       headers={"Accept-Language": "en"})


def _error(page: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.S)
    return found.group(1) if found else ""


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("field,value,message", [
    ("title", "Дупка\x00на пътя", "control character"),
    ("description", "Голяма дупка\x1b[31m пред входа", "control character"),
    ("place_description", "ул. Шипка\x07 12", "control character"),
    ("name", "Иван\x00", "control character"),
    ("title", " \t\u00a0\u3000 ", "Write a short title"),
    ("title", "\u200b\u200b\u200b\u200b\u200b\u200b", "Write a short title"),
    ("title", "\u3164\u3164\u3164\u3164\u3164\u3164", "Write a short title"),
    ("description", "\u2800" * 20, "Describe the problem"),
    ("title", "Дупка\nна пътя", "control character"),
])
def test_control_and_invisible_text_is_refused_at_its_field(client, potholes, field, value, message):
    before = _count(Signal)
    response = _post(client, report(potholes.code, **{field: value}))
    assert response.status_code == 400 and message in _error(response.get_data(as_text=True), field)
    assert _count(Signal) == before


def test_a_3000_character_description_with_crlf_newlines_is_accepted_and_stored_with_lf(client, potholes):
    lines = ["а" * 59] * 50                                  # 50 × 59 letters + 49 newlines = 2999 characters
    response = _post(client, report(potholes.code, description="\r\n".join(lines), title="  Дупка  на пътя \t"))
    assert response.status_code == 302
    stored = db.session.scalars(select(Signal).order_by(Signal.id.desc())).first()
    assert stored.description == "\n".join(lines) and stored.title == "Дупка  на пътя"


@pytest.mark.parametrize("lat,lon", [("42,6945", "23,3265"), (" 42.6945 ", "23.3265"), ("42,6945", "23.3265")])
def test_coordinates_with_a_decimal_comma_are_understood(client, potholes, lat, lon):
    assert _post(client, report(potholes.code, lat=lat, lon=lon)).status_code == 302
    stored = db.session.scalars(select(Signal).order_by(Signal.id.desc())).first()
    assert stored.area is not None and stored.area.code == "01"


@pytest.mark.parametrize("lat,lon", [("nan", "23.3"), ("inf", "23.3"), ("1e308", "23.3"), ("42.69.1", "23.3")])
def test_impossible_numbers_are_refused_at_the_field(client, potholes, lat, lon):
    response = _post(client, report(potholes.code, lat=lat, lon=lon))
    assert response.status_code == 400 and _error(response.get_data(as_text=True), "lat")


def test_the_coordinates_are_text_inputs_that_ask_for_a_decimal_keyboard(client, potholes):
    page = client.get("/signals/new").get_data(as_text=True)
    for name in ("lat", "lon"):
        tag = re.search(rf'<input[^>]*id="{name}"[^>]*>', page).group(0)
        assert 'type="text"' in tag and 'inputmode="decimal"' in tag


def test_a_problem_needs_a_place(client, potholes):
    response = _post(client, report(potholes.code, lat="", lon="", district="", place_description=""))
    assert response.status_code == 400 and "Choose the place" in _error(response.get_data(as_text=True), "lon")
    bogus = _post(client, report(potholes.code, lat="", lon="", district="999999", place_description="До спирката"))
    assert bogus.status_code == 400 and _error(bogus.get_data(as_text=True), "district")
    district = str(db.session.scalar(select(Area.id).where(Area.code == "01")))
    wordless = _post(client, report(potholes.code, lat="", lon="", district=district, place_description=" "))
    assert wordless.status_code == 400 and "Describe where" in _error(wordless.get_data(as_text=True),
                                                                       "place_description")
    assert _post(client, report(potholes.code, lat="", lon="", district=district,
                                place_description="До спирката")).status_code == 302


def test_the_category_list_shows_the_chosen_kinds_categories_without_an_empty_group(client, potholes,
                                                                                     create_category):
    question = create_category(Kind.question, code="how-to")
    problem_page = client.get("/signals/new").get_data(as_text=True)
    select_html = re.search(r'<select id="category".*?</select>', problem_page, re.S).group(0)
    assert 'value="potholes"' in select_html and 'value="how-to"' not in select_html
    assert 'label=""' not in problem_page
    question_page = client.get("/signals/new?kind=question").get_data(as_text=True)
    select_html = re.search(r'<select id="category".*?</select>', question_page, re.S).group(0)
    assert 'value="how-to"' in select_html and 'value="potholes"' not in select_html
    mismatch = _post(client, report(question.code))                  # without JS: kind problem, a question category
    assert mismatch.status_code == 400 and "of this kind" in _error(mismatch.get_data(as_text=True), "category")


def test_a_tampered_submission_key_gets_a_fresh_one_and_no_500(client, potholes):
    tokens = form_tokens(client)
    response = _post(client, report(potholes.code), tokens={**tokens, "submission_key": "k" * 5000})
    assert response.status_code == 302
    nul = _post(client, report(potholes.code, title="Дупка втора"), tokens={**tokens, "submission_key": "a\x00b"})
    assert nul.status_code == 302


def test_photos_survive_a_validation_error_and_go_with_the_filing(app, client, potholes):
    tokens = form_tokens(client)
    first = _post(client, report(potholes.code, title=""), files=[(jpeg(), "a.jpg")], tokens=tokens)
    page = first.get_data(as_text=True)
    held = re.findall(r'src="(/signals/new/photos/\d+)"', page)
    assert first.status_code == 400 and len(held) == 1 and "Remove photo 1" in page
    thumbnail = client.get(held[0])
    assert thumbnail.status_code == 200 and thumbnail.headers["Cache-Control"] == "private, no-store"
    assert app.test_client().get(held[0]).status_code == 404          # another session never sees it
    pending = db.session.scalars(select(PendingPhoto)).one()
    mode = os.stat(os.path.join(app.config["UPLOAD_DIR"], "pending", pending.storage_key)).st_mode
    assert stat.S_IMODE(mode) == 0o600
    second = _post(client, report(potholes.code), tokens=tokens)       # corrected, no file chosen again
    assert second.status_code == 302
    attachment = db.session.scalars(select(Attachment).order_by(Attachment.id.desc())).first()
    assert attachment.signal.number in second.headers["Location"] and _count(PendingPhoto) == 0
    stored = os.stat(os.path.join(app.config["UPLOAD_DIR"], attachment.storage_key)).st_mode
    assert stat.S_IMODE(stored) == 0o600


def test_a_held_photo_can_be_removed_without_losing_the_text(client, potholes):
    tokens = form_tokens(client)
    _post(client, report(potholes.code, title=""), files=[(jpeg(), "a.jpg"), (jpeg(color="red"), "b.jpg")],
          tokens=tokens)
    ids = [p.id for p in db.session.scalars(select(PendingPhoto).order_by(PendingPhoto.id))]
    removed = _post(client, {**report(potholes.code, title="Моят текст"), "remove_photo": str(ids[0])},
                    tokens=tokens)
    page = removed.get_data(as_text=True)
    assert removed.status_code == 200 and "Моят текст" in page and 'class="error"' not in page
    assert [p.id for p in db.session.scalars(select(PendingPhoto))] == [ids[1]]


def test_failed_posts_do_not_use_up_the_filing_limit_and_every_post_counts_against_its_own(
        test_config, db_session, potholes, redis_server):
    app = create_app({**test_config, "REDIS_URL": redis_server.url, "FILING_RATE_LIMIT": "2 per hour",
                      "FORM_POST_RATE_LIMIT": "6 per hour"})
    client = app.test_client()
    for _ in range(3):
        assert _post(client, report(potholes.code, title="")).status_code == 400
    assert [_post(client, report(potholes.code)).status_code for _ in range(3)] == [302, 302, 429]
    refused = _post(client, report(potholes.code, title=""))
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "try again in about" in page and 'href="/signals/new"' in page
    assert int(refused.headers["Retry-After"]) > 0


def test_a_lost_session_keeps_what_was_typed_in_the_visitors_language(app, create_category):
    potholes = create_category(Kind.problem, code="potholes")
    client = app.test_client()
    client.set_cookie("lang", "ru")

    def fresh(call, *args, **kwargs):
        with app.app_context():       # each request its own g, as in production (CSRF token, locale)
            return call(*args, **kwargs)

    tokens = fresh(form_tokens, client)
    client.delete_cookie("session")
    data = report(potholes.code, title="Мой заголовок", description="Текст, который я набирал долго.")
    response = fresh(client.post, "/signals/new", data={**tokens, **data})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Срок действия вашего сеанса истёк" in page
    assert "Мой заголовок" in page and "Текст, который я набирал долго." in page and "CSRF" not in page
    assert _count(Signal) == 0
    retry = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    again = fresh(client.post, "/signals/new", data={**tokens, "csrf_token": retry, **data})
    assert again.status_code == 302


def test_without_javascript_the_home_filters_filter_the_list(client, create_signal, create_category):
    lights, holes = create_category(Kind.problem, code="lights"), create_category(Kind.problem, code="holes")
    lamp, hole = create_signal(category=lights), create_signal(category=holes)
    page = client.get("/?category=lights").get_data(as_text=True)
    assert lamp.number in page and hole.number not in page
    assert hole.number in client.get("/").get_data(as_text=True)
    odd = client.get("/?category=nope").get_data(as_text=True)
    assert "could not use the chosen filter" in odd or "не можахме" in odd.lower()


def test_held_photos_are_capped_in_total_and_removed_by_the_relay_after_an_hour(app, client, potholes, monkeypatch):
    from datetime import timedelta

    from app import clock
    from app.mail import relay

    monkeypatch.setitem(app.config, "PENDING_PHOTO_TOTAL", 2)
    tokens = form_tokens(client)
    _post(client, report(potholes.code, title=""), files=[(jpeg(), "a.jpg"), (jpeg(color="red"), "b.jpg")],
          tokens=tokens)
    full = _post(client, report(potholes.code, title=""), files=[(jpeg(color="green"), "c.jpg")],
                 tokens=form_tokens(client))
    assert "cannot keep more photos" in _error(full.get_data(as_text=True), "photos") and _count(PendingPhoto) == 2
    held = [os.path.join(app.config["UPLOAD_DIR"], "pending", p.storage_key)
            for p in db.session.scalars(select(PendingPhoto))]
    with clock.frozen(clock.now() + timedelta(minutes=59)):
        relay.run_pass_tasks()
    assert _count(PendingPhoto) == 2
    with clock.frozen(clock.now() + timedelta(minutes=61)):
        relay.run_pass_tasks()
    assert _count(PendingPhoto) == 0 and not any(os.path.exists(path) for path in held)


def test_held_photos_are_capped_per_address(test_config, db_session, create_category, redis_server):
    category = create_category(Kind.problem)
    app = create_app({**test_config, "REDIS_URL": redis_server.url, "PENDING_PHOTO_RATE_LIMIT": "1 per hour"})
    client = app.test_client()
    client.set_cookie("lang", "en")
    first = _post(client, report(category.code, title=""), files=[(jpeg(), "a.jpg")])
    second = _post(client, report(category.code, title=""), files=[(jpeg(color="red"), "b.jpg")])
    assert not _error(first.get_data(as_text=True), "photos")
    assert "cannot keep more photos" in _error(second.get_data(as_text=True), "photos")


@pytest.mark.parametrize("target", ["/track\r\nX-Forged: 1", "/\\evil.example", "//evil.example", "javascript:x"])
def test_the_language_switch_never_follows_a_bad_next(client, target):
    response = client.get("/lang/en", query_string={"next": target})
    assert response.status_code in (302, 400)
    assert response.headers.get("Location", "/") == "/" and "X-Forged" not in response.headers
