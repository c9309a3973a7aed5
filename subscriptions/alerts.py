"""Area and category alerts: new public signals in an area (subscriptions.areas), optionally of some categories,
mailed at once up to ALERT_DAILY_CAP a day per subscriber (the rest wait for the digest) or in a daily digest at
a local time. A new public signal (registered public, or approved after it was held) records one `new` notice;
its expansion finds the alerts it falls in (subscriptions.fanout). The digest is a relay pass task that sends each
alert's waiting entries once per local day, at its time or the first pass after it (a time that a change of clock
skips comes an hour later; a time that happens twice, at its first)."""

from __future__ import annotations

import secrets
from datetime import datetime, time, timezone

from flask import current_app
from sqlalchemy import any_, func, literal, select
from sqlalchemy.dialects.postgresql import insert

from app import audit, clock
from app.accounts.models import User
from app.extensions import db
from app.mail import outbox
from app.mail.models import Delivery
from geo.models import Area
from signals import access
from signals.models import Signal
from signals.services import blocklist
from signals.services.errors import InvalidInput
from subscriptions import areas, follows, mailrows, tokens
from subscriptions.follows import LINK
from subscriptions.models import Alert, AlertEntry, Notice

MODES = ("immediate", "digest")
UNSUBSCRIBE = f"/alerts/unsubscribe?{tokens.PLACEHOLDER}"     # the alert and its token, filled in at delivery


def create(choice: areas.AreaChoice, categories: list[str], mode: str, digest_minute: int, *,
           user: User | None = None, email: str = "", locale: str = "bg") -> Alert:
    """A user's alert (at once), or an address's waiting for its confirmation (the link is mailed)."""
    if mode not in MODES or not 0 <= digest_minute < 24 * 60:
        raise InvalidInput("mode")
    area = areas.checked(choice)
    fields = {"categories": sorted(set(categories)), "mode": mode, "digest_minute": digest_minute,
              "created_at": clock.now(), "nonce": secrets.token_hex(16), **area}
    if user is not None:
        alert = Alert(user_id=user.id, locale=user.locale or "bg", confirmed_at=clock.now(), via="account", **fields)
    else:
        address = follows.sendable(email)
        follows.within_daily_cap(address)
        alert = Alert(email=address, email_hash=outbox.address_hash(address), locale=locale, via=LINK, **fields)
    db.session.add(alert)
    db.session.flush()
    if user is None and not blocklist.is_blocked(alert.email):       # as a follow's: no mail, nothing said
        outbox.add(alert.email, "alert/confirm", {"alert_id": alert.id, "token_purpose": tokens.CONFIRM,
                                                  "link": f"/alerts/confirm?{tokens.PLACEHOLDER}"},
                   locale=locale, unverified=True)
    audit.record(user.id if user else None, "alert", "alert", alert.id)
    return alert


def matching(notice: Notice, signal: Signal, limit: int) -> list[Alert]:
    """The confirmed alerts a new public signal falls in (its point or district, its category) that existed when
    it became public, by id, after the notice's last expanded one."""
    if signal.location is None and signal.area_id is None:
        return []
    location = select(Signal.location).where(Signal.id == signal.id).scalar_subquery()
    query = select(Alert).where(Alert.confirmed_at.is_not(None), Alert.id > notice.expanded_to,
                                Alert.created_at <= notice.created_at,
                                areas.covering(Alert, location, signal.area_id),
                                (func.cardinality(Alert.categories) == 0) |
                                (literal(signal.category.code) == any_(Alert.categories)))
    return list(db.session.scalars(query.order_by(Alert.id).limit(limit)))


def may_hear(alert: Alert, signal: Signal) -> bool:
    """Whether an alert may tell of a signal now: it is public, and the alert's user (if any) is active."""
    user = db.session.get(User, alert.user_id) if alert.user_id else None
    return access.is_public(signal) and (alert.user_id is None or (user is not None and user.active))


def write_batch(notice: Notice, signal: Signal, batch: list[Alert]) -> list[int]:
    """A new signal for a batch of alerts: an immediate mail (no text anyone typed: number, category, district,
    department and link) while the subscriber's daily cap allows, else an entry for the digest; a message for users."""
    rows, messages, entries, cap = [], [], [], current_app.config["ALERT_DAILY_CAP"]
    for alert in batch:
        if not may_hear(alert, signal):
            continue
        if alert.user_id:
            messages.append(mailrows.message(alert.user_id, notice.id))
            if mailrows.opted_out(alert.user_id, notice.kind):
                continue
        if alert.mode == "digest" or sent_at_once_today(alert) >= cap:
            entries.append({"alert_id": alert.id, "notice_id": notice.id, "created_at": clock.now()})
            continue
        locale = alert.locale or "bg"
        context = {"number": signal.number, "registered_at": signal.registered_at, "link": f"/signals/{signal.number}",
                   "category": signal.category.text("name", locale), "department": signal.department.text("name", locale),
                   "district": signal.area.text("name", locale) if signal.area else "", "alert_id": alert.id,
                   "token_purpose": tokens.UNSUBSCRIBE}
        rows.append(mailrows.row(notice.id, signal.id, _address(alert), locale, "alert/new", context,
                                 unverified=False, unsubscribe=UNSUBSCRIBE))
    if entries:
        db.session.execute(insert(AlertEntry).values(entries).on_conflict_do_nothing())
    return mailrows.write(rows, messages)


