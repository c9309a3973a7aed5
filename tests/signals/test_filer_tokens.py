"""Filer tokens are derived, never at rest: after a filing with email the raw token is in no database column,
outbox row, log line, Redis key or cookie but the item-scoped one; mailed links are filled in at delivery, so a
re-send carries a working link, and a new token retires the old one."""

from __future__ import annotations

import logging
import re
import zlib
from http.cookies import SimpleCookie

from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import text

from app.extensions import db
from app.mail.models import Delivery
from signals import tokens
from signals.models import Signal
from tests.mail.helpers import mail_app
from tests.signals.formhelpers import form_tokens, report


def _deliver_pending(app) -> None:
    connection = Redis.from_url(app.config["REDIS_URL"])
    SimpleWorker([Queue(app.config["RQ_QUEUE"], connection=connection)], connection=connection).work(burst=True)


def _everything_in_the_database() -> str:
    names = db.session.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
    return "\n".join(row for name in names
                     for row in db.session.execute(text(f'SELECT t::text FROM "{name}" t')).scalars())


def _everything_in_redis(url: str) -> bytes:
    client, found = Redis.from_url(url), []
    for key in client.scan_iter():
        kind = client.type(key)
        values = {b"string": lambda: [client.get(key)], b"hash": lambda: [*client.hgetall(key).values()],
                  b"list": lambda: client.lrange(key, 0, -1), b"set": lambda: list(client.smembers(key)),
                  b"zset": lambda: client.zrange(key, 0, -1)}.get(kind, lambda: [])()
        for value in [key, *values]:
            found.append(value)
            try:
                found.append(zlib.decompress(value))     # rq keeps job data compressed
            except zlib.error:
                pass
    return b"\n".join(found)


def _plain(message) -> str:
    """The text part of a received message."""
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def _set_cookies(*responses) -> dict[str, str]:
    jar = {}
    for response in responses:
        for header in response.headers.getlist("Set-Cookie"):
            for name, morsel in SimpleCookie(header).items():
                jar[name] = morsel.value
    return jar


def test_the_raw_token_is_nowhere_at_rest(test_config, committed_category, smtp_server, redis_server, caplog):
    caplog.set_level(logging.DEBUG)
    handler, port = smtp_server
    app = mail_app(test_config, redis_server.url, port)
    client = app.test_client()
    with app.app_context():
        category = db.session.get(Signal.category.property.mapper.class_, committed_category)
        filed = client.post("/signals/new", data={**form_tokens(client),
                                                  **report(category.code, email="filer@example.org")})
        confirmation = client.get(filed.headers["Location"])
        _deliver_pending(app)
        number = re.search(r'id="registered-number">([^<]+)<', confirmation.get_data(as_text=True)).group(1)
        cookies = _set_cookies(filed, confirmation)
        token = cookies.pop("ft_" + number.replace("-", "_"))
        mailed = _plain(handler.messages[0])
        assert f"/signals/{number}?t={token}" in mailed and f"?t={token}" in confirmation.get_data(as_text=True)
        assert token not in _everything_in_the_database()
        assert token.encode() not in _everything_in_redis(redis_server.url)
        assert not [r for r in caplog.records if token in r.getMessage()]
        assert all(token not in value for value in cookies.values())
        jar = {cookie.key: cookie.value for cookie in client._cookies.values()}   # every cookie the browser keeps
        assert [k for k, v in jar.items() if token in v] == ["ft_" + number.replace("-", "_")]
        session = app.session_interface.get_signing_serializer(app).loads(jar["session"])
        assert token not in str(session) and "registered" not in session
        stored = db.session.scalar(db.select(Delivery).where(Delivery.recipient == "filer@example.org"))
        assert "[[filer-token]]" in stored.body_text and "[[filer-token]]" in stored.body_html
        db.session.remove()


def test_a_resend_carries_a_working_link_and_a_new_token_retires_the_old(test_config, committed_category,
                                                                         smtp_server, redis_server):
    from tests.mail.helpers import file_with_email

    handler, port = smtp_server
    app = mail_app(test_config, redis_server.url, port)
    with app.app_context():
        number, delivery_id = file_with_email(committed_category)
        _deliver_pending(app)
        db.session.execute(text("UPDATE outbox SET sent_at = NULL WHERE id = :id"), {"id": delivery_id})
        db.session.commit()
        Queue(app.config["RQ_QUEUE"], connection=Redis.from_url(redis_server.url)).enqueue("app.jobs.deliver",
                                                                                              delivery_id)
        _deliver_pending(app)                       # at-least-once: the same mail again
        links = [re.search(r"\?t=(\S+)", _plain(m)).group(1) for m in handler.messages]
        assert len(links) == 2 and links[0] == links[1]
        signal = db.session.scalar(db.select(Signal).where(Signal.number == number))
        assert tokens.matches(signal, links[0])
        fresh = tokens.issue(signal)                # e.g. a new link requested by the filer
        db.session.commit()
        assert not tokens.matches(signal, links[0]) and tokens.for_item(signal.id) == fresh
        old = app.test_client().get(f"/signals/{number}?t={links[0]}")
        assert "ft_" not in old.headers.get("Set-Cookie", "")
        db.session.remove()
