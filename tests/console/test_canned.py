"""Canned responses: a manager keeps them per department and language; staff insert one into a reply with its
placeholders filled — the filer's name only in a reply to the filer — and a public reply naming the filer is
refused with a message and nothing written."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.accounts.models import Role
from app.extensions import db
from app.kinds import Kind
from signals.models import CannedResponse, UpdateKind
from tests.console.test_console_access import SECRET
from tests.signals.formhelpers import form_token


def test_a_canned_response_fills_in_and_a_public_reply_never_names_the_filer(app, db_session, create_category,
                                                                             create_user, create_signal, login_as):
    category = create_category(Kind.letter)
    manager = create_user(Role.staff, department=category.department, manager=True, totp_secret=SECRET)
    item = create_signal(Kind.letter, category=category, user=create_user(), person_name="Мария Колева Петрова",
                         point=None)
    db.session.commit()
    client = login_as(manager)
    client.set_cookie("lang", "en")
    saved = client.post("/console/canned", data={
        "csrf_token": form_token(client, "/console/canned"), "locale": "bg", "title": "Получено",
        "body": "Уважаема/и {name}, преписка {number} от {date} се разглежда от {department}."})
    assert saved.status_code == 303
    response = db.session.scalar(select(CannedResponse))
    to_filer = client.get(f"/console/signals/{item.number}?canned={response.id}&audience=filer")
    text = to_filer.get_data(as_text=True)
    assert "Мария Колева Петрова" in text and item.number in text and category.department.name_bg in text
    public = client.get(f"/console/signals/{item.number}?canned={response.id}&audience=public").get_data(as_text=True)
    assert "Уважаема/и , преписка" in public and "{name}" not in public
    version = re.search(r'name="version" type="hidden" value="(\d+)"', public).group(1)
    refused = client.post(f"/console/signals/{item.number}/reply", follow_redirects=True, data={
        "csrf_token": form_token(client, f"/console/signals/{item.number}"), "version": version,
        "audience": "public", "body": "Отговор до Петрова: готово."})
    db.session.refresh(item)
    assert "never names the filer" in refused.get_data(as_text=True)
    assert not [u for u in item.updates if u.kind == UpdateKind.public_reply]
    assert login_as(create_user(Role.staff, department=category.department, totp_secret=SECRET)) \
        .get("/console/canned").status_code == 404                            # members do not keep them
