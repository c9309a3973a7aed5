"""ZDOI extensions on a frozen clock and the real calendar: art. 30 gives registration + 24 days (the fixed vector
2026-12-14 → 2026-12-29, extended → 2027-01-07) and tells the requester in their language; art. 31 only when the
third party's consent was asked within 7 days of registration; never after the deadline, never twice, and only by
an official authorised to decide."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from app import clock
from app.accounts.models import Role
from app.departments.models import Membership
from app.extensions import db
from app.kinds import Kind
from app.mail.delivery import bodies
from app.mail.models import Delivery
from signals.models import UpdateKind
from signals.services import zdoi
from tests.console.test_console_access import SECRET
from tests.signals.formhelpers import form_token


@pytest.fixture
def request_desk(app, db_session, create_category, create_user, create_signal):
    category = create_category(Kind.info_request)
    official = create_user(Role.staff, department=category.department, totp_secret=SECRET, locale="bg")
    db.session.scalar(select(Membership).where(Membership.user_id == official.id)).may_decide = True
    clerk = create_user(Role.staff, department=category.department, totp_secret=SECRET)
    requester = create_user(locale="en")
    with clock.frozen("2026-12-14 10:00"):
        item = create_signal(Kind.info_request, category=category, user=requester, point=None)
    db.session.commit()
    return {"item": item, "official": official, "clerk": clerk, "requester": requester}


def _post(client, item, action: str, **data):
    page = client.get(f"/console/signals/{item.number}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    return client.post(f"/console/signals/{item.number}/{action}", data={
        "csrf_token": form_token(client, f"/console/signals/{item.number}"), "version": version, **data})


def test_an_art_30_extension_follows_the_fixed_vector_and_tells_the_requester(app, request_desk, login_as):
    item = request_desk["item"]
    assert item.due_on == date(2026, 12, 29)
    with clock.frozen("2026-12-20 10:00"):
        done = _post(login_as(request_desk["official"]), item, "extend", article="30",
                     reason="Голям обем информация.")
    assert done.status_code == 303
    db.session.refresh(item)
    assert item.due_on == date(2027, 1, 7) and item.extension_days == 10
    assert [u.data["article"] for u in item.updates if u.kind == UpdateKind.extension] == ["30"]
    mail = db.session.scalar(select(Delivery).where(Delivery.template == "extended"))
    text, _html = bodies(mail)
    assert mail.recipient == request_desk["requester"].email and "art. 30" in text and "2027" in text
    with clock.frozen("2026-12-21 10:00"):                                   # never twice
        with pytest.raises(zdoi.ExtensionRefused):
            zdoi.extend(item, request_desk["official"], "31", "Още.")


def test_an_extension_after_the_deadline_or_by_an_official_without_the_right_is_refused(app, request_desk,
                                                                                       login_as):
    item = request_desk["item"]
    with clock.frozen("2026-12-30 10:00"):
        late = _post(login_as(request_desk["official"]), item, "extend", article="30", reason="Късно.")
    with clock.frozen("2026-12-20 10:00"):
        clerk = login_as(request_desk["clerk"])
        clerk.set_cookie("lang", "en")
        unauthorised = clerk.post(f"/console/signals/{item.number}/extend", follow_redirects=True, data={
            "csrf_token": form_token(clerk, f"/console/signals/{item.number}"), "version": str(item.version),
            "article": "30", "reason": "Нямам право."})
    db.session.refresh(item)
    assert late.status_code == 303 and item.due_on == date(2026, 12, 29) and item.extension_days == 0
    assert "may not do this" in unauthorised.get_data(as_text=True)


def test_art_31_needs_the_consent_asked_within_7_days(app, request_desk):
    item, official = request_desk["item"], request_desk["official"]
    with clock.frozen("2026-12-22 10:00"):                                   # the 8th day: too late to count
        zdoi.record_consent_request(item, official, "Фирма „Пътстрой“ ЕООД")
        with pytest.raises(zdoi.ExtensionRefused):
            zdoi.extend(item, official, "31", "Нужно е съгласие на трето лице.")
    with clock.frozen("2026-12-21 10:00"):                                   # the 7th day: in time
        zdoi.record_consent_request(item, official, "Фирма „Пътстрой“ ЕООД")
        zdoi.extend(item, official, "31", "Нужно е съгласие на трето лице.")
    assert item.due_on == date(2027, 1, 11) and item.extension_days == 14
