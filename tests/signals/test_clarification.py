"""Clarification as services, on a frozen clock: an information request's 14 days start again from the answer
(ZDOI art. 29), a letter resumes with the days that were left; the filer is told; the 30 days to answer run
from the notice's sending, and a withheld or unsent notice starts nothing."""

from __future__ import annotations

import io
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from app import clock
from app.accounts.models import Role
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from signals.models import UpdateKind
from signals.services import change_status
from signals.services.clarification import answer_clarification, expire_clarifications, request_clarification
from signals.services.errors import InvalidInput, TransitionNotAllowed
from signals.workflow import Status
from tests.signals.formhelpers import form_token


def _at(day: str) -> datetime:
    return clock.parse_local(f"{day} 10:00")


def test_an_information_requests_clock_restarts_from_the_answer(app, create_signal, create_user):
    filer, staff = create_user(), create_user(Role.staff)
    with clock.frozen(_at("2026-06-01")):
        item = create_signal(Kind.info_request, user=filer, point=None)
        change_status(item, Status.in_progress, staff)
        request_clarification(item, staff, "Моля, уточнете за коя година.")
    assert item.status == Status.awaiting_clarification
    with clock.frozen(_at("2026-06-10")):
        answer_clarification(item, filer, "За 2025 г.")
    assert item.due_on == date(2026, 6, 24) and item.period_start == date(2026, 6, 10)   # ARCHITECTURE's vector
    assert item.status == Status.in_progress
    kinds = [u.kind for u in item.updates]
    assert UpdateKind.clarification_request in kinds and UpdateKind.clarification_answer in kinds


def test_a_letters_clock_resumes_with_the_days_left(app, create_signal, create_user):
    filer, staff = create_user(), create_user(Role.staff)
    with clock.frozen(_at("2026-06-01")):
        item = create_signal(Kind.letter, user=filer, point=None)
        due = item.due_on                                              # 30 days: 2026-07-01
        change_status(item, Status.in_progress, staff)
    with clock.frozen(_at("2026-06-11")):
        request_clarification(item, staff, "Кой вход?")               # 20 days left
    with clock.frozen(_at("2026-06-25")):
        answer_clarification(item, filer, "Вход Б.")
    assert due == date(2026, 7, 1) and item.due_on == date(2026, 7, 15)


def test_the_filer_is_told_what_is_asked_at_the_accounts_address(app, create_signal, create_user):
    filer, staff = create_user(email="filer@example.org"), create_user(Role.staff)
    item = create_signal(Kind.letter, user=filer, point=None)
    change_status(item, Status.in_progress, staff)
    request_clarification(item, staff, "Моля, приложете снимка.")
    mail = db.session.scalar(select(Delivery).where(Delivery.template == "clarification"))
    assert mail.recipient == "filer@example.org" and mail.required
    from app.mail.outbox import render

    assert "Моля, приложете снимка." in render(mail).body_text


def test_bad_requests_and_answers_change_nothing(app, create_signal, create_user):
    filer, staff = create_user(), create_user(Role.staff)
    item = create_signal(Kind.letter, user=filer, point=None)
    change_status(item, Status.in_progress, staff)
    with pytest.raises(InvalidInput):
        request_clarification(item, staff, "   ")
    with pytest.raises(TransitionNotAllowed):
        answer_clarification(item, filer, "никой не пита")
    assert item.status == Status.in_progress


def test_no_answer_within_30_days_of_the_sent_notice_leaves_it_without_consideration_once(app, create_signal,
                                                                                           create_user):
    filer, staff = create_user(), create_user(Role.staff)
    sent, unsent = create_signal(Kind.letter, user=filer, point=None), create_signal(Kind.letter, user=filer,
                                                                                      point=None)
    for item in (sent, unsent):
        change_status(item, Status.in_progress, staff)
        request_clarification(item, staff, "Уточнете.")
    notice = db.session.scalar(select(Delivery).where(Delivery.signal_id == sent.id,
                                                      Delivery.template == "clarification"))
    notice.sent_at = datetime(2026, 6, 1, 9, 0, tzinfo=timezone.utc)
    db.session.flush()
    with clock.frozen(_at("2026-07-01")):
        assert expire_clarifications() == 0                        # the 30th day: still in time
    with clock.frozen(_at("2026-07-02")):
        assert expire_clarifications() == 1
        assert expire_clarifications() == 0
    assert sent.status == Status.left_without_consideration
    assert unsent.status == Status.awaiting_clarification           # its notice never went: nothing started


