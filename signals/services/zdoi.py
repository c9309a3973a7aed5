"""Access to public information (ZDOI): who decides, the third party's consent asked (art. 31) and the extensions
of the 14 days (art. 30: +10 when the information is large in volume; art. 31: +14 when a third party's consent
is needed, only if that consent was asked within 7 days of registration), before the deadline has passed, with a
reason and a required notice to the requester. One extension per request."""

from __future__ import annotations

from datetime import timedelta

from app import audit, clock
from app.accounts.models import User
from app.extensions import db
from app.kinds import Kind
from signals import deadlines, events
from signals.models import Signal, Update, UpdateKind, Visibility
from signals.services.decisions import may_decide
from signals.services.errors import InvalidInput, NotAllowed

CONSENT_WITHIN_DAYS = 7


class ExtensionRefused(InvalidInput):
    """An extension the law does not allow here; `reason` names why: passed, consent, twice, article."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _information_request(signal: Signal, actor: User) -> None:
    if signal.kind != Kind.info_request:
        raise InvalidInput("only an information request has ZDOI extensions and decisions")
    if not may_decide(actor, signal):
        raise NotAllowed("only an official authorised to decide information requests")


def record_consent_request(signal: Signal, actor: User, third_party: str) -> Update:
    """Record that the third party's consent was asked (art. 31(1)); the requester is not told who."""
    _information_request(signal, actor)
    if not third_party.strip():
        raise InvalidInput("name the third party whose consent is asked")
    update = Update(kind=UpdateKind.consent_request, visibility=Visibility.internal, created_at=clock.now(),
                    author_id=actor.id, body=third_party.strip()[:300], data={"on": clock.today().isoformat()})
    signal.updates.append(update)
    audit.record(actor.id, "consent_request", "signal", signal.id)
    db.session.flush()
    return update


def _consent_asked_in_time(signal: Signal) -> bool:
    limit = clock.local_date(signal.registered_at) + timedelta(days=CONSENT_WITHIN_DAYS)
    return any(u.kind == UpdateKind.consent_request and clock.local_date(u.created_at) <= limit
               for u in signal.updates)


def extend(signal: Signal, actor: User, article: str, reason: str) -> Update:
    """Extend the deadline under art. 30 or 31; the requester is told the new date and why (`extended`)."""
    _information_request(signal, actor)
    if signal.extension_days:
        raise ExtensionRefused("twice")
    if article == "31" and not _consent_asked_in_time(signal):
        raise ExtensionRefused("consent")
    if clock.today() > signal.due_on:
        raise ExtensionRefused("passed")
    try:
        new_due = deadlines.extended_due(signal.kind, period_start=signal.period_start or clock.local_date(
            signal.registered_at), due_on=signal.due_on, article=article, reason=reason)
    except deadlines.ExtensionNotAllowed as refused:
        raise ExtensionRefused("article" if "article" in str(refused) else "reason") from None
    old_due, extra = signal.due_on, dict(deadlines.rule_for(signal.kind).extensions)[article]
    update = Update(kind=UpdateKind.extension, visibility=Visibility.filer, created_at=clock.now(), author_id=actor.id,
                    body=reason.strip()[:2000], data={"article": article, "old": old_due.isoformat(),
                                                      "new": new_due.isoformat(), "days": extra})
    signal.updates.append(update)
    signal.due_on, signal.extension_days = new_due, extra
    audit.record(actor.id, "extension", "signal", signal.id, article=article, new=new_due.isoformat())
    db.session.flush()
    events.extended.send(signal, update=update, actor=actor)
    return update
