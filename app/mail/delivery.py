"""Sending one outbox row over SMTP: idempotent, at-least-once, with a Message-ID from the outbox id."""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from urllib.parse import urlsplit

from flask import current_app
from markupsafe import escape
from sqlalchemy import event, select

from app import clock
from app.extensions import db
from app.mail import mime
from app.mail.addresses import needs_smtputf8
from app.mail.models import Delivery
from app.mail.outbox import render

log = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    """SMTP answered 4xx or could not be reached: the job is retried with backoff."""


# What building a message may raise for a value it cannot hold: the header parser of the standard library also
# fails with AttributeError or IndexError on some odd values (a display name of "." in Python 3.11).
UNBUILDABLE = (UnicodeError, ValueError, TypeError, AttributeError, IndexError, MessageError)


class PermanentFailure(Exception):
    """The mail can never go as it is (it cannot be encoded, or the server lacks what the address needs)."""


def message_id(delivery: Delivery) -> str:
    """A stable Message-ID: a second delivery of the same row carries the same id."""
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "localhost"
    domain = parseaddr(current_app.config["MAIL_FROM"])[1].rpartition("@")[2] or host
    return f"<outbox-{delivery.id}.{int(delivery.created_at.timestamp())}@{domain}>"


# The placeholder a stored body holds where the filer's tracking token goes; see signals.tokens.
FILER_TOKEN_PLACEHOLDER = "[[filer-token]]"
# Where an account link's token goes (confirmation, reset); the row's context names the token's id. See
# app.accounts.links.
ACCOUNT_TOKEN_PLACEHOLDER = "[[account-token]]"
# Where the query of a follow's or an alert's link goes (bodies and the List-Unsubscribe header): it names the follow
# or alert and carries its token for the purpose the row's context names (confirm or unsubscribe), so the stored link
# is the same for every follower of a notice. See subscriptions.tokens.
FOLLOW_QUERY_PLACEHOLDER = "[[follow-query]]"


def _follow_query(delivery: Delivery) -> str:
    resolve = current_app.extensions.get("follow_token_for")
    return (resolve(delivery.context or {}) if resolve else None) or ""


def bodies(delivery: Delivery, rendered: dict | None = None) -> tuple[str, str]:
    """The text and HTML bodies as sent (rendered first if needed): the filer's token filled in now, so no stored
    body ever holds it.

    The token comes from the resolver the app registers (app.extensions["filer_token_for"]: the
    registry sits above the mail layer). Without a token the link keeps only the item's address. `rendered` is a
    delivery batch's cache of rendered mails (app.mail.outbox.render).
    """
    text, html = render(delivery, rendered).body_text, delivery.body_html
    if delivery.filer_link:
        resolve = current_app.extensions.get("filer_token_for")
        token = resolve(delivery.signal_id) if resolve and delivery.signal_id else None
        for placeholder, value in ((f"?t={FILER_TOKEN_PLACEHOLDER}", f"?t={token}" if token else ""),
                                   (FILER_TOKEN_PLACEHOLDER, token or "")):
            text, html = text.replace(placeholder, value), html.replace(placeholder, value)
    token_id = (delivery.context or {}).get("account_token_id")
    if token_id:
        resolve = current_app.extensions.get("account_token_for")
        token = (resolve(token_id) if resolve else None) or ""
        text, html = text.replace(ACCOUNT_TOKEN_PLACEHOLDER, token), html.replace(ACCOUNT_TOKEN_PLACEHOLDER, token)
    if FOLLOW_QUERY_PLACEHOLDER in text or FOLLOW_QUERY_PLACEHOLDER in html:
        query = _follow_query(delivery)
        text = text.replace(FOLLOW_QUERY_PLACEHOLDER, query)
        html = html.replace(FOLLOW_QUERY_PLACEHOLDER, escape(query))
    return text, html


def build_message(delivery: Delivery, rendered: dict | None = None) -> EmailMessage:
    """The MIME message of an outbox row (rendered now if it was not yet): text plus HTML, auto-submitted."""
    render(delivery, rendered)
    cfg = current_app.config
    message = EmailMessage(policy=mime.BUILD)
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
        message[name] = value.replace(FOLLOW_QUERY_PLACEHOLDER, _follow_query(delivery)) \
            if FOLLOW_QUERY_PLACEHOLDER in value else value
    text, html = bodies(delivery, rendered)
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


