""""Me too" before filing: the open public problems of the same category within 50 m are offered, and
"this is my problem too" counts a browser or an account once, outside the item's versioned row."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.kinds import Kind
from signals import workflow
from signals.models import Attachment, HiddenReason, Supporter
from signals.services import change_status, moderation
from signals.workflow import Status
from tests.fixtures.factories import CENTRE
from tests.signals.formhelpers import form_token

METRE = 1 / 111_320      # a metre of latitude in degrees


def north(metres: float) -> tuple[float, float]:
    return CENTRE[0], CENTRE[1] + metres * METRE


def nearby(client, point=CENTRE, category=None, **extra):
    args = {"lon": point[0], "lat": point[1], **({"category": category.code} if category else {}), **extra}
    response = client.get("/map/nearby.json", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]


def me_too(client, number: str, token: str | None = None):
    return client.post(f"/signals/{number}/support", headers={"Accept": "application/json",
                                                              "X-CSRFToken": token or form_token(client)})


def _photo(item, approved: bool) -> Attachment:
    photo = Attachment(signal_id=item.id, filename="p.jpg", content_type="image/jpeg", size=1, sha256="0" * 64,
                       storage_key=f"test-{item.id}-{approved}", approved=approved, created_at=clock.now())
    db.session.add(photo)
    db.session.flush()
    return photo


def test_open_public_problems_of_the_category_within_50_m_are_offered_nearest_first(client, create_signal,
                                                                                     create_category):
    potholes = create_category(Kind.problem)
    far = create_signal(category=potholes, point=north(40), title="По-далечна дупка")
    near = create_signal(category=potholes, point=north(8), title="Дупка пред входа")
    shown, _unapproved = _photo(near, True), _photo(near, False)
    results = nearby(client, category=potholes)
    assert [r["number"] for r in results] == [near.number, far.number]
    first = results[0]
    assert first["title"] == "Дупка пред входа" and first["distance_m"] == pytest.approx(8, abs=0.5)
    assert first["status"] == "registered" and first["status_label"] == workflow.label(Status.registered, "bg")
    assert first["photos"] == [f"/signals/{near.number}/photos/{shown.id}"]          # the unapproved one is not
    assert first["supporters"] == 0 and first["support_url"] == f"/signals/{near.number}/support"
    assert first["url"] == f"/signals/{near.number}"


def test_hidden_private_unreviewed_closed_distant_and_other_category_signals_are_never_offered(
        client, create_signal, create_category, create_user):
    potholes, lights = create_category(Kind.problem), create_category(Kind.problem)
    offered = create_signal(category=potholes, point=north(10))
    hidden = create_signal(category=potholes, point=north(5))
    moderation.hide(hidden, HiddenReason.duplicate, None)
    unreviewed = create_signal(category=potholes, point=north(5), held=True)
    resolved = create_signal(category=potholes, point=north(5))
    for status in workflow.path_to(Kind.problem, Status.resolved):
        change_status(resolved, status, None)
    distant = create_signal(category=potholes, point=north(55))
    other = create_signal(category=lights, point=north(5))
    letter = create_signal(Kind.letter, user=create_user(), point=north(1))
    question = create_signal(Kind.question, point=north(1))
    assert [r["number"] for r in nearby(client, category=potholes)] == [offered.number]
    everything = [r["number"] for r in nearby(client)]          # no category: any open public problem
    assert set(everything) == {offered.number, other.number}
    for never in (hidden, unreviewed, resolved, distant, letter, question):
        assert never.number not in everything


def test_a_second_me_too_from_the_same_browser_does_not_count_twice(app, client, create_signal):
    item = create_signal(point=north(5))
    version, updates = item.version, len(item.updates)
    token = form_token(client)
    first = me_too(client, item.number, token)
    assert first.status_code == 200 and first.get_json() == {"number": item.number, "supporters": 1, "added": True}
    cookie = client.get_cookie("supporter")
    assert cookie.http_only and cookie.same_site == "Lax" and cookie.path == "/"
    again = me_too(client, item.number, token)
    assert again.get_json() == {"number": item.number, "supporters": 1, "added": False}
    stored = db.session.scalars(select(Supporter.key).where(Supporter.signal_id == item.id)).all()
    assert stored == [hashlib.sha256(f"browser:{cookie.value}".encode()).hexdigest()]   # the hash, never the value
    with app.app_context():                                   # its own CSRF token, not the first browser's
        assert me_too(app.test_client(), item.number).get_json()["supporters"] == 2
    db.session.refresh(item)
    assert item.version == version and len(item.updates) == updates   # a staff form on the item stays fresh
    assert nearby(client, point=north(5))[0]["supporters"] == 2


def test_an_account_counts_once_whatever_browser_it_uses(app, db_session, create_signal, create_user, login_as):
    item, resident = create_signal(point=north(5)), create_user()
    for _browser in range(2):
        with app.app_context():
            response = me_too(login_as(resident), item.number)
    assert response.get_json()["supporters"] == 1 and response.get_json()["added"] is False
    assert db.session.scalar(select(Supporter.user_id).where(Supporter.signal_id == item.id)) == resident.id


def test_hidden_private_and_closed_items_take_no_supporter(client, create_signal, create_user):
    hidden = create_signal()
    moderation.hide(hidden, HiddenReason.offensive, None)
    letter = create_signal(Kind.letter, user=create_user())
    closed = create_signal()
    for status in workflow.path_to(Kind.problem, Status.closed):
        change_status(closed, status, None)
    token = form_token(client)
    assert me_too(client, hidden.number, token).status_code == 404
    refused = me_too(client, letter.number, token)                   # a private kind: log in first, like a page
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/account/login?next=")
    refused = me_too(client, closed.number, token)
    assert refused.status_code == 409 and refused.get_json()["error"] == "not_supportable"
    assert db.session.scalar(select(func.count()).select_from(Supporter)) == 0


def test_without_the_csrf_token_nothing_is_counted(client, create_signal):
    item = create_signal()
    response = client.post(f"/signals/{item.number}/support", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Supporter)) == 0


def test_the_item_page_shows_the_count_and_a_button_that_works_without_javascript(client, create_signal):
    client.set_cookie("lang", "en")
    item = create_signal()
    page = client.get(f"/signals/{item.number}").get_data(as_text=True)
    assert "This is my problem too" in page and "have said this is their problem too" not in page
    form_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(f"/signals/{item.number}/support", data={"csrf_token": form_token})
    assert response.status_code == 303 and response.headers["Location"] == f"/signals/{item.number}#support"
    page = client.get(f"/signals/{item.number}").get_data(as_text=True)
    assert "1 person has said this is their problem too." in page
    assert "You have said this is your problem too." in page and 'action="/signals/' not in page.split('id="support"')[1][:400]


def test_a_closed_item_shows_its_count_but_no_button(client, create_signal):
    client.set_cookie("lang", "en")
    item = create_signal()
    db.session.add(Supporter(signal_id=item.id, key="0" * 64, created_at=clock.now()))
    for status in workflow.path_to(Kind.problem, Status.closed):
        change_status(item, status, None)
    page = client.get(f"/signals/{item.number}").get_data(as_text=True)
    assert "1 person has said this is their problem too." in page and "This is my problem too" not in page


@pytest.mark.parametrize("args,code", [({}, "bad_point"), ({"lat": "42.69"}, "bad_point"),
                                       ({"lat": "x", "lon": "23.3"}, "bad_point"),
                                       ({"lat": "1e308", "lon": "23.3"}, "bad_point"),
                                       ({"lat": "nan", "lon": "23.3"}, "bad_point"),
                                       ({"lat": "42.69", "lon": "23.32", "category": "no-such"}, "bad_category")])
def test_bad_input_to_the_nearby_list_is_a_json_400_with_a_code(client, args, code):
    response = client.get("/map/nearby.json", query_string=args)
    assert response.status_code == 400 and response.get_json()["error"] == code
