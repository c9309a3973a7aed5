"""Clarification: staff ask the filer to clarify; the clock stops until the filer answers. For an information
request the 14 days start again in full from the answer (ZDOI art. 29); other kinds resume with the days that
were left. The filer has 30 days from the notice's sending; a notice that was withheld or failed starts
nothing. Without an answer in time the item is left without consideration, once (a daily task)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app import audit, clock
from app.accounts.models import User
from app.extensions import db
from app.mail.models import Delivery
from signals import deadlines, events, workflow
from signals.models import Signal, Update, UpdateKind, Visibility
from signals.services import decisions
from signals.services.errors import InvalidInput, TransitionNotAllowed
from signals.services.filing import attach_documents
from signals.services.status import change_status
from signals.workflow import Status

# The facts of leaving an item without consideration for want of a clarification, as the body writes them.
NOT_CLARIFIED = "Исканото уточнение не е постъпило в {days}-дневен срок от уведомлението, изпратено на {date} г."


def request_clarification(signal: Signal, actor: User, question: str) -> Update:
    """Ask the filer a question: the item waits for the answer (its clock stops), the filer is told."""
    if not question.strip():
        raise InvalidInput("a clarification request says what is to be clarified")
    if Status.awaiting_clarification not in workflow.allowed(signal.kind, signal.status):
        raise TransitionNotAllowed(f"{signal.kind.value}: {signal.status.value} → awaiting_clarification")
    paused_on, due_on = clock.today(), signal.due_on
    change_status(signal, Status.awaiting_clarification, actor, visibility=Visibility.filer)
    update = Update(kind=UpdateKind.clarification_request, visibility=Visibility.filer, created_at=clock.now(),
                    author_id=actor.id, body=question.strip(),
                    data={"paused_on": paused_on.isoformat(), "due_on": due_on.isoformat() if due_on else None})
    signal.updates.append(update)
    audit.record(actor.id, "clarification_request", "signal", signal.id)
    db.session.flush()
    events.clarification_requested.send(signal, update=update, actor=actor)
    return update


def _open_request(signal: Signal) -> Update | None:
    return next((u for u in reversed(signal.updates) if u.kind == UpdateKind.clarification_request), None)


def answer_clarification(signal: Signal, filer: User | None, answer: str, files: list[dict] = ()) -> Update:
    """The filer's answer: a filer-visible entry with its files (checked and stored, see
    signals.document_uploads), the new due date by the kind's rule, back to in progress."""
    if signal.status != Status.awaiting_clarification:
        raise TransitionNotAllowed("the item does not wait for a clarification")
    if not answer.strip():
        raise InvalidInput("the answer is empty")
    request = _open_request(signal)
    answered_on = clock.today()
    paused_on = date.fromisoformat(request.data["paused_on"]) if request else answered_on
    due_on = date.fromisoformat(request.data["due_on"]) if request and request.data.get("due_on") else signal.due_on
    update = Update(kind=UpdateKind.clarification_answer, visibility=Visibility.filer, created_at=clock.now(),
                    author_id=filer.id if filer else None, body=answer.strip(),
                    data={"answered_on": answered_on.isoformat()})
    signal.updates.append(update)
    attach_documents(signal, list(files), update)
    signal.due_on = deadlines.due_after_clarification(signal.kind, due_on=due_on, paused_on=paused_on,
                                                      answered_on=answered_on)
    if deadlines.rule_for(signal.kind).restart_on_clarification:
        signal.period_start = answered_on
    audit.record(filer.id if filer else None, "clarification_answer", "signal", signal.id)
    change_status(signal, Status.in_progress, filer, visibility=Visibility.filer)
    return update


def _leave(signal: Signal, told_on: date) -> None:
    """Leave an item without consideration for want of a clarification: a decision (its reason from the
    jurisdiction profile) where the law makes it one, else a status change that says why."""
    facts = NOT_CLARIFIED.format(date=told_on.strftime("%d.%m.%Y"), days=deadlines.CLARIFICATION_ANSWER_DAYS)
    if signal.kind in decisions.OUTCOMES:
        decisions.decide(signal, None, decisions.Decision(Status.left_without_consideration, reasons=facts,
                                                           grounds=("not_clarified",)))
    else:
        change_status(signal, Status.left_without_consideration, None, visibility=Visibility.filer, note=facts)


def expire_clarifications() -> int:
    """The daily task: items whose filer did not answer within 30 days of the notice's sending are left without
    consideration, once; a request whose notice was never sent (withheld or failed) does not expire."""
    left = 0
    waiting = db.session.scalars(select(Signal).where(Signal.status == Status.awaiting_clarification)
                                 .with_for_update(skip_locked=True))
    for signal in waiting:
        request = _open_request(signal)
        notice = next((u for u in reversed(signal.updates) if u.kind == UpdateKind.notice
                       and u.data.get("notice") == "clarification" and request is not None
                       and u.created_at >= request.created_at), None)
        delivery = db.session.get(Delivery, notice.delivery_id) if notice and notice.delivery_id else None
        if delivery is None or delivery.sent_at is None:
            continue
        if clock.today() > deadlines.clarification_expires_on(delivery.sent_at):
            _leave(signal, clock.local_date(delivery.sent_at))
            left += 1
    return left
