"""Claims: a confirmed account sees the items its address filed without an account, asks for some of them, and
only the link mailed to that address makes them the account's own — once, for that account and address only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.extensions import db
from app.kinds import Kind
from tests.fixtures.accounts import bodies, last_mail
from tests.signals.formhelpers import form_token


@pytest.fixture
def earlier(create_signal, create_user):
    """Two anonymous problems from ivan@example.org (typed in another case), one from someone else."""
    mine = [create_signal(Kind.problem, email="Ivan@Example.org", title="Дупка"),
            create_signal(Kind.question, email="ivan@example.org", point=None)]
    other = create_signal(Kind.problem, email="maria@example.org")
    return {"mine": mine, "other": other, "user": create_user(email="ivan@example.org")}


def _claim_link(to: str) -> str:
    text, _html = bodies(last_mail("claim", to))
    return re.search(r"https?://[^/\s]+(/my/claims/confirm\?token=\S+)", text).group(1)


def test_a_claim_is_confirmed_from_the_mail_and_the_items_join_my_signals(app, earlier, login_as):
    client = login_as(earlier["user"])
    client.set_cookie("lang", "en")
    first, second = earlier["mine"]
    assert "2 items were filed from your address" in client.get("/my/signals").get_data(as_text=True)
    page = client.get("/my/claims").get_data(as_text=True)
    assert first.number in page and second.number in page and earlier["other"].number not in page
    asked = client.post("/my/claims", data={"number": [first.number, earlier["other"].number],
                                            "csrf_token": form_token(client, "/my/claims")})
    assert asked.status_code == 303
    text, _html = bodies(last_mail("claim", "ivan@example.org"))
    assert first.number in text and second.number not in text and "Дупка" not in text   # numbers only
    link = _claim_link("ivan@example.org")
    assert first.user_id is None                                            # asking changes nothing
    shown = client.get(link)
    assert shown.status_code == 200 and first.number in shown.get_data(as_text=True) and first.user_id is None
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', shown.get_data(as_text=True)).group(1)
    done = client.post("/my/claims/confirm", data={"token": token, "csrf_token": form_token(client, link)})
    assert done.status_code == 303 and done.headers["Location"].endswith("/my/signals")
    db.session.refresh(first)
    assert first.user_id == earlier["user"].id and first.filer.user_id == earlier["user"].id
    assert earlier["other"].user_id is None and second.user_id is None
    assert first.number in client.get("/my/signals").get_data(as_text=True)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "claim",
                                                      AuditEntry.object_id == first.id)) is not None
    again = client.post("/my/claims/confirm",
                        data={"token": token, "csrf_token": form_token(client, "/account/security")})
    assert again.status_code == 400 and "used already" in again.get_data(as_text=True)


def test_the_link_works_only_for_the_account_that_asked(app, earlier, create_user, login_as):
    client = login_as(earlier["user"])
    client.post("/my/claims", data={"number": [earlier["mine"][0].number],
                                    "csrf_token": form_token(client, "/my/claims")})
    link = _claim_link("ivan@example.org")
    stranger = login_as(create_user())
    stranger.set_cookie("lang", "en")
    token = link.split("token=")[1]
    refused = stranger.post("/my/claims/confirm", data={"token": token,
                                                         "csrf_token": form_token(stranger, "/account/security")})
    assert refused.status_code == 400 and earlier["mine"][0].user_id is None
    assert app.test_client().get(link).status_code == 302                   # login first


def test_nothing_chosen_or_not_mine_is_refused_next_to_the_list(app, earlier, login_as):
    client = login_as(earlier["user"])
    client.set_cookie("lang", "en")
    for numbers in ([], [earlier["other"].number], ["SG-1999-000001"]):
        response = client.post("/my/claims", data={"number": numbers, "csrf_token": form_token(client, "/my/claims")})
        assert response.status_code == 422 and 'id="claim-error"' in response.get_data(as_text=True)
    assert last_mail("claim") is None


def test_an_unconfirmed_account_sees_nothing_to_claim(app, earlier, create_user, login_as):
    unconfirmed = create_user(email="maria@example.org", confirmed=False)
    client = login_as(unconfirmed)
    response = client.get("/my/claims")
    assert earlier["other"].number not in response.get_data(as_text=True)
