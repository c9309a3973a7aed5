"""Accounts on the real services: registration and its one answer, single-use links, login on server-side
sessions, throttling that locks nobody out, two-factor, export and deletion."""

from __future__ import annotations

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from app import clock
from app.accounts.identity import valid_eik
from app.accounts.models import AccountKind, RecoveryCode, User, WebSession
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from tests.fixtures.accounts import last_mail, link_in
from tests.signals.formhelpers import form_token

PASSWORD = "wistful-harbour-lantern-91"
NEW_PASSWORD = "copper-meadow-whistle-58"


def csrf(client, path: str = "/account/login") -> str:
    return form_token(client, path)


def register(client, email: str, **extra):
    form = {"kind": "person", "first_name": "Анна", "last_name": "Петрова", "address": "ул. „Шипка“ 6, София",
            "email": email, "password": PASSWORD, "locale": "bg", "csrf_token": csrf(client, "/account/register"),
            **extra}
    return client.post("/account/register", data=form)


def log_in(client, email: str, password: str = PASSWORD, address: str = "127.0.0.1"):
    client.environ_base["REMOTE_ADDR"] = address
    return client.post("/account/login", data={"email": email, "password": password, "csrf_token": csrf(client)})


def use_link(client, path: str):
    """Open a mailed link's page and press its button, as a person would."""
    page = client.get(path)
    assert page.status_code == 200, page.get_data(as_text=True)[:500]
    token = re.search(r'name="token" type="hidden" value="([^"]*)"', page.get_data(as_text=True)).group(1)
    return client.post(path.split("?")[0], data={"token": token, "csrf_token": csrf(client, path)})


@pytest.fixture
def confirmed(app, client, db_session):
    """A registered, confirmed person: anna@example.org."""
    register(client, "anna@example.org")
    assert use_link(client, link_in(last_mail("confirm"))).status_code == 303
    return db.session.scalar(select(User).where(User.email == "anna@example.org"))


def test_registration_mails_a_confirmation_link_that_works_once_and_keeps_no_token_at_rest(app, client, db_session):
    response = register(client, "Anna@Example.org")
    assert response.status_code == 303 and response.headers["Location"] == "/account/check-mail"
    user = db.session.scalar(select(User).where(User.email == "anna@example.org"))
    assert user is not None and not user.confirmed and user.name == "Анна Петрова"
    mail = last_mail("confirm", "anna@example.org")
    path = link_in(mail)
    token = path.split("token=")[1]
    assert token not in (mail.body_text + mail.body_html) and "[[account-token]]" in mail.body_text
    assert use_link(client, path).headers["Location"] == "/account/login?confirmed=1"
    db.session.refresh(user)
    assert user.confirmed
    client.set_cookie("lang", "en")
    again = use_link(client, path)
    assert again.status_code == 400 and "This link was used already" in again.get_data(as_text=True)


def test_an_expired_confirmation_link_is_refused(app, client, db_session):
    register(client, "late@example.org")
    path = link_in(last_mail("confirm", "late@example.org"))
    with clock.frozen(clock.now() + timedelta(hours=25)):
        refused = use_link(client, path)
    assert refused.status_code == 400
    assert db.session.scalar(select(User.confirmed_at).where(User.email == "late@example.org")) is None


def test_the_same_address_in_another_spelling_gets_the_same_answer_and_the_owner_a_reset_link(app, client,
                                                                                             confirmed):
    users_before = db.session.scalar(select(func.count()).select_from(User))
    response = register(app.test_client(), "ANN@example.ORG".replace("ANN", "Anna"))
    assert response.status_code == 303 and response.headers["Location"] == "/account/check-mail"
    assert db.session.scalar(select(func.count()).select_from(User)) == users_before
    note = last_mail("already_registered", "anna@example.org")
    assert note is not None and "/account/reset?token=" in link_in(note)
    for spelling in ("anna@example.org", "ANNA@EXAMPLE.ORG", "Anna@Example.org"):
        browser = app.test_client()
        assert log_in(browser, spelling).status_code == 303, spelling


