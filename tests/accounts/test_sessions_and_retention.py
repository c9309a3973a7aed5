"""Sessions end by themselves (idle, absolute, daily purge), unconfirmed accounts go after 7 days, and "log out
everywhere" and ending one session from the list do what they say."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app import clock
from app.accounts import services, sessions
from app.accounts.models import Role, User, WebSession
from app.extensions import db
from tests.signals.formhelpers import form_token


def _rows(user) -> int:
    return db.session.scalar(select(func.count()).select_from(WebSession).where(WebSession.user_id == user.id))


def test_a_resident_session_ends_after_the_idle_time_and_a_staff_session_after_30_minutes(app, create_user,
                                                                                            login_as):
    resident, staff = create_user(), create_user(Role.staff)
    mine, theirs = login_as(resident), login_as(staff)
    with clock.frozen(clock.now() + timedelta(minutes=31)):
        assert mine.get("/account/security").status_code == 200
        assert theirs.get("/account/security").status_code == 302      # to the login page
        assert theirs.get_cookie("sid") is None
    with clock.frozen(clock.now() + timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)):
        assert mine.get("/account/security").status_code == 302


def test_no_session_outlives_its_absolute_limit(app, create_user, login_as):
    client = login_as(create_user())
    row = db.session.scalars(select(WebSession).order_by(WebSession.id.desc())).first()
    row.created_at = clock.now() - timedelta(hours=app.config["SESSION_MAX_HOURS"], minutes=1)
    db.session.flush()
    assert client.get("/account/profile").status_code == 302


def test_the_daily_purge_deletes_ended_sessions_and_unconfirmed_accounts_after_7_days(app, create_user, login_as):
    fresh, stale = create_user(), create_user()
    login_as(fresh)
    login_as(stale)
    row = db.session.scalars(select(WebSession).where(WebSession.user_id == stale.id)).one()
    row.last_seen_at = clock.now() - timedelta(days=1)
    waiting = create_user(confirmed=False)
    old = create_user(confirmed=False)
    old.created_at = clock.now() - timedelta(days=8)
    db.session.flush()
    assert sessions.purge() == 1 and _rows(fresh) == 1 and _rows(stale) == 0
    assert services.purge_unconfirmed() == 1
    assert db.session.get(User, waiting.id) is not None
    assert db.session.scalar(select(User.id).where(User.id == old.id)) is None
    assert {"sessions-purge", "unconfirmed-accounts-purge"} <= set(app.extensions["daily_tasks"])


def test_log_out_everywhere_and_ending_one_session_from_the_list(app, create_user, login_as):
    user = create_user()
    here, phone, laptop = login_as(user), login_as(user), login_as(user)
    assert _rows(user) == 3
    here.set_cookie("lang", "en")
    page = here.get("/account/security").get_data(as_text=True)
    assert page.count("End this session") == 2 and page.count("Log out here") == 1 and "(this browser)" in page
    phone_row = db.session.scalars(select(WebSession.id).where(WebSession.user_id == user.id)
                                   .order_by(WebSession.id)).all()[1]
    here.post("/account/sessions/end", data={"session": str(phone_row), "csrf_token": form_token(here, "/account/security")})
    assert phone.get("/account/profile").status_code == 302 and laptop.get("/account/profile").status_code == 200
    here.post("/account/sessions/end", data={"session": "x" * 30, "csrf_token": form_token(here, "/account/security")})
    assert _rows(user) == 2
    here.post("/account/sessions/end-all", data={"csrf_token": form_token(here, "/account/security")})
    assert _rows(user) == 0
    assert here.get("/account/profile").status_code == 302 and laptop.get("/account/profile").status_code == 302


def test_someone_elses_session_cannot_be_ended_from_my_list(app, create_user, login_as):
    mine, theirs = create_user(), create_user()
    me, them = login_as(mine), login_as(theirs)
    their_row = db.session.scalar(select(WebSession.id).where(WebSession.user_id == theirs.id))
    me.post("/account/sessions/end", data={"session": str(their_row), "csrf_token": form_token(me, "/account/security")})
    assert them.get("/account/profile").status_code == 200


def test_a_role_change_ends_every_session_of_the_user(app, create_user, login_as):
    user = create_user(email="promoted@example.org")
    browser = login_as(user)
    result = app.test_cli_runner().invoke(args=["accounts", "role", "Promoted@Example.org", "staff"])
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.role == Role.staff and _rows(user) == 0
    assert browser.get("/account/profile").status_code == 302
    refused = app.test_cli_runner().invoke(args=["accounts", "role", "nobody@example.org", "staff"])
    assert refused.exit_code != 0 and "no account" in refused.output
