"""Mail to any address: IDN domains as A-labels, non-ASCII local parts only with SMTPUTF8 end to end,
permanent failures recorded once and never re-sent, the history telling the filer where the mail is,
and the daily cap counting one mailbox once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.kinds import Kind
from app.mail import addresses, delivery, relay
from app.mail.models import Delivery
from signals.models import Signal, UpdateKind
from tests.signals.formhelpers import form_tokens, report

CYRILLIC = "иван@пример.бг"


@pytest.fixture
def mail_to(app, monkeypatch):
    """Point the app's SMTP settings at a test server; returns a setter."""

    def point(port: int, smtputf8: bool):
        monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
        monkeypatch.setitem(app.config, "SMTP_PORT", port)
        monkeypatch.setitem(app.config, "SMTP_SMTPUTF8", smtputf8)

    return point


def _file(client, category, email: str):
    client.set_cookie("lang", "en")
    return client.post("/signals/new", data={**form_tokens(client), **report(category.code, email=email)})


def test_a_cyrillic_address_is_refused_at_the_form_without_smtputf8(client, create_category, mail_to, smtp_server):
    mail_to(smtp_server[1], False)
    response = _file(client, create_category(Kind.problem), CYRILLIC)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "letters other than Latin ones before the @" in page


def test_with_smtputf8_it_is_stored_with_an_a_label_and_delivered(client, create_category, mail_to, smtp_server):
    handler, port = smtp_server
    mail_to(port, True)
    assert _file(client, create_category(Kind.problem), CYRILLIC).status_code == 302
    row = db.session.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
    assert row.recipient == "иван@xn--e1afmkfd.xn--90ae"
    delivery.deliver(row.id)
    assert row.sent_at is not None and row.smtp_reply.startswith("250") and len(handler.messages) == 1
    assert handler.messages[0]["To"] == "иван@xn--e1afmkfd.xn--90ae"


def test_an_idn_domain_alone_needs_no_smtputf8(client, create_category, mail_to, ascii_smtp_server):
    handler, port = ascii_smtp_server
    mail_to(port, False)
    assert _file(client, create_category(Kind.problem), "ivan@пример.бг").status_code == 302
    row = db.session.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
    delivery.deliver(row.id)
    assert row.recipient == "ivan@xn--e1afmkfd.xn--90ae" and row.sent_at is not None


def test_a_server_without_smtputf8_is_a_permanent_failure_counted_once_and_never_resent(
        app, client, create_category, mail_to, ascii_smtp_server):
    handler, port = ascii_smtp_server
    mail_to(port, True)                                  # the setting says yes, the server says no
    filed = _file(client, create_category(Kind.problem), CYRILLIC)
    row = db.session.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
    delivery.deliver(row.id)
    assert row.failed_at is not None and row.attempts == 1 and "SMTPUTF8" in row.smtp_reply
    assert handler.messages == []
    with clock.frozen(clock.now() + timedelta(hours=1)):
        assert row.id not in relay.stale_rows()
    number = filed.headers["Location"].split("/")[2]
    page = client.get(f"/signals/{number}").get_data(as_text=True)
    assert "could not be sent by email" in page and "SMTPUTF8" in page


@pytest.mark.parametrize("sender", ["Община \udcff <noreply@example.org>", "Община\nBcc: x <noreply@example.org>",
                                    ". <noreply@example.org>"])                    # the header parser's AttributeError
def test_a_message_that_cannot_be_built_or_encoded_fails_for_good_after_its_attempt_is_counted(
        app, client, create_category, mail_to, smtp_server, monkeypatch, sender):
    handler, port = smtp_server
    mail_to(port, False)
    filed = _file(client, create_category(Kind.problem), "filer@example.org")
    monkeypatch.setitem(app.config, "MAIL_FROM", sender)             # what no mail can carry (a lone surrogate)
    row = db.session.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
    delivery.deliver(row.id)
    db.session.refresh(row)
    assert row.failed_at is not None and row.attempts == 1 and row.sent_at is None
    assert "cannot be" in row.smtp_reply and handler.messages == []
    with clock.frozen(clock.now() + timedelta(hours=1)):
        assert row.id not in relay.stale_rows()                         # never re-queued
    number = filed.headers["Location"].split("/")[2]
    assert "could not be sent by email" in client.get(f"/signals/{number}").get_data(as_text=True)


def test_the_history_shows_where_each_notice_is(client, create_category, mail_to, smtp_server):
    mail_to(smtp_server[1], False)
    filed = _file(client, create_category(Kind.problem), "filer@example.org")
    number = filed.headers["Location"].split("/")[2]
    assert "waiting to be sent by email" in client.get(f"/signals/{number}").get_data(as_text=True)
    row = db.session.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
    delivery.deliver(row.id)
    page = client.get(f"/signals/{number}").get_data(as_text=True)
    assert "sent by email; the mail server answered: 250" in page


@pytest.mark.parametrize("address,key", [
    ("Ann+reports@Example.org", "ann@example.org"), ("a.n.n+1@googlemail.com", "ann@gmail.com"),
    ("ANN@gmail.com", "ann@gmail.com"), ("a.nn@example.org", "a.nn@example.org"),
    ("ivan@пример.бг", "ivan@xn--e1afmkfd.xn--90ae"),
])
def test_one_mailbox_one_key(address, key):
    assert addresses.mailbox(address) == key


def test_plus_tags_do_not_get_around_the_daily_cap_and_the_confirmation_says_so(client, create_category):
    category = create_category(Kind.problem)
    responses = [_file(client, category, email) for email in
                 ("ann@example.org", "ann+1@example.org", "ANN+2@example.org", "ann+3@example.org")]
    assert [r.status_code for r in responses] == [302] * 4
    rows = db.session.scalars(select(Delivery).where(Delivery.template == "registered")).all()
    assert len(rows) == 3
    confirmation = client.get(responses[3].headers["Location"]).get_data(as_text=True)
    assert "We have not sent an email this time" in confirmation
    first = client.get(responses[0].headers["Location"]).get_data(as_text=True)
    assert "We are sending the number and the link to your email" in first
    fourth = db.session.scalar(select(Signal).where(Signal.number == responses[3].headers["Location"].split("/")[2]))
    assert [u.data.get("withheld") for u in fourth.updates if u.kind == UpdateKind.notice] == ["daily_limit"]


def test_the_relay_says_at_start_when_the_server_does_not_offer_smtputf8(app, mail_to, ascii_smtp_server,
                                                                          smtp_server, caplog):
    with app.app_context():
        mail_to(ascii_smtp_server[1], True)
        assert relay.check_smtputf8() is False
        assert any(r.levelname == "ERROR" and "does not offer SMTPUTF8" in r.getMessage() for r in caplog.records)
        mail_to(smtp_server[1], True)
        assert relay.check_smtputf8() is True
