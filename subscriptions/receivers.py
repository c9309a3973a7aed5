"""Receivers of signals.events: they decide who hears about what and add outbox rows in the same transaction.

Today's recipients are the filers: required notices (registration, an outcome of
their item, a moderator hiding or showing it) go to the filer whatever their
subscriptions. A mail to an address given without an account carries only the
number, date, category, department, status and the tracking link, never text that
someone typed, and at most MAIL_DAILY_LIMIT_PER_ADDRESS such mails go to one
address a local day; a withheld notice is written in the item's history. The
history entry is written by a service (signals.services.notices), never here.

A problem marked resolved asks its filer "Is it fixed?" (signals.services.fix_check); that notice tells the
outcome too, so it takes the outcome notice's place. Staff hear of items given to them, and a department hears at
its address when a filer says a resolved problem is not fixed.

No mail goes to an address on the moderators' blocklist (signals.services.blocklist):
only an audit row says so, never the filer's history.
"""

from __future__ import annotations

import logging

from flask import current_app

from app import audit
from app.accounts.models import User
from app.extensions import db
from app.mail import outbox
from signals import access, events, tokens, workflow
from signals.models import Signal, Update, UpdateKind, Visibility
from signals.services import blocklist, fix_check, notices
from signals.workflow import Status
from subscriptions import fanout, follows

log = logging.getLogger(__name__)
# Outcomes the filer is told of whatever their subscriptions; closing after an outcome is not news.
OUTCOMES = workflow.FINAL - {Status.closed}


def _link(signal: Signal) -> str:
    """The item's address; for a filer without an account, with the token placeholder filled in at delivery."""
    return f"/signals/{signal.number}" + (f"?t={tokens.MAIL_PLACEHOLDER}" if signal.filer_token_hash else "")


def _required_notice(signal: Signal, notice: str, template: str, context: dict) -> None:
    """Mail the filer a required notice (or record why it was withheld) and write the proof into the history."""
    filer = signal.filer
    account = db.session.get(User, signal.user_id) if signal.user_id else None
    # A filer with an account hears at the account's (confirmed) address, whatever the item's snapshot says.
    address = account.email if account is not None else (filer.email if filer else "")
    if not address:
        return
    if blocklist.is_blocked(address):        # on the moderators' blocklist: no mail, and nothing the filer sees
        audit.record(None, "notice_not_mailed", "signal", signal.id, notice=notice, why="blocklist")
        log.info("notice %s for item %s not mailed: the address is on the blocklist", notice, signal.id)
        return
    unverified = account is None
    limit = current_app.config["MAIL_DAILY_LIMIT_PER_ADDRESS"]
    if unverified and outbox.sent_today(address) >= limit:
        notices.record(signal, notice, withheld="daily_limit", limit=limit)
        return
    locale = (account.locale if account is not None else filer.locale) or "bg"
    delivery = outbox.add(address, template, {
        "number": signal.number, "registered_at": signal.registered_at,
        "category": signal.category.text("name", locale), "department": signal.department.text("name", locale),
        "due_on": signal.due_on, "link": _link(signal), **context,
    }, locale=locale, required=True, unverified=unverified, signal_id=signal.id,
        filer_link=bool(signal.filer_token_hash))
    notices.record(signal, notice, delivery=delivery)
    if account is not None:                           # every notice is also a message in the filer's cabinet
        fanout.to_cabinet(signal, notice, account)


@events.registered.connect
def notify_filer_of_registration(signal: Signal, **_) -> None:
    """The registration notice: number, date, category, department, due date and the tracking link."""
    _required_notice(signal, "registered", "registered", {})


def _tell_department(signal: Signal) -> None:
    """The department's address hears of a new item in its inbox (number, category, due date, console link)."""
    if signal.department is not None and signal.department.email:
        outbox.add(signal.department.email, "console/new_item",
                   {"number": signal.number, "category": signal.category.text("name", "bg"), "due_on": signal.due_on,
                    "link": f"/console/signals/{signal.number}"}, locale="bg", signal_id=signal.id)


@events.registered.connect
def notify_department_of_new_item(signal: Signal, **_) -> None:
    """A new item in a department's inbox: its address is told."""
    _tell_department(signal)


@events.status_changed.connect
def notify_filer_of_outcome(signal: Signal, update: Update, **_) -> None:
    """An outcome (answered, resolved, a decision, forwarded, …) told to the filer in the legal terms."""
    if update.new_status not in OUTCOMES or update.visibility.value == "internal":
        return
    if fix_check.to_be_asked(signal, update):        # "Is it fixed?" tells the outcome with the question
        return
    if update.kind == UpdateKind.decision:           # the decision itself, as the law asks it to be stated
        _required_notice(signal, "decision", "decision", {
            "decision": update.data, "kind": signal.kind.value, "reasons": update.body if signal.user_id else "",
            "documents": len([a for a in signal.attachments if a.update_id == update.id])})
        return
    locale = (signal.filer.locale if signal.filer else None) or "bg"
    _required_notice(signal, "status", "status",
                     {"status": workflow.label(update.new_status, locale, signal.kind)})


@events.moderated.connect
def notify_filer_of_moderation(signal: Signal, action: str, **_) -> None:
    """A moderator hid the item (with the reason category) or showed it again; approvals need no mail."""
    if action not in ("hidden", "unhidden"):
        return
    # The reason's code: the mail names it in the filer's language when it is rendered.
    reason = signal.hidden_reason.value if action == "hidden" and signal.hidden_reason else ""
    _required_notice(signal, action, "moderated", {"action": action, "reason": reason})