def test_the_filer_answers_on_the_item_page_and_others_cannot(app, create_signal, create_user, login_as):
    filer, staff = create_user(), create_user(Role.staff)
    item = create_signal(Kind.letter, user=filer, point=None)
    change_status(item, Status.in_progress, staff)
    request_clarification(item, staff, "Кой вход?")
    client = login_as(filer)
    client.set_cookie("lang", "en")
    page = client.get(f"/signals/{item.number}").get_data(as_text=True)
    assert 'id="clarify"' in page and "Кой вход?" in page and "clarification requested" in page
    import re

    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    stranger = login_as(create_user())
    theirs = form_token(stranger, "/account/security")
    assert stranger.post(f"/signals/{item.number}/clarification", data={"answer": "x", "csrf_token": theirs}) \
        .status_code == 404
    empty = client.post(f"/signals/{item.number}/clarification", data={"answer": "  ", "csrf_token": token})
    assert empty.status_code == 422 and item.status == Status.awaiting_clarification
    assert 'id="answer-error"' in empty.get_data(as_text=True)          # the error stands next to the field
    done = client.post(f"/signals/{item.number}/clarification", data={"answer": "Вход Б.", "csrf_token": token})
    assert done.status_code == 303
    db.session.refresh(item)
    assert item.status == Status.in_progress
    page = client.get(f"/signals/{item.number}").get_data(as_text=True)
    assert "Вход Б." in page and 'id="clarify"' not in page


def test_the_answer_carries_files_that_only_the_filer_and_staff_get(app, create_signal, create_user, login_as,
                                                                    create_category):
    from tests.signals.test_private_attachments import pdf

    category = create_category(Kind.problem)
    filer, staff = create_user(), create_user(Role.staff, department=category.department)
    item = create_signal(Kind.problem, user=filer, category=category)
    change_status(item, Status.in_progress, staff)
    request_clarification(item, staff, "Изпратете снимка на знака.")
    client = login_as(filer)
    client.set_cookie("lang", "en")
    token = form_token(client, f"/signals/{item.number}")
    refused = client.post(f"/signals/{item.number}/clarification", content_type="multipart/form-data",
                          data={"answer": "Ето го.", "csrf_token": token,
                                "files": [(io.BytesIO(b"MZ\x90\x00" + b"\x00" * 99), "sign.pdf")]})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and 'id="files-error"' in page and "Ето го." in page   # the text is kept
    assert item.status == Status.awaiting_clarification
    done = client.post(f"/signals/{item.number}/clarification", content_type="multipart/form-data",
                       data={"answer": "Ето го.", "csrf_token": token, "files": [(io.BytesIO(pdf()), "sign.pdf")]})
    assert done.status_code == 303
    db.session.refresh(item)
    [file] = item.attachments
    answer = next(u for u in item.updates if u.kind == UpdateKind.clarification_answer)
    assert (item.status, file.update_id, file.approved) == (Status.in_progress, answer.id, False)
    assert file.filename == f"{item.number}-1.pdf"
    link = f"/signals/{item.number}/attachments/{file.id}"
    assert link in client.get(f"/signals/{item.number}").get_data(as_text=True)
    assert client.get(link).status_code == 200
    assert login_as(staff).get(link).status_code == 200
    assert login_as(create_user()).get(link).status_code == 404
    public = app.test_client().get(f"/signals/{item.number}")
    assert public.status_code == 200 and link not in public.get_data(as_text=True)
    assert app.test_client().get(f"/signals/{item.number}/photos/{file.id}").status_code == 404