def test_a_reset_link_works_once_within_an_hour_and_ends_every_session(app, client, confirmed, login_as):
    other = login_as(confirmed)
    assert other.get("/account/profile").status_code == 200
    forgot = client.post("/account/forgot", data={"email": "anna@example.org", "csrf_token": csrf(client)})
    unknown = client.post("/account/forgot", data={"email": "nobody@example.org", "csrf_token": csrf(client)})
    assert forgot.headers["Location"] == unknown.headers["Location"] == "/account/check-mail?reset=1"
    path = link_in(last_mail("reset", "anna@example.org"))
    page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"token": token, "password": NEW_PASSWORD, "csrf_token": csrf(client, path)}
    assert client.post("/account/reset", data=form).headers["Location"] == "/account/login?reset=1"
    assert client.post("/account/reset", data=form).status_code == 400           # used
    assert other.get("/account/profile").status_code == 302                      # the other session ended
    assert log_in(app.test_client(), "anna@example.org", NEW_PASSWORD).status_code == 303
    client.post("/account/forgot", data={"email": "anna@example.org", "csrf_token": csrf(client)})
    late = link_in(last_mail("reset", "anna@example.org"))
    with clock.frozen(clock.now() + timedelta(minutes=61)):
        assert client.get(late).status_code == 400


def test_login_rotates_the_session_keeps_the_csrf_token_and_logout_deletes_the_row(app, client, confirmed):
    token = csrf(client)
    anonymous = client.get_cookie("session").value
    assert log_in(client, "anna@example.org").status_code == 303
    sid = client.get_cookie("sid")
    assert sid is not None and sid.http_only and sid.same_site == "Lax" and sid.expires is None
    assert db.session.scalar(select(func.count()).select_from(WebSession)
                             .where(WebSession.user_id == confirmed.id)) == 1
    stored = db.session.scalar(select(WebSession.key).where(WebSession.user_id == confirmed.id))
    assert sid.value not in stored and anonymous
    assert client.get("/account/security").status_code == 200
    assert "_user_id" not in client.get_cookie("session").value
    assert client.post("/account/logout", data={"csrf_token": token}).status_code == 303   # the pre-login token
    assert client.get_cookie("sid") is None
    assert db.session.scalar(select(func.count()).select_from(WebSession)
                             .where(WebSession.user_id == confirmed.id)) == 0
    relogin = app.test_client()
    log_in(relogin, "anna@example.org")
    assert relogin.get_cookie("sid").value != sid.value


def test_an_unconfirmed_account_can_log_in_only_to_confirm_or_change_its_address(app, client, db_session):
    register(client, "new@example.org")
    assert log_in(client, "new@example.org").status_code == 303
    for path in ("/signals/new", "/my/signals", "/account/profile", "/account/security"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == "/account/unconfirmed", path
    assert client.get("/account/unconfirmed").status_code == 200
    assert client.get("/account/email").status_code == 200


def test_the_sixth_wrong_password_from_one_ip_is_refused_and_another_ip_only_waits(app, confirmed):
    browser = app.test_client()
    browser.set_cookie("lang", "en")
    answers = [log_in(browser, "anna@example.org", "wrong password!", "10.6.0.1") for _ in range(6)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429, 429]      # 4th, 5th: the account waits
    assert all('id="password"' in a.get_data(as_text=True) for a in answers[:5])
    sixth = answers[5]
    assert sixth.status_code == 429 and int(sixth.headers["Retry-After"]) > 0
    assert "You can try again in" in sixth.get_data(as_text=True)
    assert 'id="password"' not in sixth.get_data(as_text=True)                 # the IP's refusal: no form
    other = app.test_client()
    other.set_cookie("lang", "en")
    elsewhere = log_in(other, "anna@example.org", PASSWORD, "10.6.0.2")
    text = elsewhere.get_data(as_text=True)
    assert elsewhere.status_code == 429 and 'id="password"' in text             # the account's wait, at the form
    assert re.search(r"Too many wrong attempts for this account\. You can try again in \d+ seconds?\.", text)
    db.session.refresh(confirmed)
    assert confirmed.failed_logins == 3                                         # waiting is not failing
    with clock.frozen(clock.now() + timedelta(minutes=16)):
        assert log_in(app.test_client(), "anna@example.org", PASSWORD, "10.6.0.3").status_code == 303
    db.session.refresh(confirmed)
    assert confirmed.failed_logins == 0


def test_the_owner_is_told_after_ten_failures_and_the_delay_never_exceeds_15_minutes(app, confirmed):
    from app.accounts import throttle

    for n in range(10):
        with clock.frozen(clock.now() + timedelta(minutes=16 * n)):
            log_in(app.test_client(), "anna@example.org", "wrong password!", f"10.7.0.{n}")
    assert last_mail("failures", "anna@example.org") is not None
    assert throttle.delay_after(50) == timedelta(minutes=15)


def test_a_password_change_ends_another_open_session(app, client, confirmed, login_as):
    log_in(client, "anna@example.org")
    elsewhere = login_as(confirmed)
    assert elsewhere.get("/account/profile").status_code == 200
    response = client.post("/account/password", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                                      "csrf_token": csrf(client, "/account/security")})
    assert response.status_code == 303
    assert elsewhere.get("/account/profile").status_code == 302
    assert client.get("/account/profile").status_code == 200                     # this browser has a new one
    assert last_mail("password_changed", "anna@example.org") is not None