@events.corrected.connect
def notify_filer_of_a_new_kind(signal: Signal, what: str, **_) -> None:
    """A problem became a question or the reverse: the filer is told the new kind and due date."""
    if what != "kind":
        return
    _required_notice(signal, "kind", "kind_changed", {"kind": signal.kind.value})


@events.notice_recorded.connect
def log_notice(signal: Signal, notice: str, delivery_id: int | None, withheld: str | None = None, **_) -> None:
    """The operations log of required notices: a withheld one is a warning (the filer was not reached)."""
    if withheld:
        log.warning("notice %s for item %s withheld (%s)", notice, signal.id, withheld)
    else:
        log.info("notice %s for item %s queued as outbox %s", notice, signal.id, delivery_id)


@events.clarification_requested.connect
def ask_filer_to_clarify(signal: Signal, update: Update, **_) -> None:
    """A required notice: staff's question (to an account's address; to an address given without an account only
    that something is asked, read at the link), and that the answer is due within 30 days."""
    _required_notice(signal, "clarification", "clarification", {"question": update.body if signal.user_id else ""})


@events.replied.connect
def tell_filer_of_reply(signal: Signal, update: Update, **_) -> None:
    """A required notice: the reply's text to an account's address; to an address given without an account only
    that a reply is waiting, with the tracking link."""
    _required_notice(signal, "reply", "reply", {"reply": update.body if signal.user_id else ""})


@events.rerouted.connect
def tell_of_reroute(signal: Signal, update: Update, **_) -> None:
    """A required notice to the filer: the department now handling the item (the reason to an account's address
    only); and the new department's address hears of a new item in its inbox."""
    _required_notice(signal, "reroute", "rerouted", {"reason": update.body if signal.user_id else ""})
    _tell_department(signal)


@events.extended.connect
def tell_requester_of_extension(signal: Signal, update: Update, **_) -> None:
    """A required notice: the new due date, the article and the reason (an information request's requester has
    an account, so the reason may be quoted)."""
    _required_notice(signal, "extension", "extended", {"article": update.data.get("article"),
                                                       "months": update.data.get("months"),
                                                       "reason": update.body if signal.user_id else ""})


@events.assigned.connect
def tell_the_assignee(signal: Signal, update: Update, actor: User, assignee: User | None, **_) -> None:
    """Staff hear of an item given to them by someone else (the number and a console link; no filer's text)."""
    if assignee is None or assignee.id == actor.id:
        return
    outbox.add(assignee.email, "console/assigned",
               {"number": signal.number, "category": signal.category.text("name", assignee.locale or "bg"),
                "due_on": signal.due_on, "by": actor.name, "link": f"/console/signals/{signal.number}"},
               locale=assignee.locale or "bg", signal_id=signal.id)


@events.status_changed.connect
def ask_whether_fixed(signal: Signal, update: Update, actor: User | None = None, **_) -> None:
    """A problem marked resolved: its filer, when a notice can reach them, is asked "Is it fixed?" (the service
    records the question; its own event brings the notice)."""
    if fix_check.to_be_asked(signal, update):
        fix_check.ask(signal, actor)


@events.fix_question_asked.connect
def tell_filer_to_check_the_fix(signal: Signal, update: Update, **_) -> None:
    """A required notice: the item is resolved, is it fixed? Answer on the item's page by the last day (the
    outcome and the date only: nothing anyone typed)."""
    locale = (signal.filer.locale if signal.filer else None) or "bg"
    _required_notice(signal, "fix_question", "fix_question",
                     {"status": workflow.label(Status.resolved, locale, signal.kind),
                      "answer_by": fix_check.answer_by(update), "days": fix_check.ANSWER_DAYS})


@events.fix_answered.connect
def tell_the_department_it_is_not_fixed(signal: Signal, fixed: bool, **_) -> None:
    """The filer says a resolved problem is not fixed: the department hears at its address that the item is back
    in progress (the number and a console link; never the filer's text)."""
    if fixed or not signal.department.email:
        return
    locale = current_app.config["BABEL_DEFAULT_LOCALE"]        # a department has no language of its own
    outbox.add(signal.department.email, "console/not_fixed",
               {"number": signal.number, "category": signal.category.text("name", locale),
                "link": f"/console/signals/{signal.number}"},
               locale=locale, signal_id=signal.id)


@events.registered.connect
def filer_follows(signal: Signal, **_) -> None:
    """The filer is the item's first follower (their account, or the address they gave)."""
    follows.follow_as_filer(signal)


@events.status_changed.connect
def tell_followers_of_status(signal: Signal, update: Update, **_) -> None:
    """A public status change (a decision, a reopening, …) for the item's followers; the filer, told of an
    outcome by a required notice, is not told twice."""
    if update.visibility == Visibility.public:
        fanout.record(signal, "status", update, status=update.new_status.value,
                      filer_told=update.new_status in OUTCOMES)


@events.replied.connect
def tell_followers_of_reply(signal: Signal, update: Update, **_) -> None:
    """Staff's public reply for the item's followers (the filer has had the required notice)."""
    if update.visibility == Visibility.public:
        fanout.record(signal, "reply", update, filer_told=True)


@events.registered.connect
def tell_alerts_of_a_new_signal(signal: Signal, **_) -> None:
    """A new public signal for the area alerts it falls in (a held one waits for its approval)."""
    if access.is_public(signal):
        fanout.record(signal, "new", None)


@events.moderated.connect
def tell_alerts_of_an_approved_signal(signal: Signal, action: str, **_) -> None:
    """A held signal approved: now public, it is new for the area alerts (once)."""
    if action == "approved" and access.is_public(signal) and not fanout.recorded(signal, "new"):
        fanout.record(signal, "new", None)
