"""deliver(): idempotent, 4xx retried later, 5xx failed for good, and what a notice may contain."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.kinds import Kind
from app.mail import delivery
from app.mail.models import Delivery
from tests.mail.helpers import CANARIES


@pytest.fixture
def smtp_app(app, smtp_server, monkeypatch):
    handler, port = smtp_server
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    return handler


def _notice(create_signal) -> Delivery:
    signal = create_signal(Kind.problem, email="filer@example.org", title=CANARIES["title"],
                           description=CANARIES["description"], person_name=CANARIES["person_name"])
    return db.session.scalar(db.select(Delivery).where(Delivery.signal_id == signal.id))


def test_a_second_run_after_success_sends_nothing(smtp_app, create_signal):
    row = _notice(create_signal)
    delivery.deliver(row.id)
    delivery.deliver(row.id)
    assert len(smtp_app.messages) == 1
    assert row.sent_at is not None and row.smtp_reply.startswith("250") and row.attempts == 1


def test_a_temporary_refusal_leaves_the_row_for_a_retry(smtp_app, create_signal):
    smtp_app.reply = "451 4.3.0 Try again later"
    row = _notice(create_signal)
    with pytest.raises(delivery.TemporaryFailure):
        delivery.deliver(row.id)
    assert row.pending and row.attempts == 1 and row.smtp_reply.startswith("451")


def test_a_permanent_refusal_marks_the_row_failed_with_the_reply(smtp_app, create_signal):
    smtp_app.reply = "550 5.1.1 No such mailbox"
    row = _notice(create_signal)
    delivery.deliver(row.id)
    assert row.failed_at is not None and row.sent_at is None and row.smtp_reply.startswith("550")


def test_the_registration_notice_carries_only_what_a_stranger_may_read(smtp_app, create_signal):
    row = _notice(create_signal)
    delivery.deliver(row.id)
    message = smtp_app.messages[0]
    number = db.session.get(Delivery, row.id).subject.split()[-1]
    assert number.startswith("SG-") and number in message["Subject"]
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Message-ID"] == delivery.message_id(row)
    parts = {part.get_content_type(): part.get_payload(decode=True).decode() for part in message.walk()
             if not part.is_multipart()}
    assert set(parts) == {"text/plain", "text/html"}
    raw = message.as_string() + "".join(parts.values())
    for canary in CANARIES.values():
        assert canary not in raw
    assert f"/signals/{number}?t=" in parts["text/plain"]
    assert "http://127.0.0.1:5000/signals/" in parts["text/html"]


def test_no_email_means_no_mail(create_signal):
    signal = create_signal(Kind.problem)
    assert db.session.scalar(db.select(Delivery).where(Delivery.signal_id == signal.id)) is None


def test_a_batch_goes_over_one_connection_a_refused_mail_fails_alone_and_a_rerun_sends_nothing(smtp_app,
                                                                                              db_session):
    from app.mail import outbox

    rows = [outbox.add(f"reader{n}@example.org", "follow/confirm", {"number": "SG-2026-000001", "link": "/"},
                       unverified=True) for n in range(5)]
    db.session.flush()
    smtp_app.refuse.add("reader2@example.org")
    delivery.deliver_many([row.id for row in rows])
    for row in rows:
        db.session.refresh(row)
    assert [row.sent_at is not None for row in rows] == [True, True, False, True, True]
    assert rows[2].failed_at is not None and rows[2].smtp_reply.startswith("550")
    assert len(smtp_app.messages) == 4 and len(set(smtp_app.peers)) == 1          # one SMTP connection
    delivery.deliver_many([row.id for row in rows])
    assert len(smtp_app.messages) == 4


def test_a_batch_that_cannot_reach_the_server_leaves_its_rows_for_the_relay(app, db_session, monkeypatch):
    from app.mail import outbox
    from tests.fixtures.services import free_port

    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", free_port())                        # nobody listens
    rows = [outbox.add(f"reader{n}@example.org", "follow/confirm", {"number": "SG-2026-000001", "link": "/"})
            for n in range(3)]
    db.session.flush()
    with pytest.raises(delivery.TemporaryFailure):
        delivery.deliver_many([row.id for row in rows])
    for row in rows:
        db.session.refresh(row)
    assert all(row.pending for row in rows) and rows[0].attempts == 1 and rows[1].attempts == 0