def wire_bytes(message: EmailMessage, *, eight_bit: bool = True) -> tuple[bytes, bool]:
    """The message as sent, CRLF line ends, and whether it needs SMTPUTF8; PermanentFailure if it cannot be encoded.

    eight_bit: the server takes 8-bit bodies (8BITMIME); without it, text that is not ASCII goes base64-encoded.
    """
    sender, recipient = parseaddr(message["From"])[1], parseaddr(message["To"])[1]
    utf8 = needs_smtputf8(sender) or needs_smtputf8(recipient)
    try:
        return message.as_bytes(policy=mime.WIRE[(utf8, eight_bit or utf8)]), utf8
    except UNBUILDABLE as exc:
        raise PermanentFailure(f"the message cannot be encoded ({type(exc).__name__})") from exc


class SmtpSession:
    """One SMTP connection for a batch of mails: opened at the first mail, reset after a refused one, opened anew
    after it broke, quit at the end."""

    def __init__(self):
        self.server: smtplib.SMTP | None = None

    def send(self, message: EmailMessage) -> str:
        """Send one message over the session's connection (the same answers and errors as `send`)."""
        if self.server is None:
            self.server = _smtp()
        try:
            return _transaction(self.server, message)
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused, PermanentFailure):
            try:
                self.server.rset()              # a refused mail leaves the connection usable for the next
            except (smtplib.SMTPException, OSError):
                self.close()
            raise
        except (OSError, smtplib.SMTPException):
            self.close()
            raise

    def close(self) -> None:
        """Quit the connection, if one is open."""
        if self.server is not None:
            try:
                self.server.quit()
            except (smtplib.SMTPException, OSError):
                self.server.close()
            self.server = None


def send(message: EmailMessage) -> str:
    """Hand a message to the SMTP server on a connection of its own; returns its final reply (proof of notice)."""
    session = SmtpSession()
    try:
        return session.send(message)
    finally:
        session.close()


# The headers a DKIM signature covers (those present in a mail), the one-click unsubscribe pair among them.
DKIM_HEADERS = (b"From", b"To", b"Subject", b"Date", b"Message-ID", b"Reply-To", b"Content-Type",
                b"Auto-Submitted", b"List-Unsubscribe", b"List-Unsubscribe-Post")


def dkim_signed(payload: bytes) -> bytes:
    """The message with a DKIM-Signature header in front, when DKIM_* are set; as it was otherwise."""
    cfg = current_app.config
    if not (cfg["DKIM_DOMAIN"] and cfg["DKIM_SELECTOR"] and cfg["DKIM_PRIVATE_KEY_FILE"]):
        return payload
    import dkim

    with open(cfg["DKIM_PRIVATE_KEY_FILE"], "rb") as key:
        private_key = key.read()
    present = [name for name in DKIM_HEADERS if re.search(rb"(?im)^" + re.escape(name) + rb":", payload)]
    signature = dkim.sign(payload, cfg["DKIM_SELECTOR"].encode(), cfg["DKIM_DOMAIN"].encode(), private_key,
                          include_headers=present, linesep=b"\r\n")
    return signature + payload


def _transaction(server: smtplib.SMTP, message: EmailMessage) -> str:
    """One mail transaction on an open connection: MAIL, RCPT, DATA; the final reply."""
    server.ehlo_or_helo_if_needed()
    eight_bit = server.has_extn("8bitmime")
    payload, utf8 = wire_bytes(message, eight_bit=eight_bit)
    payload = dkim_signed(payload)
    sender, recipient = parseaddr(message["From"])[1], parseaddr(message["To"])[1]
    options = []
    if utf8:
        if not server.has_extn("smtputf8"):
            raise PermanentFailure("the mail server does not offer SMTPUTF8, which this address needs")
        options = ["SMTPUTF8", "BODY=8BITMIME"]
    elif not payload.isascii():            # 8-bit text (Cyrillic) is declared, as RFC 6152 asks
        options = ["BODY=8BITMIME"]
    code, text = server.mail(sender, options)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, text, sender)
    code, text = server.rcpt(recipient)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({recipient: (code, text)})
    code, text = server.data(payload)   # smtplib sends bytes as they are: CRLF ends were set above
    if code != 250:
        raise smtplib.SMTPDataError(code, text)
    return f"{code} {text.decode(errors='replace')}"[:1000]


