"""Verified fixes: when a problem is marked resolved, its filer is asked "Is it fixed?".

The question is recorded (a filer-visible `fix_question` entry holding the day it was asked and the last day to
answer) when a notice can reach the filer: an account, or an email given with the filing. Its mail also tells
the outcome, so it replaces the outcome notice (subscriptions/receivers.py). Until ANSWER_DAYS local days after
the question the filer answers on the item's page: yes closes the item; no reopens it (in progress) with the
filer's comment, kept filer-visible (public only after moderation), and the department is told.

Silence closes the item: a daily task closes every problem that has stayed resolved for more than ANSWER_DAYS
days since it was last resolved. That includes problems whose filer could not be asked (no account, no email),
so nobody waits for an answer that cannot come, and problems resolved before this check existed.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from app import audit, clock
from app.accounts.models import User
from app.extensions import db
from app.kinds import Kind
from signals import events
from signals.models import Signal, Update, UpdateKind, Visibility
from signals.services.errors import InvalidInput, ServiceError, TransitionNotAllowed
from signals.services.status import change_status
from signals.workflow import Status

ANSWER_DAYS = 15
COMMENT_MAX = 2000


class QuestionClosed(ServiceError):
    """There is no open "Is it fixed?" for the item: never asked, already answered, or asked too long ago."""


def can_be_asked(signal: Signal) -> bool:
    """Whether a notice can reach the filer: an account, or an email given with the filing."""
    return bool(signal.user_id or (signal.filer is not None and signal.filer.email))


def to_be_asked(signal: Signal, update: Update) -> bool:
    """Whether a status change asks the filer: a problem newly resolved (not in an internal entry) whose filer can
    be reached."""
    return (signal.kind == Kind.problem and update.new_status == Status.resolved
            and update.visibility != Visibility.internal and can_be_asked(signal))


def ask(signal: Signal, actor: User | None) -> Update:
    """Record "Is it fixed?" for a resolved problem (filer-visible, with the last day to answer); the filer is told
    through the event's receiver."""
    if signal.kind != Kind.problem or signal.status != Status.resolved:
        raise TransitionNotAllowed("only a resolved problem asks whether it is fixed")
    asked_on = clock.today()
    update = Update(kind=UpdateKind.fix_question, visibility=Visibility.filer, created_at=clock.now(),
                    data={"asked_on": asked_on.isoformat(),
                          "answer_by": (asked_on + timedelta(days=ANSWER_DAYS)).isoformat()})
    signal.updates.append(update)
    audit.record(actor.id if actor else None, "fix_question", "signal", signal.id)
    db.session.flush()
    events.fix_question_asked.send(signal, update=update, actor=actor)
    return update


def answer_by(question: Update) -> date:
    """The last local day on which the filer may answer a question."""
    return date.fromisoformat(question.data["answer_by"])


def open_question(signal: Signal) -> Update | None:
    """The question the filer may answer today: the item is resolved, was asked since it was last resolved, has no
    answer yet, and today is not past the last day to answer."""
    if signal.status != Status.resolved:
        return None
    for update in reversed(signal.updates):
        if update.kind == UpdateKind.fix_question:
            return update if clock.today() <= answer_by(update) else None
        if update.kind == UpdateKind.fix_answer or (update.kind == UpdateKind.status_change
                                                    and update.new_status == Status.resolved):
            return None
    return None


def answer(signal: Signal, filer: User | None, fixed: bool, comment: str = "") -> Update:
    """The filer's answer: yes closes the item; no reopens it (in progress) with the comment, which says what is
    still wrong. Both are kept as a filer-visible entry; the department hears of a no."""
    if open_question(signal) is None:
        raise QuestionClosed("no open question: not asked, answered already, or too late")
    comment = (comment or "").strip()
    if not fixed and not comment:
        raise InvalidInput("a no says what is still not fixed")
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(f"a comment has at most {COMMENT_MAX} characters")
    update = Update(kind=UpdateKind.fix_answer, visibility=Visibility.filer, created_at=clock.now(),
                    author_id=filer.id if filer else None, body=comment,
                    data={"fixed": fixed, "answered_on": clock.today().isoformat()})
    signal.updates.append(update)
    audit.record(filer.id if filer else None, "fix_answer", "signal", signal.id, fixed=fixed)
    change_status(signal, Status.closed if fixed else Status.in_progress, filer)     # flushes
    events.fix_answered.send(signal, update=update, fixed=fixed, actor=filer)
    return update


def close_unanswered() -> int:
    """The daily task: close every problem resolved more than ANSWER_DAYS local days ago whose filer did not answer
    (or could not be asked), once; returns how many it closed."""
    resolved_at = (select(func.max(Update.created_at))
                   .where(Update.signal_id == Signal.id, Update.kind == UpdateKind.status_change,
                          Update.new_status == Status.resolved)
                   .correlate(Signal).scalar_subquery())
    cutoff = clock.local_midnight(clock.today() - timedelta(days=ANSWER_DAYS))    # resolved before that day began
    due = db.session.scalars(select(Signal).where(Signal.kind == Kind.problem, Signal.status == Status.resolved,
                                                  resolved_at < cutoff)
                             .order_by(Signal.id).with_for_update(of=Signal, skip_locked=True)).all()
    closed = 0
    for signal in due:
        if open_question(signal) is not None:        # asked on a later day than resolved: still in time
            continue
        audit.record(None, "fix_unanswered", "signal", signal.id)
        change_status(signal, Status.closed, None)
        closed += 1
    return closed