def test_a_weak_password_is_refused_with_its_feedback(app, client, db_session):
    response = register(client, "weak@example.org", password="password123")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "password-error" in page
    assert db.session.scalar(select(User).where(User.email == "weak@example.org")) is None
    short = register(client, "weak@example.org", password="Ab1!").get_data(as_text=True)
    assert "10" in short.split('id="password-error"')[1][:300]


def _totp_on(client, user) -> tuple[str, list[str]]:
    page = client.get("/account/two-factor").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert "<svg" in page
    code = pyotp.TOTP(secret).now()
    done = client.post("/account/two-factor", data={"code": code, "csrf_token": csrf(client, "/account/two-factor")})
    codes = re.findall(r"<li>([a-z0-9]{5}-[a-z0-9]{5})</li>", done.get_data(as_text=True))
    return secret, codes


def test_totp_a_valid_code_passes_a_reused_one_is_refused_and_a_recovery_code_works_once(app, client, confirmed):
    log_in(client, "anna@example.org")
    secret, codes = _totp_on(client, confirmed)
    assert len(codes) == 10 and db.session.scalar(select(func.count()).select_from(RecoveryCode)
                                                  .where(RecoveryCode.user_id == confirmed.id)) == 10
    def second_step(client, code: str):
        return client.post("/account/login/code", data={"code": code, "csrf_token": csrf(client, "/account/login/code")})

    with clock.frozen(clock.now() + timedelta(seconds=90)):
        browser = app.test_client()
        assert log_in(browser, "anna@example.org").headers["Location"] == "/account/login/code"
        code = pyotp.TOTP(secret).at(clock.now())
        assert second_step(browser, code).status_code == 303
        again = app.test_client()
        log_in(again, "anna@example.org")
        reused = second_step(again, code)
        assert reused.status_code == 200 and again.get_cookie("sid") is None
        recovery = second_step(again, codes[0])
        assert recovery.status_code == 303 and again.get_cookie("sid") is not None
        third = app.test_client()
        log_in(third, "anna@example.org", address="10.8.0.1")
        assert second_step(third, codes[0]).status_code == 200


def test_a_deleted_account_cannot_log_in_and_its_public_signals_show_no_name(app, client, confirmed,
                                                                            create_signal):
    item = create_signal(Kind.problem, user=confirmed)
    item.filer.person_name = "Анна Петрова"
    letter = create_signal(Kind.letter, user=confirmed)
    letter.filer.person_name = "Анна Петрова"
    db.session.flush()
    log_in(client, "anna@example.org")
    response = client.post("/account/delete", data={"password": PASSWORD, "csrf_token": csrf(client, "/account/data")})
    assert response.headers["Location"] == "/account/deleted"
    assert db.session.scalar(select(User).where(User.email == "anna@example.org")) is None
    assert log_in(app.test_client(), "anna@example.org", address="10.9.0.1").status_code == 200
    db.session.refresh(item.filer)
    db.session.refresh(letter.filer)
    assert item.filer.person_name == "" and item.filer.user_id is None
    assert "Анна Петрова" not in app.test_client().get(f"/signals/{item.number}").get_data(as_text=True)
    assert letter.filer.person_name == "Анна Петрова" and letter.filer.user_id is None
    assert db.session.scalar(select(func.count()).select_from(WebSession)
                             .where(WebSession.user_id == confirmed.id)) == 0


