"""Decisions the law describes, on an information request (ZDOI) or a proposal (АПК art. 118), and the superior
body's extension of a proposal's time.

An information request is granted (the extent of the information, the term of access — at least 30 days — the
place, the form and the costs; by email at no cost when access is electronic), partially granted, refused (its
legal grounds and facts), answered with a notice that no information is held, or left without consideration (its
reason). A proposal is accepted, rejected (why) or left without consideration. The decision is one `decision`
entry of the history (the requester reads it; its `data` holds what the law asks it to state), the documents
attached to it, and the date it was communicated. Only an information request's decisions carry an appeal route.
The wording of grounds, reasons and the appeal route is in the jurisdiction profile (signals/jurisdiction.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from app import audit, clock
from app.accounts.models import Role, User
from app.extensions import db
from app.kinds import Kind
from signals import access, deadlines, events, workflow
from signals.jurisdiction import profile
from signals.models import Signal, Update, UpdateKind, Visibility
from signals.services.errors import InvalidInput, NotAllowed
from signals.services.filing import ACCESS_FORMS, attach_documents
from signals.services.status import change_status
from signals.workflow import Status

S = Status
OUTCOMES = {Kind.info_request: (S.granted, S.partially_granted, S.refused, S.no_information,
                                S.left_without_consideration),
            Kind.proposal: (S.granted, S.refused, S.left_without_consideration)}
GRANTS = frozenset({S.granted, S.partially_granted})          # state the access given
REFUSALS = frozenset({S.refused, S.partially_granted})        # state the grounds and facts


class DecisionRefused(InvalidInput):
    """A decision missing what the law asks it to state; `field` names the form field to mark."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass(frozen=True)
class Decision:
    """What a decision states; which parts are needed depends on the outcome."""

    outcome: Status
    reasons: str = ""                 # the facts (refusal, leaving without consideration); a proposal's decision
    grounds: tuple[str, ...] = ()     # refusal grounds; leaving without consideration: its one reason code
    extent: str = ""
    term_days: int | None = None
    place: str = ""
    access_form: str = ""
    costs: Decimal | None = None
    information_url: str = ""         # electronic access: where the information is published (art. 26(1)(4))


def may_decide(user: User | None, signal: Signal) -> bool:
    """The head of the body or an official expressly authorised for the item's department, or an admin; on a
    proposal, also the department's managers."""
    if user is None or signal.kind not in OUTCOMES or not access.can(user, "act_as_staff", signal):
        return False
    if user.role == Role.admin or any(m.department_id == signal.department_id and m.may_decide
                                      for m in user.memberships):
        return True
    return signal.kind == Kind.proposal and access.can(user, "manage", signal)


def check(signal: Signal, decision: Decision) -> None:
    """Raise DecisionRefused when the decision lacks what the law asks of its outcome."""
    law, outcome = profile(), decision.outcome
    if outcome not in OUTCOMES.get(signal.kind, ()):
        raise DecisionRefused("outcome", "not a decision on this kind")
    if outcome == S.left_without_consideration:
        if len(decision.grounds) != 1 or decision.grounds[0] not in law.without_consideration[signal.kind]:
            raise DecisionRefused("grounds", "name the reason")
    elif outcome in REFUSALS and signal.kind == Kind.info_request and (
            not decision.grounds or not set(decision.grounds) <= set(law.refusal_grounds)):
        raise DecisionRefused("grounds", "name the legal grounds")
    needs_text = outcome in REFUSALS | {S.left_without_consideration} or signal.kind == Kind.proposal
    if needs_text and not decision.reasons.strip():
        raise DecisionRefused("reasons", "state the facts")
    if outcome in GRANTS and signal.kind == Kind.info_request:
        _check_grant(decision, law.min_access_term_days)


def _check_grant(decision: Decision, min_term: int) -> None:
    if not decision.extent.strip():
        raise DecisionRefused("extent", "state the extent of the information")
    if decision.access_form not in ACCESS_FORMS:
        raise DecisionRefused("access_form", "choose the form of access")
    if decision.term_days is None or decision.term_days < min_term:
        raise DecisionRefused("term_days", f"at least {min_term} days")
    if decision.information_url and not decision.information_url.startswith(("https://", "http://")):
        raise DecisionRefused("information_url", "a web address")
    if decision.access_form != "electronic":
        if not decision.place.strip():
            raise DecisionRefused("place", "state the place of access")
        if decision.costs is None or decision.costs < 0:
            raise DecisionRefused("costs", "state the costs")


def _data(signal: Signal, decision: Decision) -> dict:
    """What the history entry keeps: only the parts of the decision its outcome states."""
    data = {"outcome": decision.outcome.value, "decided_on": clock.today().isoformat(),
            "appeal": signal.kind == Kind.info_request}
    if decision.outcome == S.left_without_consideration or (decision.outcome in REFUSALS
                                                             and signal.kind == Kind.info_request):
        data["grounds"] = sorted(decision.grounds)
    if decision.outcome in GRANTS and signal.kind == Kind.info_request:
        electronic = decision.access_form == "electronic"
        data.update(extent=decision.extent.strip(), term_days=decision.term_days, access_form=decision.access_form,
                    place="" if electronic else decision.place.strip(), currency=profile().currency,
                    costs="0.00" if electronic else f"{decision.costs:.2f}")
        if electronic:            # the decision and the information go to the requester by email today
            data.update(communicated_on=clock.today().isoformat(), communicated_by="email",
                        information_url=decision.information_url.strip())
    return data


