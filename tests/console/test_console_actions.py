"""Working an item in the console: each action one service with its history entry, audit row and event; moves
outside the workflow table refused with a message and nothing changed; a stale form changes nothing and names who
changed the item; a reply to an address given without an account carries no typed text."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.accounts.models import Role
from app.audit import AuditEntry
from app.extensions import db
from app.kinds import Kind
from app.mail.models import Delivery
from signals.models import UpdateKind, Visibility
from signals.workflow import Status
from tests.console.test_console_access import SECRET
from tests.signals.formhelpers import form_token


@pytest.fixture
def desk(app, db_session, create_category, create_user, create_signal):
    category = create_category(Kind.problem)
    department = category.department
    people = {"staff": create_user(Role.staff, department=department, totp_secret=SECRET, first_name="Анна",
                                   last_name="Илиева"),
              "other": create_user(Role.staff, department=department, totp_secret=SECRET, first_name="Борис",
                                   last_name="Борисов"),
              "manager": create_user(Role.staff, department=department, manager=True, totp_secret=SECRET)}
    item = create_signal(Kind.problem, category=category, email="anon@example.org",
                         description="Дупка пред блок 12, звънец Петрови.")
    db.session.commit()
    return {"item": item, **people}


def _form(client, item, anchor: str) -> dict:
    page = client.get(f"/console/signals/{item.number}").get_data(as_text=True)
    form = page[page.index(f'id="{anchor}"'):]
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    return {"csrf_token": form_token(client, f"/console/signals/{item.number}"), "version": version}


def _audited(action: str, item) -> bool:
    return db.session.scalar(select(AuditEntry).where(AuditEntry.action == action,
                                                      AuditEntry.object_id == item.id)) is not None


def test_a_status_change_along_the_table_is_written_and_one_outside_it_is_refused(app, desk, login_as):
    item, client = desk["item"], login_as(desk["staff"])
    client.set_cookie("lang", "en")
    done = client.post(f"/console/signals/{item.number}/status",
                       data={**_form(client, item, "status"), "status": "in_progress"})
    assert done.status_code == 303
    db.session.refresh(item)
    assert item.status == Status.in_progress and _audited("status_change", item)
    refused = client.post(f"/console/signals/{item.number}/status",
                          data={**_form(client, item, "status"), "status": "registered"}, follow_redirects=True)
    db.session.refresh(item)
    assert item.status == Status.in_progress and "not allowed" in refused.get_data(as_text=True)


def test_a_stale_form_changes_nothing_and_names_who_changed_the_item(app, desk, login_as):
    item = desk["item"]
    mine, theirs = login_as(desk["staff"]), login_as(desk["other"])
    mine.set_cookie("lang", "en")
    my_form, their_form = _form(mine, item, "status"), _form(theirs, item, "status")
    first = theirs.post(f"/console/signals/{item.number}/status", data={**their_form, "status": "in_progress"})
    assert first.status_code == 303
    second = mine.post(f"/console/signals/{item.number}/status", data={**my_form, "status": "rejected"},
                       follow_redirects=True)
    db.session.refresh(item)
    page = second.get_data(as_text=True)
    assert item.status == Status.in_progress and "Nothing changed" in page and "Борис Борисов" in page


def test_a_public_reply_to_an_anonymous_filer_mails_no_typed_text(app, desk, login_as):
    item, client = desk["item"], login_as(desk["staff"])
    text = "Ремонтът е възложен на фирма Пътстрой."
    done = client.post(f"/console/signals/{item.number}/reply",
                       data={**_form(client, item, "reply"), "body": text, "audience": "public"})
    assert done.status_code == 303
    db.session.refresh(item)
    reply = next(u for u in item.updates if u.kind == UpdateKind.public_reply)
    assert reply.visibility == Visibility.public and _audited("public_reply", item)
    assert text in app.test_client().get(f"/signals/{item.number}").get_data(as_text=True)
    from app.mail.delivery import bodies

    mail = db.session.scalars(select(Delivery).where(Delivery.template == "reply")).one()
    body_text, body_html = bodies(mail)
    assert mail.recipient == "anon@example.org" and text not in body_text + body_html
    assert item.number in body_text


def test_an_internal_note_is_for_staff_only(app, desk, login_as):
    item, client = desk["item"], login_as(desk["staff"])
    note = "Вътрешно: да се провери с район Средец."
    client.post(f"/console/signals/{item.number}/note", data={**_form(client, item, "note"), "body": note})
    assert note in client.get(f"/console/signals/{item.number}").get_data(as_text=True)
    assert note not in app.test_client().get(f"/signals/{item.number}").get_data(as_text=True)
    assert db.session.scalars(select(Delivery)).all() == [] or all(
        note not in (d.body_text or "") for d in db.session.scalars(select(Delivery)))


def test_a_member_takes_an_item_and_only_a_manager_gives_it_to_someone_else(app, desk, login_as):
    item = desk["item"]
    member = login_as(desk["staff"])
    refused = member.post(f"/console/signals/{item.number}/assign",
                          data={**_form(member, item, "assign"), "assignee": str(desk["other"].id)})
    db.session.refresh(item)
    assert refused.status_code == 303 and item.assignee_id is None
    member.post(f"/console/signals/{item.number}/assign",
                data={**_form(member, item, "assign"), "assignee": str(desk["staff"].id)})
    db.session.refresh(item)
    assert item.assignee_id == desk["staff"].id and _audited("assign", item)
    manager = login_as(desk["manager"])
    manager.post(f"/console/signals/{item.number}/assign",
                 data={**_form(manager, item, "assign"), "assignee": str(desk["other"].id)})
    db.session.refresh(item)
    assert item.assignee_id == desk["other"].id
    told = db.session.scalars(select(Delivery).where(Delivery.template == "console/assigned")).all()
    assert [d.recipient for d in told] == [desk["other"].email]
    assert any(u.kind == UpdateKind.assignment and u.visibility == Visibility.internal for u in item.updates)


def test_the_inbox_shows_open_items_by_default_and_filters_by_words_status_and_due_days(app, desk, login_as,
                                                                                         create_signal):
    item = desk["item"]
    done = create_signal(Kind.problem, category=item.category, title="Стара изгоряла лампа")
    from signals.services import change_status

    for step in (Status.in_progress, Status.answered, Status.closed):
        change_status(done, step, desk["staff"])
    db.session.commit()
    client = login_as(desk["staff"])
    default = client.get("/console").get_data(as_text=True)
    assert item.number in default and done.number not in default and 'id="waiting"' in default   # 1 new to take
    everything = client.get("/console?status=all").get_data(as_text=True)
    assert item.number in everything and done.number in everything
    assert done.number in client.get("/console?status=all&q=изгоряла").get_data(as_text=True)
    assert item.number not in client.get("/console?status=all&q=изгоряла").get_data(as_text=True)
    within = client.get("/console?due_within=60").get_data(as_text=True)          # 30 days ≤ 60 working days
    assert item.number in within and item.number not in client.get("/console?due_within=1").get_data(as_text=True)
    lookup = client.get(f"/console?q={item.number.lower().replace('-', ' ')}")
    assert lookup.status_code == 303 and lookup.headers["Location"].endswith(f"/console/signals/{item.number}")
    for hostile in ("status=x", "page=-1", "due_within=99999", "assignee=abc", "sort=x", "district=1e9", "q=%25_"):
        assert client.get(f"/console?{hostile}").status_code == 200, hostile
    assert client.get("/console?status=%00").status_code == 400           # NUL: the site-wide 400


def test_a_manager_reads_the_departments_audit_and_a_member_does_not(app, desk, login_as):
    item = desk["item"]
    member = login_as(desk["staff"])
    member.post(f"/console/signals/{item.number}/note", data={**_form(member, item, "note"), "body": "Бележка."})
    page = login_as(desk["manager"]).get("/console/audit")
    assert page.status_code == 200 and item.number in page.get_data(as_text=True) and "internal_note" in \
        page.get_data(as_text=True)
    assert member.get("/console/audit").status_code == 404


def test_a_public_reply_carries_the_after_photo_for_everyone_and_refuses_a_document(app, desk, login_as):
    import io

    from tests.signals.formhelpers import jpeg
    from tests.signals.test_private_attachments import pdf

    item, client = desk["item"], login_as(desk["staff"])
    client.set_cookie("lang", "en")
    refused = client.post(f"/console/signals/{item.number}/reply", content_type="multipart/form-data",
                          data={**_form(client, item, "reply"), "body": "Готово.", "audience": "public",
                                "files": [(io.BytesIO(pdf()), "report.pdf")]}, follow_redirects=True)
    db.session.refresh(item)
    assert "Only photos" in refused.get_data(as_text=True) and item.attachments == []
    done = client.post(f"/console/signals/{item.number}/reply", content_type="multipart/form-data",
                       data={**_form(client, item, "reply"), "body": "Готово: вижте снимката.", "audience": "public",
                             "files": [(io.BytesIO(jpeg(60, 40)), "after.jpg")]})
    assert done.status_code == 303
    db.session.refresh(item)
    [after] = item.attachments
    assert after.approved and after.update_id is not None
    public = app.test_client()
    page = public.get(f"/signals/{item.number}").get_data(as_text=True)
    assert f"/signals/{item.number}/photos/{after.id}" in page and "Готово: вижте снимката." in page
    photo = public.get(f"/signals/{item.number}/photos/{after.id}")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
