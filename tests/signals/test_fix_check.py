"""Verified fixes, on a frozen clock: a resolved problem's filer is asked "Is it fixed?" by mail (nothing anyone
typed) and on the item's page; no within 15 days reopens it with the filer's comment (filer and staff only) and
tells the department; yes closes it; silence closes it after 15 days, once; late, unasked or incomplete answers
change nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.accounts.models import Role
from app.audit import AuditEntry
from app.extensions import db
from app.kinds import Kind
from app.mail.delivery import bodies
from app.mail.models import Delivery
from app.mail.outbox import render
from signals import tokens
from signals.models import UpdateKind, Visibility
from signals.services import change_status
from signals.services.fix_check import close_unanswered
from signals.workflow import Status, path_to
from tests.console.test_console_access import SECRET
from tests.signals.formhelpers import form_token

DAY0 = "2026-06-01 10:00"


def _day(n: int) -> datetime:
    return clock.parse_local(DAY0) + timedelta(days=n)


@pytest.fixture
def place(create_category, create_user):
    """A problem category, its department (with an address) and a member of its staff."""
    category = create_category(Kind.problem)
    category.department.email = "roads@example.org"
    staff = create_user(Role.staff, department=category.department, totp_secret=SECRET)
    return {"category": category, "staff": staff}


def _resolved(create_signal, place, **filer):
    """A problem resolved by the department on DAY0 (committed, so a refused request undoes only itself)."""
    with clock.frozen(DAY0):
        item = create_signal(Kind.problem, category=place["category"], **filer)
        for status in path_to(Kind.problem, Status.resolved):
            change_status(item, status, place["staff"])
    db.session.commit()
    return item


def _as_token_holder(app, item):
    """A browser holding the item's filer token (the link in the filer's mail), in English."""
    client = app.test_client()
    client.set_cookie("lang", "en")
    assert client.get(f"/signals/{item.number}?t={tokens.current(item)}").status_code == 302
    return client


def _answer(client, item, **data):
    token = form_token(client)            # the session's CSRF token (a refused item's page shows no form)
    return client.post(f"/signals/{item.number}/fixed", data={"csrf_token": token, **data})


def _mails(item, template: str) -> list[Delivery]:
    return list(db.session.scalars(select(Delivery).where(Delivery.signal_id == item.id,
                                                          Delivery.template == template).order_by(Delivery.id)))


def _kinds(item) -> list[UpdateKind]:
    db.session.refresh(item)
    return [u.kind for u in item.updates]


def test_resolving_asks_the_filer_by_mail_without_typed_text_and_on_the_page(app, place, create_signal,
                                                                            create_user, login_as):
    item = _resolved(create_signal, place, email="filer@example.org", title="CANARY-TITLE",
                     description="CANARY-DESCRIPTION")
    [mail] = _mails(item, "fix_question")
    text, html = bodies(mail)
    subject = render(mail).subject
    assert mail.required and mail.to_unverified and mail.recipient == "filer@example.org"
    assert item.number in subject and f"/signals/{item.number}?t={tokens.current(item)}" in text
    assert "15" in text and "16" in text                              # within 15 days: by 16 June
    for canary in ("CANARY-TITLE", "CANARY-DESCRIPTION"):
        assert canary not in subject + text + html
    notices = [u.data["notice"] for u in item.updates if u.kind == UpdateKind.notice]
    assert notices == ["registered", "fix_question"]                  # the question tells the outcome too
    [question] = [u for u in item.updates if u.kind == UpdateKind.fix_question]
    assert question.visibility == Visibility.filer and question.data["answer_by"] == "2026-06-16"
    with clock.frozen(_day(3)):
        page = _as_token_holder(app, item).get(f"/signals/{item.number}").get_data(as_text=True)
        assert 'id="fix-check"' in page and "Is it fixed?" in page and 'value="no"' in page
        anonymous = app.test_client().get(f"/signals/{item.number}", headers={"Cookie": "lang=en"})
        assert 'id="fix-check"' not in anonymous.get_data(as_text=True)
        assert "asked whether it is fixed" not in anonymous.get_data(as_text=True)


def test_a_filer_with_an_account_is_asked_on_the_page_and_nobody_else(app, place, create_signal, create_user,
                                                                    login_as):
    filer = create_user(email="resident@example.org")
    item = _resolved(create_signal, place, user=filer)
    [mail] = _mails(item, "fix_question")
    assert mail.recipient == "resident@example.org" and not mail.to_unverified
    with clock.frozen(_day(15)):                                      # the last day to answer
        assert 'id="fix-check"' in login_as(filer).get(f"/signals/{item.number}").get_data(as_text=True)
        other = login_as(create_user()).get(f"/signals/{item.number}").get_data(as_text=True)
        assert 'id="fix-check"' not in other
        staff = login_as(place["staff"]).get(f"/signals/{item.number}").get_data(as_text=True)
        assert 'id="fix-check"' not in staff


def test_no_with_a_comment_reopens_it_for_the_filer_and_staff_and_tells_the_department(app, place, create_signal,
                                                                                      login_as):
    item = _resolved(create_signal, place, email="filer@example.org")
    with clock.frozen(_day(10)):
        filer = _as_token_holder(app, item)
        done = _answer(filer, item, fixed="no", comment="CANARY: the hole is still there")
        assert done.status_code == 303
        db.session.refresh(item)
        assert item.status == Status.in_progress and item.closed_at is None
        assert "the department is told" in filer.get(f"/signals/{item.number}").get_data(as_text=True)
        page = filer.get(f"/signals/{item.number}").get_data(as_text=True)
        assert "CANARY: the hole is still there" in page and 'id="fix-check"' not in page
        assert "the filer says it is not fixed" in page
        console = login_as(place["staff"]).get(f"/console/signals/{item.number}").get_data(as_text=True)
        assert "CANARY: the hole is still there" in console
        public = app.test_client().get(f"/signals/{item.number}").get_data(as_text=True)
        assert "CANARY" not in public
    [answer] = [u for u in item.updates if u.kind == UpdateKind.fix_answer]
    assert answer.visibility == Visibility.filer and answer.data["fixed"] is False
    audited = db.session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == item.id)).all()
    assert {"fix_question", "fix_answer"} <= set(audited)
    [told] = _mails(item, "console/not_fixed")
    text, html = bodies(told)
    assert told.recipient == "roads@example.org" and not told.required
    assert item.number in render(told).subject and f"/console/signals/{item.number}" in text + html
    assert "CANARY" not in render(told).subject + text + html


def test_yes_closes_it_and_the_department_is_not_mailed(app, place, create_signal, create_user, login_as):
    filer = create_user()
    item = _resolved(create_signal, place, user=filer)
    with clock.frozen(_day(2)):
        client = login_as(filer)
        client.set_cookie("lang", "en")
        assert _answer(client, item, fixed="yes", comment="").status_code == 303
        db.session.refresh(item)
        assert item.status == Status.closed and item.closed_at == _day(2)
        page = client.get(f"/signals/{item.number}").get_data(as_text=True)
        assert "the item is closed" in page and "the filer says it is fixed" in page and 'id="fix-check"' not in page
    assert _mails(item, "console/not_fixed") == []


def test_silence_closes_it_after_15_days_once_and_a_no_is_not_closed(app, place, create_signal, login_as):
    asked = _resolved(create_signal, place, email="filer@example.org")
    unreachable = _resolved(create_signal, place)                     # no account, no email: nobody to ask
    reopened = _resolved(create_signal, place, email="other@example.org")
    assert UpdateKind.fix_question not in _kinds(unreachable) and _mails(unreachable, "fix_question") == []
    with clock.frozen(_day(5)):
        assert _answer(_as_token_holder(app, reopened), reopened, fixed="no", comment="Not fixed.").status_code == 303
    task = app.extensions["daily_tasks"]["fix-check-closing"]
    with clock.frozen(_day(15)):
        assert task() == 0                                            # the 15th day: still in time
    with clock.frozen(_day(16)):
        assert task() == 2
        assert task() == 0
    for item in (asked, unreachable, reopened):
        db.session.refresh(item)
    assert (asked.status, unreachable.status, reopened.status) == (Status.closed, Status.closed, Status.in_progress)
    assert asked.closed_at == _day(16)


def test_a_late_or_unasked_answer_is_refused_and_changes_nothing(app, place, create_signal, create_user, login_as):
    filer = create_user()
    late = _resolved(create_signal, place, email="filer@example.org")
    with clock.frozen(DAY0):
        working = create_signal(Kind.problem, category=place["category"], user=filer)
        change_status(working, Status.in_progress, place["staff"])
    db.session.commit()
    with clock.frozen(_day(16)):                                      # the task has not run yet
        refused = _answer(_as_token_holder(app, late), late, fixed="no", comment="Still broken.")
        assert refused.status_code == 303
        client = login_as(filer)
        client.set_cookie("lang", "en")
        unasked = _answer(client, working, fixed="no", comment="Still broken.")
        assert unasked.status_code == 303
        assert "does not wait for your answer" in client.get(f"/signals/{working.number}").get_data(as_text=True)
        stranger = login_as(create_user())
        assert stranger.post(f"/signals/{late.number}/fixed",
                             data={"fixed": "yes", "csrf_token": form_token(stranger, "/account/security")}
                             ).status_code == 404
    db.session.refresh(late)
    db.session.refresh(working)
    assert (late.status, working.status) == (Status.resolved, Status.in_progress)
    assert UpdateKind.fix_answer not in _kinds(late) + _kinds(working)
    assert _mails(late, "console/not_fixed") == [] and _mails(working, "console/not_fixed") == []


def test_a_no_without_a_comment_shows_the_error_at_the_field_and_changes_nothing(app, place, create_signal):
    item = _resolved(create_signal, place, email="filer@example.org")
    with clock.frozen(_day(1)):
        client = _as_token_holder(app, item)
        empty = _answer(client, item, fixed="no", comment="   ")
        page = empty.get_data(as_text=True)
        assert empty.status_code == 422 and 'id="comment-error"' in page and 'id="fix-check"' in page
        too_long = _answer(client, item, fixed="no", comment="x" * 2001)
        assert too_long.status_code == 422 and 'id="comment-error"' in too_long.get_data(as_text=True)
        neither = _answer(client, item, comment="Hm.")
        assert neither.status_code == 422 and 'id="fixed-error"' in neither.get_data(as_text=True)
    db.session.refresh(item)
    assert item.status == Status.resolved and UpdateKind.fix_answer not in _kinds(item)
    assert _mails(item, "console/not_fixed") == []