def sent_at_once_today(alert: Alert) -> int:
    """How many immediate alert mails this alert's subscriber had today (local day), from all of their alerts: the
    cap is the subscriber's, so five alerts do not make five times the mail."""
    return db.session.scalar(select(func.count()).select_from(Delivery).where(
        Delivery.template == "alert/new", Delivery.local_day == clock.today(),
        Delivery.recipient_hash == outbox.address_hash(_address(alert)))) or 0


def due_at(alert: Alert, day) -> datetime:
    """The moment of an alert's digest on a local day, in UTC: its local time read as the zone database reads a
    wall time (fold 0): a time the spring change skips comes an hour later, a time the autumn change repeats
    comes at its first occurrence. Either way the digest goes once that day."""
    wall = datetime.combine(day, time(alert.digest_minute // 60, alert.digest_minute % 60), tzinfo=clock.zone())
    return wall.astimezone(timezone.utc)


def send_digests() -> int:
    """The relay's pass: every alert with waiting entries whose time has come today and whose digest has not gone
    today gets one mail listing them; returns how many mails."""
    today, now, sent = clock.today(), clock.now(), 0
    waiting = select(AlertEntry.alert_id).where(AlertEntry.sent_at.is_(None)).distinct()
    for alert in db.session.scalars(select(Alert).where(Alert.id.in_(waiting), Alert.confirmed_at.is_not(None),
                                                        (Alert.last_digest_day.is_(None)) |
                                                        (Alert.last_digest_day < today)).with_for_update(
                                                            skip_locked=True)):
        if now < due_at(alert, today):
            continue
        entries = db.session.scalars(select(AlertEntry).where(AlertEntry.alert_id == alert.id,
                                                              AlertEntry.sent_at.is_(None))
                                     .order_by(AlertEntry.id).limit(200)).all()
        numbers = [n for n in (_public_number(e.notice_id) for e in entries) if n]
        if numbers:
            outbox.add(_address(alert), "alert/digest", {"numbers": numbers, "alert_id": alert.id,
                                                         "token_purpose": tokens.UNSUBSCRIBE, "link": "/",
                                                         "unsubscribe": UNSUBSCRIBE},
                       locale=alert.locale, headers=_headers())
            sent += 1
        for entry in entries:
            entry.sent_at = now
        alert.last_digest_day = today
    return sent


def _public_number(notice_id: int) -> str | None:
    notice = db.session.get(Notice, notice_id)
    signal = db.session.get(Signal, notice.signal_id) if notice else None
    return signal.number if signal is not None and access.is_public(signal) else None


def _address(alert: Alert) -> str:
    return db.session.get(User, alert.user_id).email if alert.user_id else alert.email


def _headers() -> dict:
    base = current_app.config["PUBLIC_BASE_URL"]
    return {"List-Unsubscribe": f"<{base}{UNSUBSCRIBE}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def confirm(alert: Alert) -> Alert:
    """The address confirmed by its link: the alert works from now on."""
    if alert.confirmed_at is None:
        alert.confirmed_at = clock.now()
        audit.record(None, "alert_confirmed", "alert", alert.id)
    return alert


def delete(alert: Alert, actor: User | None = None) -> None:
    """Delete an alert (its user from My subscriptions, or its address by the unsubscribe link)."""
    audit.record(actor.id if actor else None, "alert_deleted", "alert", alert.id)
    db.session.delete(alert)
    db.session.flush()


def area_label(alert: Alert) -> str:
    """What the alert's area is, in the reader's words."""
    from flask_babel import gettext as _

    if alert.district_id:
        return _("district %(name)s", name=db.session.get(Area, alert.district_id).text("name"))
    if alert.radius_m:
        return _("%(metres)d m around a point", metres=alert.radius_m)
    return _("an area drawn on the map")


def of_user(user: User) -> list[Alert]:
    """The user's alerts, newest first."""
    return list(db.session.scalars(select(Alert).where(Alert.user_id == user.id).order_by(Alert.created_at.desc())))