BATCH = 200     # outbox rows per delivery job, sent over one SMTP connection


def deliver_many(delivery_ids: list[int]) -> None:
    """Send up to BATCH outbox rows over one SMTP connection, each as `deliver` would; a row that fails for now
    stays for the relay, and a lost connection ends the batch (the rest wait for the relay too)."""
    session, temporary, rendered, kept = SmtpSession(), [], {}, []
    # What the rows share (a notice, its item, the followers) is read once for the batch and kept (the session's
    # identity map holds rows only while something else does), not again after each row's commit: a change made
    # meanwhile is seen by the next batch, seconds later. Rows of one mail in one language are rendered once.
    orm, expiring = db.session(), db.session().expire_on_commit
    orm.expire_on_commit = False

    def keep(_session, instance):
        kept.append(instance)

    event.listen(orm, "loaded_as_persistent", keep)
    try:
        for delivery_id in delivery_ids[:BATCH]:
            try:
                deliver(delivery_id, session, rendered)
            except TemporaryFailure:
                temporary.append(delivery_id)
                if session.server is None:
                    break
    finally:
        event.remove(orm, "loaded_as_persistent", keep)
        orm.expire_on_commit = expiring
        session.close()
    if temporary:
        raise TemporaryFailure(temporary[0])


def deliver(delivery_id: int, session: SmtpSession | None = None, rendered: dict | None = None) -> None:
    """Send one outbox row; a second run after success does nothing (at-least-once overall).

    The attempt is counted whatever happens. 4xx and an unreachable server are retried;
    5xx, an address the server cannot take and a message that cannot be encoded are
    permanent: the row is marked failed with the reason and never sent again.
    """
    delivery = db.session.scalar(select(Delivery).where(Delivery.id == delivery_id).with_for_update())
    if delivery is None or not delivery.pending:
        db.session.rollback()
        return
    delivery.attempts += 1
    veto = current_app.extensions.get("mail_withheld")        # e.g. a follower who may no longer see the item
    with db.session.no_autoflush:       # it only reads: the attempt is written with the outcome, in one statement
        reason = veto(delivery) if veto and delivery.notice_id else None
    if reason:
        return _fail(delivery, reason)
    try:
        message = build_message(delivery, rendered)
    except UNBUILDABLE as exc:       # a value the message cannot hold (a header with a newline, a lone surrogate)
        return _fail(delivery, f"the message cannot be built ({type(exc).__name__})")
    try:                             # only the building is caught that wide: an error while sending is retried
        reply = session.send(message) if session is not None else send(message)
    except PermanentFailure as exc:
        return _fail(delivery, str(exc))
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
    if delivery.notice_id is not None and not delivery.required:     # a follower's mail: no proof to keep
        delivery.body_text = delivery.body_html = ""
    db.session.commit()
    log.info("outbox %s: sent", delivery_id)


def _fail(delivery: Delivery, reason: str, logged: str = "") -> None:
    """Mark the row failed for good, with the reason (shown to the filer in the item's history).

    The log gets `logged` (a reply code or our own wording), never the server's text: it may quote the address.
    """
    delivery.failed_at, delivery.smtp_reply = clock.now(), reason[:1000]
    db.session.commit()
    log.warning("outbox %s: permanent failure (%s)", delivery.id, logged or reason)


def _record_reply(delivery: Delivery, code: int, text: bytes | str) -> None:
    reply = f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"[:1000]
    delivery.smtp_reply = reply
    if 400 <= code < 500:
        db.session.commit()
        log.warning("outbox %s: temporary SMTP failure %s; will retry", delivery.id, code)
        raise TemporaryFailure(delivery.id)
    _fail(delivery, reply, logged=f"SMTP {code}")


def server_offers_smtputf8() -> bool | None:
    """Ask the configured server whether it offers SMTPUTF8 (None when it cannot be reached)."""
    try:
        server = _smtp()
    except (OSError, smtplib.SMTPException):
        return None
    try:
        server.ehlo_or_helo_if_needed()
        return bool(server.has_extn("smtputf8"))
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            server.close()
