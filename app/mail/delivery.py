"""Sending one outbox row over SMTP: idempotent, at-least-once, with a Message-ID from the outbox id."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.mail.models import Delivery

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """SMTP answered 4xx or could not be reached: the job is retried with backoff."""


def message_id(delivery: Delivery) -> str:
    """A stable Message-ID: a second delivery of the same row carries the same id."""
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or host
    return f"<outbox-{delivery.id}.{int(delivery.created_at.timestamp())}@{domain}>"


# The placeholder a stored body holds where the filer's tracking token goes; see signals.tokens.
FILER_TOKEN_PLACEHOLDER = "[[filer-token]]"


def bodies(delivery: Delivery) -> tuple[str, str]:
    """The text and HTML bodies as sent: the filer's token filled in now, so no stored body ever holds it.

    The token comes from the resolver the app registers (app.extensions["filer_token_for"]: the
    registry sits above the mail layer). Without a token the link keeps only the item's address.
    """
    text, html = delivery.body_text, delivery.body_html
    if delivery.filer_link:
        resolve = current_app.extensions.get("filer_token_for")
        token = resolve(delivery.signal_id) if resolve and delivery.signal_id else None
        for placeholder, value in ((f"?t={FILER_TOKEN_PLACEHOLDER}", f"?t={token}" if token else ""),
                                   (FILER_TOKEN_PLACEHOLDER, token or "")):
            text, html = text.replace(placeholder, value), html.replace(placeholder, value)
    return text, html


def build_message(delivery: Delivery) -> EmailMessage:
    """The MIME message of an outbox row: text plus HTML, auto-submitted, in the row's locale."""
    cfg = current_app.config
    message = EmailMessage()
    message["From"] = cfg["MAIL_FROM"]
    message["To"] = delivery.recipient
    if cfg["MAIL_REPLY_TO"]:
        message["Reply-To"] = cfg["MAIL_REPLY_TO"]
    message["Subject"] = delivery.subject
    message["Date"] = format_datetime(delivery.created_at)
    message["Message-ID"] = message_id(delivery)
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = delivery.locale
    for name, value in (delivery.headers or {}).items():
        message[name] = value
    text, html = bodies(delivery)
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def _smtp() -> smtplib.SMTP:
    cfg = current_app.config
    security, timeout = cfg["SMTP_SECURITY"], cfg["SMTP_TIMEOUT"]
    if security == "tls":
        server = smtplib.SMTP_SSL(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(cfg["SMTP_HOST"], cfg["SMTP_PORT"], timeout=timeout)
        if security == "starttls":
            server.starttls(context=ssl.create_default_context())
    if cfg["SMTP_USER"]:
        server.login(cfg["SMTP_USER"], cfg["SMTP_PASSWORD"])
    return server


def send(message: EmailMessage) -> str:
    """Hand a message to the SMTP server; returns its final reply (kept as proof of notice)."""
    server = _smtp()
    try:
        sender, recipient = parseaddr(message["From"])[1], parseaddr(message["To"])[1]
        server.ehlo_or_helo_if_needed()
        code, text = server.mail(sender)
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, text, sender)
        code, text = server.rcpt(recipient)
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({recipient: (code, text)})
        # smtplib sends bytes as they are: SMTP needs CRLF line ends.
        code, text = server.data(message.as_bytes(policy=message.policy.clone(linesep="\r\n")))
        if code != 250:
            raise smtplib.SMTPDataError(code, text)
        return f"{code} {text.decode(errors='replace')}"[:1000]
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()


def deliver(delivery_id: int) -> None:
    """Send one outbox row; a second run after success does nothing (at-least-once overall)."""
    delivery = db.session.scalar(select(Delivery).where(Delivery.id == delivery_id).with_for_update())
    if delivery is None or not delivery.pending:
        db.session.rollback()
        return
    delivery.attempts += 1
    try:
        reply = send(build_message(delivery))
    except smtplib.SMTPRecipientsRefused as exc:
        code, text = next(iter(exc.recipients.values()))
        return _record_reply(delivery, code, text)
    except smtplib.SMTPResponseException as exc:
        return _record_reply(delivery, exc.smtp_code, exc.smtp_error)
    except (OSError, smtplib.SMTPException) as exc:
        delivery.smtp_reply = f"unreachable: {type(exc).__name__}"
        db.session.commit()
        log.warning("outbox %s: SMTP unreachable (%s); will retry", delivery_id, type(exc).__name__)
        raise TemporaryFailure(delivery_id) from exc
    delivery.sent_at, delivery.smtp_reply = clock.now(), reply
    db.session.commit()
    log.info("outbox %s: sent", delivery_id)


def _record_reply(delivery: Delivery, code: int, text: bytes | str) -> None:
    reply = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"[:1000]
    delivery.smtp_reply = reply
    if 400 <= code < 500:
        db.session.commit()
        log.warning("outbox %s: temporary SMTP failure %s; will retry", delivery.id, code)
        raise TemporaryFailure(delivery.id)
    delivery.failed_at = clock.now()
    db.session.commit()
    log.warning("outbox %s: permanent SMTP failure %s", delivery.id, code)