def decide(signal: Signal, actor: User | None, decision: Decision, documents: list[dict] = ()) -> Update:
    """Record a decision with its documents (the requester reads it; a required notice tells them); `actor` None
    is the system (a clarification never given)."""
    if actor is not None and not may_decide(actor, signal):
        raise NotAllowed("only an official authorised to decide")
    check(signal, decision)
    update = change_status(signal, decision.outcome, actor, note=decision.reasons.strip()[:10_000],
                           visibility=Visibility.filer, record=UpdateKind.decision, data=_data(signal, decision))
    attach_documents(signal, list(documents), update, public=False)
    audit.record(actor.id if actor else None, "decision", "signal", signal.id, outcome=decision.outcome.value)
    return update


def latest(signal: Signal) -> Update | None:
    """The decision now in force: the last decision entry, unless the item was reopened after it."""
    decision = next((u for u in sorted(signal.updates, key=lambda u: (u.created_at, u.id), reverse=True)
                     if u.kind == UpdateKind.decision), None)
    return decision if decision is not None and signal.status == decision.new_status else None


def appeal_until(update: Update) -> date | None:
    """The last day to appeal an information request's decision: the appeal days from its communication."""
    communicated = (update.data or {}).get("communicated_on")
    if not (update.data or {}).get("appeal") or not communicated:
        return None
    return deadlines.next_working_day(date.fromisoformat(communicated) + timedelta(days=profile().appeal_days))


def communicate_by(update: Update) -> date:
    """The last day to communicate a decision on a proposal (АПК: within 7 days of the decision)."""
    decided = date.fromisoformat(update.data["decided_on"])
    return deadlines.next_working_day(decided + timedelta(days=profile().proposal_communication_days))


def record_communication(signal: Signal, actor: User, on: date) -> Update:
    """The date the decision in force reached the requester (it starts the appeal's 14 days), recorded once."""
    decision = latest(signal)
    if decision is None or not may_decide(actor, signal):
        raise NotAllowed("no decision to communicate, or not an official who decides")
    if decision.data.get("communicated_on"):
        raise DecisionRefused("communicated_on", "already recorded")
    if not date.fromisoformat(decision.data["decided_on"]) <= on <= clock.today():
        raise DecisionRefused("communicated_on", "between the decision and today")
    decision.data = {**decision.data, "communicated_on": on.isoformat()}
    update = Update(kind=UpdateKind.communication, visibility=Visibility.filer, created_at=clock.now(),
                    author_id=actor.id, data={"on": on.isoformat(), "decision": decision.id})
    signal.updates.append(update)
    audit.record(actor.id, "communication", "signal", signal.id, on=on.isoformat())
    db.session.flush()
    return update


def extend_proposal(signal: Signal, actor: User, months: int, reason: str) -> Update:
    """The superior body (a manager of the department, or an admin) extends a proposal's time up to 6 months from
    registration, before it has passed, with a reason; the filer is told (`extended`)."""
    law = profile()
    if signal.kind != Kind.proposal or not workflow.is_open(signal.status):
        raise InvalidInput("only an open proposal")
    if not (actor.role == Role.admin or access.can(actor, "manage", signal)):
        raise NotAllowed("only the superior body: a manager of the department or an admin")
    if clock.today() > signal.due_on:
        raise DecisionRefused("months", "passed")
    start = signal.period_start or clock.local_date(signal.registered_at)
    new_due = deadlines.next_working_day(deadlines.add_months(start, months)) \
        if 0 < months <= law.proposal_extension_months else None
    if new_due is None or new_due <= signal.due_on:
        raise DecisionRefused("months", "longer than now, at most the profile's months")
    if not reason.strip():
        raise DecisionRefused("reason", "give the reason")
    update = Update(kind=UpdateKind.extension, visibility=Visibility.filer, created_at=clock.now(), author_id=actor.id,
                    body=reason.strip()[:2000], data={"months": months, "old": signal.due_on.isoformat(),
                                                      "new": new_due.isoformat()})
    signal.updates.append(update)
    signal.extension_days += (new_due - signal.due_on).days
    signal.due_on = new_due
    audit.record(actor.id, "extension", "signal", signal.id, months=months, new=new_due.isoformat())
    db.session.flush()
    events.extended.send(signal, update=update, actor=actor)
    return update


def authorise(user: User, department_id: int, allowed: bool, actor: User | None = None) -> None:
    """Give (or take back) an official's express authorisation to decide information requests and proposals for
    a department they are a member of; audited."""
    membership = next((m for m in user.memberships if m.department_id == department_id), None)
    if membership is None:
        raise InvalidInput("not a member of the department")
    membership.may_decide = allowed
    audit.record(actor.id if actor else None, "may_decide" if allowed else "may_not_decide", "user", user.id,
                 department=department_id)
    db.session.flush()
