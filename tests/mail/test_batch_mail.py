"""Mail written in batches, as a notice's fan-out sends it: the remembering email policy writes exactly what the
standard library's policy writes; a notice's mail is rendered once per language, yet every follower's mail carries
their own unsubscribe link and token (text, HTML and List-Unsubscribe); 8-bit text is declared with BODY=8BITMIME
and goes base64 to a server without 8BITMIME. On real PostgreSQL and an aiosmtpd server."""

from __future__ import annotations

import re
from email import policy
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jinja2.meta
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.accounts.models import Role
from app.extensions import db
from app.kinds import Kind
from app.mail import delivery, mime, outbox, render
from app.mail.models import Delivery
from signals.services import change_status
from signals.workflow import Status
from subscriptions import fanout, follows, tokens
from subscriptions.models import Follow, Notice

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "mail"
WORDS = st.text(st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs", "Po", "Pd"), whitelist_characters="=?<>@"),
                max_size=160)


def _message(message_policy, name: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage(policy=message_policy)
    message["From"] = f"{name} <noreply@sofia.example>" if name.strip() else "noreply@sofia.example"
    message["To"] = "reader@example.org"
    message["Subject"] = " ".join(subject.split())
    message["Date"] = "Tue, 01 Dec 2026 10:00:00 +0200"
    message["Message-ID"] = "<outbox-1.1764583200@sofia.example>"
    message["List-Unsubscribe"] = "<http://127.0.0.1:5000/subscriptions/unsubscribe?f=1&t=abcdefabcdefabcdefabcd>"
    message.set_content(text)
    message.add_alternative(f"<p>{text}</p>", subtype="html")
    return message


def _same_boundary(raw: bytes) -> bytes:
    return re.sub(rb"=+\d+==", b"BOUNDARY", raw)


def _written(build_policy, wire_policy, name: str, subject: str, text: str) -> bytes | type:
    """The message on the wire, or the type of what building it raised (the standard library's header parser
    fails on some odd display names, such as ".", with AttributeError: ours must fail alike, never differently)."""
    try:
        return _same_boundary(_message(build_policy, name, subject, text).as_bytes(policy=wire_policy))
    except Exception as exc:  # noqa: BLE001 — the comparison is the point
        return type(exc)


@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(name=WORDS, subject=WORDS, text=WORDS)
@example(name=".", subject="", text="")
def test_the_remembering_policy_writes_what_the_standard_policy_writes(name, subject, text):
    for eight_bit in (True, False):
        stock = policy.default.clone(linesep="\r\n", cte_type="8bit" if eight_bit else "7bit")
        for _ in range(2):                                   # from a cold cache, then from a warm one
            ours = _written(mime.BUILD, mime.WIRE[(False, eight_bit)], name, subject, text)
            assert ours == _written(policy.default, stock, name, subject, text)


def test_mail_templates_never_read_the_keys_that_name_the_recipient(app):
    environment = app.jinja_env
    for path in TEMPLATES.rglob("*.*"):
        names = jinja2.meta.find_undeclared_variables(environment.parse(path.read_text()))
        assert not names & outbox.RECIPIENT_KEYS, path


def test_followers_in_one_batch_get_one_rendering_per_language_and_each_their_own_link(
        app, smtp_server, monkeypatch, create_signal, create_user):
    handler, port = smtp_server
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    item = create_signal(Kind.problem)
    staff = create_user(Role.staff, department=item.department)
    for n, locale in enumerate(("bg", "en", "bg", "en", "ru")):
        follows.follow(item, create_user(email=f"fan{n}@example.org", locale=locale))
    db.session.commit()
    renders = []
    real = render.render_mail
    monkeypatch.setattr(outbox, "render_mail", lambda *a: renders.append(a[2]) or real(*a))
    change_status(item, Status.in_progress, staff)
    db.session.commit()
    fanout.expand(db.session.scalar(select(Notice.id).where(Notice.signal_id == item.id, Notice.kind == "status")))
    ids = list(db.session.scalars(select(Delivery.id).where(Delivery.recipient.like("fan%"))))
    handler.messages.clear()
    delivery.deliver_many(ids)
    assert sorted(renders) == ["bg", "en", "ru"]             # once per language, not once per follower
    assert len(handler.messages) == 5
    for message in handler.messages:
        follow = db.session.scalar(select(Follow).where(Follow.signal_id == item.id,
                                                        Follow.user_id == _user_id(message["To"])))
        html = message.get_body(("html",)).get_content()
        text = message.get_body(("plain",)).get_content()
        header = str(message["List-Unsubscribe"]).strip("<>")
        expected = f"f={follow.id}&t={tokens.derive(follow, tokens.UNSUBSCRIBE)}"
        assert f"unsubscribe?{expected}" in text and f"unsubscribe?{expected.replace('&', '&amp;')}" in html
        assert parse_qs(urlsplit(header).query) == {"f": [str(follow.id)], "t": [expected.rpartition("=")[2]]}
        assert tokens.PLACEHOLDER not in text + html + header


def _user_id(address: str) -> int:
    from app.accounts.models import User

    return db.session.scalar(select(User.id).where(User.email == str(address)))



def test_8bit_text_is_declared_and_goes_base64_to_a_server_without_8bitmime(app, db_session, smtp_server, monkeypatch):
    handler, port = smtp_server
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    monkeypatch.setitem(app.config, "SMTP_PORT", port)
    message = _message(mime.BUILD, "Контактен център", "Сигнал SG-2026-000001", "Статусът се промени.")
    assert delivery.send(message).startswith("250")
    assert "BODY=8BITMIME" in handler.options[-1] and "SMTPUTF8" not in handler.options[-1]
    payload, _ = delivery.wire_bytes(message, eight_bit=False)
    assert payload.isascii() and b"base64" in payload
    assert "Статусът се промени." in handler.messages[-1].get_body(("plain",)).get_content()