def test_the_export_holds_my_items_and_no_one_elses(app, client, confirmed, create_signal, create_user):
    mine = create_signal(Kind.problem, user=confirmed, title="Моята дупка")
    theirs = create_signal(Kind.problem, user=create_user(email="other@example.org"), title="Чужда дупка")
    log_in(client, "anna@example.org")
    response = client.get("/account/data.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = response.get_json()
    assert data["profile"]["email"] == "anna@example.org" and data["profile"]["first_name"] == "Анна"
    assert [item["number"] for item in data["items"]] == [mine.number]
    text = response.get_data(as_text=True)
    assert theirs.number not in text and "other@example.org" not in text and "Чужда" not in text
    assert data["sessions"] and all(set(s) == {"started_at", "last_seen_at", "browser"} for s in data["sessions"])


def test_an_organisation_registers_with_a_checked_number(app, client, db_session):
    bad = register(client, "org@example.org", kind="organisation", first_name="", last_name="",
                   organisation="Сдружение „Зелен квартал“", seat="София", org_id="000696328")
    assert bad.status_code == 200 and "org_id-error" in bad.get_data(as_text=True)
    good = register(client, "org@example.org", kind="organisation", first_name="", last_name="",
                    organisation="Сдружение „Зелен квартал“", seat="София", org_id="000696327")
    assert good.status_code == 303
    user = db.session.scalar(select(User).where(User.email == "org@example.org"))
    assert user.kind == AccountKind.organisation and user.name == "Сдружение „Зелен квартал“"


@pytest.mark.parametrize("number,valid", [("000696327", True), ("000696328", False), ("831641791", True),
                                          ("12345678", False), ("abcdefghi", False), ("8316417910002", None)])
def test_eik_check_digits(number, valid):
    if valid is None:                              # a 13-digit number: its last digit is the one that fits
        digits = [d for d in range(10) if valid_eik(number[:12] + str(d))]
        assert len(digits) == 1
    else:
        assert valid_eik(number) is valid


def test_no_personal_data_of_a_registration_reaches_a_log(app, client, db_session, caplog):
    canary = {"first_name": "Канарчо", "last_name": "Канаров", "address": "ул. Канарска 77", "phone": "+359 888 777 666"}
    caplog.set_level("DEBUG")
    register(client, "kanarche@example.org", **canary)
    log_in(client, "kanarche@example.org", "a wrong one!!")
    from app.mail import delivery

    row = last_mail("confirm", "kanarche@example.org")
    delivery.bodies(row)
    logged = caplog.text
    for value in (*canary.values(), "kanarche@example.org", PASSWORD):
        assert value not in logged
    assert db.session.scalar(select(func.count()).select_from(Delivery)) >= 1


def test_an_address_gets_at_most_five_unasked_for_links_a_day(app, client, confirmed):
    for _ in range(8):
        client.post("/account/forgot", data={"email": "anna@example.org", "csrf_token": csrf(client)})
        register(app.test_client(), "anna@example.org")
    sent = db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.recipient == "anna@example.org", Delivery.template.in_(["account/reset",
                                                                          "account/already_registered"])))
    assert sent == 4                         # with the confirmation mail of the fixture: five in the day


def test_an_idn_address_is_one_account_in_either_form(app, client, db_session):
    register(client, "Anna@Пример.бг")
    assert db.session.scalar(select(User.email).where(User.email.like("anna@%"))) == "anna@xn--e1afmkfd.xn--90ae"
    register(app.test_client(), "anna@XN--E1AFMKFD.XN--90AE")
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email.like("anna@%"))) == 1
    assert last_mail("already_registered", "anna@xn--e1afmkfd.xn--90ae") is not None


def test_a_new_address_replaces_the_old_only_through_its_link_and_the_old_one_is_told(app, client, confirmed):
    log_in(client, "anna@example.org")
    form = {"email": "anna.new@example.org", "password": PASSWORD, "csrf_token": csrf(client, "/account/email")}
    assert client.post("/account/email", data=form).headers["Location"] == "/account/check-mail?change=1"
    db.session.refresh(confirmed)
    assert confirmed.email == "anna@example.org"
    stranger = app.test_client()                   # the link opened in another browser logs nobody in
    assert use_link(stranger, link_in(last_mail("change_email", "anna.new@example.org"))).status_code == 303
    db.session.refresh(confirmed)
    assert confirmed.email == "anna.new@example.org"
    assert last_mail("email_changed", "anna@example.org") is not None
    assert stranger.get_cookie("sid") is None and stranger.get("/account/profile").status_code == 302
    assert client.get("/account/profile").status_code == 302                    # every session ended
