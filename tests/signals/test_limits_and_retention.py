"""Per-IP filing limit (also with Redis gone) and the retention purge."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock, create_app
from app.extensions import db
from app.kinds import Kind
from signals import services, workflow
from signals.models import Attachment
from signals.services import retention
from signals.workflow import Status
from tests.signals.formhelpers import form_tokens, report


@pytest.mark.parametrize("redis_state", ["up", "stopped"])
def test_the_filing_after_the_limit_gets_the_429_page(test_config, db_session, create_category, redis_server,
                                                      redis_state):
    category = create_category(Kind.problem)
    app = create_app({**test_config, "REDIS_URL": redis_server.url, "FILING_RATE_LIMIT": "3 per hour"})
    if redis_state == "stopped":
        redis_server.stop()
    client = app.test_client()
    statuses = []
    for _ in range(4):
        started = time.monotonic()
        response = client.post("/signals/new", data={**form_tokens(client), **report(category.code)})
        statuses.append(response.status_code)
        assert time.monotonic() - started < 5
    assert statuses == [302, 302, 302, 429]
    page = response.get_data(as_text=True)
    assert "Твърде много" in page and 'href="/signals/new"' in page     # the way back to the form


def test_the_purge_anonymises_a_closed_public_items_filer_after_the_retention_time(app, db_session, create_signal,
                                                                                  create_user):
    staff = create_user()
    with clock.frozen(clock.now() - timedelta(days=800)):
        old = create_signal(Kind.problem, email="old@example.org", person_name="Стар Подател")
        for status in (Status.in_progress, Status.resolved, Status.closed):
            services.change_status(old, status, staff)
    recent = create_signal(Kind.problem, email="new@example.org")
    for status in (Status.in_progress, Status.resolved, Status.closed):
        services.change_status(recent, status, staff)
    open_item = create_signal(Kind.problem, email="open@example.org")
    photo = Attachment(signal_id=old.id, filename="p.jpg", content_type="image/jpeg", size=1, storage_key="old-p",
                       sha256="0" * 64, approved=True, created_at=clock.now())
    answer_file = Attachment(signal_id=old.id, filename="a.pdf", content_type="application/pdf", size=1,
                             storage_key="old-a", sha256="0" * 64, approved=False, created_at=clock.now(),
                             update=old.updates[-1])       # sent with an answer: the filer's, never public
    db.session.add_all([photo, answer_file])
    db.session.flush()
    counts = retention.purge()
    assert counts["filer_contacts"] == 1
    db.session.refresh(old.filer)
    assert old.filer.email == "" and old.filer.person_name == "" and old.filer.anonymised_at is not None
    assert [a.storage_key for a in db.session.scalars(select(Attachment).where(Attachment.signal_id == old.id))] \
        == ["old-p"]
    assert recent.filer.email == "new@example.org" and open_item.filer.email == "open@example.org"
    assert retention.purge()["filer_contacts"] == 0


def test_the_purge_empties_old_mail_bodies_and_files_but_keeps_the_proof(app, db_session, create_signal, tmp_path,
                                                                         monkeypatch):
    import os

    from app.mail import outbox
    from app.mail.models import Delivery

    monkeypatch.setitem(app.config, "MAIL_DIR", str(tmp_path))
    old_file, new_file = tmp_path / "old.eml", tmp_path / "new.eml"
    old_file.write_text("x")
    new_file.write_text("y")
    ninety_one_days = (clock.now() - timedelta(days=91)).timestamp()
    os.utime(old_file, (ninety_one_days, ninety_one_days))
    with clock.frozen(clock.now() - timedelta(days=91)):
        old = create_signal(Kind.problem, email="old@example.org")
    recent = create_signal(Kind.problem, email="new@example.org")
    for row in db.session.scalars(db.select(Delivery)):
        outbox.render(row)                                           # as the sending job did
    assert retention.purge()["mail_bodies"] == 1
    old_mail = db.session.scalar(db.select(Delivery).where(Delivery.signal_id == old.id))
    new_mail = db.session.scalar(db.select(Delivery).where(Delivery.signal_id == recent.id))
    assert old_mail.body_text == "" and old_mail.body_html == "" and old_mail.bodies_purged_at is not None
    assert old_mail.recipient and old_mail.subject                  # the proof of notice stays
    assert new_mail.body_text and not old_file.exists() and new_file.exists()


def test_the_purge_anonymises_a_closed_letter_past_its_retention_and_deletes_its_attachments(
        app, db_session, create_signal, create_user):
    from pathlib import Path

    from signals.models import Attachment

    resident, staff = create_user(), create_user()
    upload_dir = Path(app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    old = create_signal(Kind.letter, user=resident, person_name="Стара Подателка", email="old@example.org")
    for status in workflow.path_to(Kind.letter, Status.closed):
        services.change_status(old, status, staff)
    old.closed_at = clock.now() - timedelta(days=5 * 365 + 1)       # closed five years and a day ago
    young = create_signal(Kind.letter, user=resident, person_name="Нова Подателка")
    for status in workflow.path_to(Kind.letter, Status.closed):
        services.change_status(young, status, staff)
    (upload_dir / "retention-old.pdf").write_bytes(b"%PDF-1.4 old")
    db.session.add(Attachment(signal_id=old.id, filename="a.pdf", content_type="application/pdf", size=12,
                              storage_key="retention-old.pdf", sha256="0" * 64, created_at=clock.now()))
    db.session.flush()
    counts = retention.purge()
    assert counts["private_filer_contacts"] == 1 and counts["private_attachments"] == 1
    db.session.commit()                         # the file goes once the purge commits
    db.session.refresh(old.filer)
    assert old.filer.person_name == "" and old.filer.email == "" and old.number and old.status == Status.closed
    assert young.filer.person_name == "Нова Подателка"
    assert not (upload_dir / "retention-old.pdf").exists()
    assert retention.purge()["private_filer_contacts"] == 0
